# feature: backward
# source: 003_533b135f2cb59565.txt In [8] (section "## Accessing Gradients (.grad)")
# continues earlier cells of the same notebook (In [7]): their code is included
# first, verbatim, as setup so the file runs standalone.
# --- setup: In [7] (earlier cell, verbatim) ---
import torch

# Create input tensors that require gradients
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

# Define a simple computation
y = w * x + b  # y = 3.0 * 2.0 + 1.0 = 7.0

# --- this cell: In [8] ---
# Compute gradients
y.backward()

# Access the gradients stored in the .grad attribute
print(f"Gradient of y with respect to x (dy/dx): {x.grad}")
print(f"Gradient of y with respect to w (dy/dw): {w.grad}")
print(f"Gradient of y with respect to b (dy/db): {b.grad}")
