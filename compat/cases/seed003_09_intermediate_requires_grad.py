# feature: requires_grad
# source: 003_533b135f2cb59565.txt In [10] (section "## Tensors and Gradient Calculation (requires_grad)")
# continues earlier cells of the same notebook (In [9]): their code is included
# first, verbatim, as setup so the file runs standalone.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# --- setup: In [9] (earlier cell, verbatim) ---
# Define tensors: x (input), w (weight), b (bias)
x = torch.tensor([1.0, 2.0]) # Input data, gradients not needed
w = torch.tensor([0.5, -1.0], requires_grad=True) # Weight parameter, track gradients
b = torch.tensor([0.1], requires_grad=True) # Bias parameter, track gradients

print(f"x requires_grad: {x.requires_grad}")
print(f"w requires_grad: {w.requires_grad}")
print(f"b requires_grad: {b.requires_grad}")

# --- this cell: In [10] ---
# Perform an operation: y = w * x + b
# Note: PyTorch handles broadcasting for b
intermediate = w * x
print(f"\nintermediate (w * x) requires_grad: {intermediate.requires_grad}")
