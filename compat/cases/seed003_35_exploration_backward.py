# feature: backward
# source: 003_533b135f2cb59565.txt In [8] (section "## Autograd Exploration")
# continues earlier cells of the same notebook (In [6], In [7]): their code is included
# first, verbatim, as setup so the file runs standalone.
# The cell prints nothing; the added print (marked) shows the values it computes.
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

# --- setup: In [7] (earlier cell, verbatim) ---
# Forward pass: y = w * x
y = w * x

# Define a simple scalar loss L (e.g., mean of y)
L = y.mean()

print(f"y: {y}")
print(f"L: {L}")
print(f"y.requires_grad: {y.requires_grad}")
print(f"L.requires_grad: {L.requires_grad}")

# --- this cell: In [8] ---
# Perform backpropagation
L.backward()
print(w.grad)  # added print: the cell has none
