# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [7] (section "## Autograd Exploration")
# continues earlier cells of the same notebook (In [6]): their code is included
# first, verbatim, as setup so the file runs standalone.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# --- setup: In [6] (earlier cell, verbatim) ---
# Input data
x = torch.tensor([2.0, 4.0, 6.0])

# Weight tensor - requires gradient computation
w = torch.tensor([0.5], requires_grad=True)

print(f"x: {x}")
print(f"w: {w}")
print(f"x.requires_grad: {x.requires_grad}")
print(f"w.requires_grad: {w.requires_grad}")

# --- this cell: In [7] ---
# Forward pass: y = w * x
y = w * x

# Define a simple scalar loss L (e.g., mean of y)
L = y.mean()

print(f"y: {y}")
print(f"L: {L}")
print(f"y.requires_grad: {y.requires_grad}")
print(f"L.requires_grad: {L.requires_grad}")
