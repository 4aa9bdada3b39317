# feature: training loop, MLP, CrossEntropyLoss, Adam, DataLoader
# source: examples/train_mlp_classifier.py (issue 4: MLP classifier with a shuffled DataLoader)
# tolerance: rtol=2e-5 atol=2e-6  reason: float32 sum reductions (the CrossEntropyLoss mean, the bias gradient sums) add in another order than torch's vectorized sum; over 120 Adam steps the drift stays below 2e-6 relative (3e-8 absolute) at 10 significant digits. Numbers are printed to 6 decimals: the allowance covers one last-digit rounding flip (atol) and 10x the measured drift (rtol); a changed prediction (accuracy moves by 1/96 or 1/384) is not covered
"""A small MLP classifier on synthetic data: three Gaussian blobs in 4-d, nn.Sequential MLP,
CrossEntropyLoss, Adam, a shuffled DataLoader over a TensorDataset, accuracy via
torch.max(outputs, 1), loss/accuracy printed every epoch.

Run it with real torch (`python examples/train_mlp_classifier.py`), with myautograd
(`python -m myautograd examples/train_mlp_classifier.py`), or both ways with the diff
(`python -m compat examples/train_mlp_classifier.py`).
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

# synthetic data: 3 classes, each a Gaussian blob around its own random centre
n_per_class, n_features, n_classes = 160, 4, 3
centres = 2.0 * torch.randn(n_classes, n_features)
X = torch.cat([centres[c] + torch.randn(n_per_class, n_features) for c in range(n_classes)])
y = torch.cat([torch.full((n_per_class,), c, dtype=torch.long) for c in range(n_classes)])

# hold out every 5th sample for validation
val_mask = torch.arange(len(y)) % 5 == 0
train_ds = TensorDataset(X[~val_mask], y[~val_mask])
X_val, y_val = X[val_mask], y[val_mask]
loader = DataLoader(train_ds, batch_size=32, shuffle=True)
print(f"train samples: {len(train_ds)}, val samples: {len(y_val)}, batches/epoch: {len(loader)}")

model = nn.Sequential(
    nn.Linear(n_features, 32),
    nn.ReLU(),
    nn.Linear(32, 32),
    nn.ReLU(),
    nn.Linear(32, n_classes),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
print(model)
print(optimizer)

steps = 0
for epoch in range(1, 11):
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        outputs = model(xb)
        loss = criterion(outputs, yb)
        loss.backward()
        optimizer.step()
        steps += 1
        total_loss += loss.item() * yb.size(0)
        _, predicted = torch.max(outputs, 1)
        correct += (predicted == yb).sum().item()
        seen += yb.size(0)
    model.eval()
    with torch.no_grad():
        val_out = model(X_val)
        val_loss = criterion(val_out, y_val)
        _, val_pred = torch.max(val_out, 1)
        val_acc = (val_pred == y_val).float().mean()
    print(f"epoch {epoch:2d}  train loss {total_loss / seen:.6f}  train acc {correct / seen:.6f}"
          f"  val loss {val_loss.item():.6f}  val acc {val_acc.item():.6f}")

print(f"optimizer steps: {steps}")
with torch.no_grad():
    probs = torch.softmax(model(X_val[:4]), dim=1)
print("val probabilities (first 4):")
for row in probs.tolist():
    print("  " + "  ".join(f"{p:.6f}" for p in row))
print("predicted:", torch.max(probs, 1).indices.tolist(), " true:", y_val[:4].tolist())
