# feature: non-scalar backward, errors
# source: 003_533b135f2cb59565.txt In [5] (section "## Performing Backpropagation (backward())")
# continues earlier cells of the same notebook (In [3], In [4]): their code is included
# first, verbatim, as setup so the file runs standalone.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# --- setup: In [3] (earlier cell, verbatim) ---
# Continuing the previous example, but with a non-scalar y
x_vector = torch.tensor([2.0, 4.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

# --- setup: In [4] (earlier cell, verbatim) ---
y_non_scalar = w * x_vector + b # y_non_scalar is now a non-scalar tensor with two elements: [7.0, 13.0]

# --- this cell: In [5] ---
try:
    y_non_scalar.backward() # This will cause an error
except RuntimeError as e:
    print(f"Error calling backward() on non-scalar: {e}")
