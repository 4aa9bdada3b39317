# feature: non-scalar backward
# source: 003_533b135f2cb59565.txt In [6] (section "## Performing Backpropagation (backward())")
# continues earlier cells of the same notebook (In [3], In [4]): their code is included
# first, verbatim, as setup so the file runs standalone.
# In [5] (the caught error) ran in between in the notebook; it changes no state, so it is left out.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# --- setup: In [3] (earlier cell, verbatim) ---
# Continuing the previous example, but with a non-scalar y
x_vector = torch.tensor([2.0, 4.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

# --- setup: In [4] (earlier cell, verbatim) ---
y_non_scalar = w * x_vector + b # y_non_scalar is now a non-scalar tensor with two elements: [7.0, 13.0]

# --- this cell: In [6] ---
# To make it work, provide a gradient tensor matching y_non_scalar's shape
# This represents the gradient of some final loss w.r.t y.
# For demonstration, let's use torch.ones_like(y_non_scalar)
grad_tensor = torch.ones_like(y_non_scalar)
y_non_scalar.backward(gradient=grad_tensor)
print(f"Gradient for x_vector after y_non_scalar.backward(gradient=...): {x_vector.grad}")
print(f"Gradient for w after y_non_scalar.backward(gradient=...): {w.grad}")
