# feature: no_grad, grad_fn
# source: 003_533b135f2cb59565.txt In [11] (section "## Disabling Gradient Tracking")
# continues earlier cells of the same notebook (In [10]): their code is included
# first, verbatim, as setup so the file runs standalone.
# --- setup: In [10] (earlier cell, verbatim) ---
import torch

# Example tensors
x = torch.randn(2, 2, requires_grad=True)
w = torch.randn(2, 2, requires_grad=True)
b = torch.randn(2, 2, requires_grad=True)

# Operation outside the no_grad context
y = x * w + b
print(f"y.requires_grad: {y.requires_grad}") 
print(f"y.grad_fn: {y.grad_fn}") 

# --- this cell: In [11] ---
# Perform operations within the no_grad context
print("\nEntering torch.no_grad() context:")
with torch.no_grad():
    z = x * w + b
    print(f"  z.requires_grad: {z.requires_grad}") # Output: z.requires_grad: False
    print(f"  z.grad_fn: {z.grad_fn}")           # Output: z.grad_fn: None

    # Even if an input requires grad, the output won't
    k = x * 5
    print(f"  k.requires_grad: {k.requires_grad}")
