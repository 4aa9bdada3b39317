# feature: requires_grad, grad_fn
# source: 003_533b135f2cb59565.txt In [4] (section "## Performing Backpropagation (backward())")
# continues earlier cells of the same notebook (In [3]): their code is included
# first, verbatim, as setup so the file runs standalone.
# The cell prints nothing; the added print (marked) shows the values it computes.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# --- setup: In [3] (earlier cell, verbatim) ---
# Continuing the previous example, but with a non-scalar y
x_vector = torch.tensor([2.0, 4.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

# --- this cell: In [4] ---
y_non_scalar = w * x_vector + b # y_non_scalar is now a non-scalar tensor with two elements: [7.0, 13.0]
print(y_non_scalar)  # added print: the cell has none
