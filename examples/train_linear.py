# feature: training loop, nn.Linear, MSELoss, SGD
# source: examples/train_linear.py (issue 4: linear regression end to end)
# tolerance: rtol=2e-5 atol=2e-6  reason: float32 sum reductions (the MSELoss mean, the weight/bias gradient sums) add in another order than torch's vectorized sum, so the first loss already differs by 1 ulp; over 200 SGD steps the drift stays below 4e-6 relative (2e-7 absolute) at 10 significant digits. Numbers are printed to 6 decimals: the allowance covers one last-digit rounding flip (atol) and 5x the measured drift (rtol), not a wrong step
"""Linear regression: fit y = x @ w_true + b_true + noise with nn.Linear, MSELoss and SGD.

Run it with real torch (`python examples/train_linear.py`), with myautograd
(`python -m myautograd examples/train_linear.py`), or both ways with the diff
(`python -m compat examples/train_linear.py`).
"""
import torch
import torch.nn as nn

torch.manual_seed(0)

# synthetic dataset: 256 samples, 3 features, one target
n_samples, n_features = 256, 3
true_w = torch.tensor([[2.0], [-3.4], [0.5]])
true_b = 4.2
X = torch.randn(n_samples, n_features)
y = X @ true_w + true_b + 0.01 * torch.randn(n_samples, 1)

model = nn.Linear(n_features, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

print(f"initial weight: {[f'{v:.6f}' for v in model.weight.flatten().tolist()]}")
print(f"initial bias:   {model.bias.item():.6f}")

steps, batch = 200, 32
for step in range(1, steps + 1):
    idx = torch.randint(0, n_samples, (batch,))
    xb, yb = X[idx], y[idx]
    optimizer.zero_grad()
    loss = criterion(model(xb), yb)
    loss.backward()
    optimizer.step()
    if step % 20 == 0:
        print(f"step {step:4d}  loss {loss.item():.6f}")

with torch.no_grad():
    full_loss = criterion(model(X), y)
print(f"full-data loss: {full_loss.item():.6f}")
print(f"learned weight: {[f'{v:.6f}' for v in model.weight.flatten().tolist()]}")
print(f"learned bias:   {model.bias.item():.6f}")
print(f"true weight:    {[f'{v:.6f}' for v in true_w.flatten().tolist()]}  true bias: {true_b:.6f}")
for name, value in model.state_dict().items():
    print(f"state_dict[{name!r}]: shape {tuple(value.shape)}, values {[f'{v:.6f}' for v in value.flatten().tolist()]}")
