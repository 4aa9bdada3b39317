# feature: training loop, LSTM, Adam, clipping, lr_scheduler, serialization
# source: examples/train_lstm.py (issue 4: LSTM sequence regression with a checkpoint round trip)
# tolerance: rtol=2e-5 atol=2e-6  reason: float32 sum reductions (MSELoss mean, gradient sums through 20 LSTM time steps, the clip_grad_norm_ norm) add in another order than torch's vectorized sum; over 150 Adam steps the drift stays below 6e-6 relative (1.1e-7 absolute) at 10 significant digits (largest: the clipped grad norm). Numbers are printed to 6 decimals: the allowance covers one last-digit rounding flip (atol) and about 4x the measured drift (rtol)
"""Sequence regression with nn.LSTM: predict the next value of a noisy sine wave.
Adam, clip_grad_norm_, a StepLR schedule; halfway through, the model and optimizer
state_dicts are saved with torch.save to a temp file, reloaded with torch.load into a
fresh model and optimizer, and training continues from there.

Run it with real torch (`python examples/train_lstm.py`), with myautograd
(`python -m myautograd examples/train_lstm.py`), or both ways with the diff
(`python -m compat examples/train_lstm.py`).
"""
import os
import tempfile

import torch
import torch.nn as nn

torch.manual_seed(0)


class NextValue(nn.Module):
    """LSTM over a window of values, a linear head on the last hidden state."""

    def __init__(self, hidden=24, layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):                 # x: (batch, seq, 1)
        out, (h_n, c_n) = self.lstm(x)
        return self.head(out[:, -1, :])   # (batch, 1)


# a noisy sine, cut into windows of `seq_len` values and the value that follows each
seq_len, n_points = 20, 400
t = torch.arange(n_points, dtype=torch.float32) * 0.1
series = torch.sin(t) + 0.05 * torch.randn(n_points)
windows = torch.stack([series[i:i + seq_len] for i in range(n_points - seq_len)])
X = windows.unsqueeze(-1)                              # (380, 20, 1)
y = series[seq_len:].unsqueeze(-1)                     # (380, 1)
X_train, y_train = X[:300], y[:300]
X_test, y_test = X[300:], y[300:]
print(f"train windows: {tuple(X_train.shape)}, test windows: {tuple(X_test.shape)}")


def make(model_state=None, optim_state=None, sched_state=None):
    model = NextValue()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=40, gamma=0.5)
    if model_state is not None:
        model.load_state_dict(model_state)
        optimizer.load_state_dict(optim_state)
        scheduler.load_state_dict(sched_state)
    return model, optimizer, scheduler


def train(model, optimizer, scheduler, first_step, last_step, batch=32, log_every=10):
    criterion = nn.MSELoss()
    model.train()
    for step in range(first_step, last_step + 1):
        idx = torch.randint(0, X_train.size(0), (batch,))
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        if step % log_every == 0:
            print(f"step {step:4d}  loss {loss.item():.6f}  grad norm {grad_norm.item():.6f}"
                  f"  lr {scheduler.get_last_lr()[0]:.6f}")


def evaluate(model):
    model.eval()
    with torch.no_grad():
        return nn.functional.mse_loss(model(X_test), y_test).item()


model, optimizer, scheduler = make()
train(model, optimizer, scheduler, 1, 60)
print(f"test mse after 60 steps: {evaluate(model):.6f}")

# checkpoint: save, reload into fresh objects, continue
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pt")
    torch.save({"step": 60,
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict()}, path)
    ckpt = torch.load(path)
print(f"checkpoint keys: {sorted(ckpt)}  step: {ckpt['step']}")
print(f"model tensors: {[(k, tuple(v.shape)) for k, v in ckpt['model'].items()]}")
print(f"optimizer state entries: {len(ckpt['optimizer']['state'])}  "
      f"param_groups lr: {ckpt['optimizer']['param_groups'][0]['lr']:.6f}")

fresh_model, fresh_optimizer, fresh_scheduler = make(ckpt["model"], ckpt["optimizer"], ckpt["scheduler"])
same = all(bool((a == b).all()) for a, b in zip(model.parameters(), fresh_model.parameters()))
print(f"reloaded parameters equal: {same}  test mse: {evaluate(fresh_model):.6f}")

train(fresh_model, fresh_optimizer, fresh_scheduler, ckpt["step"] + 1, 150)
print(f"test mse after 150 steps: {evaluate(fresh_model):.6f}")
with torch.no_grad():
    pred = fresh_model(X_test[:5]).squeeze(-1)
print("predicted:", [f"{v:.6f}" for v in pred.tolist()])
print("actual:   ", [f"{v:.6f}" for v in y_test[:5].squeeze(-1).tolist()])
