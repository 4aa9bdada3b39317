# feature: no_grad, grad_fn
# source: 003_533b135f2cb59565.txt In [12] (section "## Disabling Gradient Tracking")
# continues earlier cells of the same notebook (In [10]): their code is included
# first, verbatim, as setup so the file runs standalone.
# In [11] (the no_grad block) ran in between in the notebook; it changes no state used here, so it is left out.
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

# --- this cell: In [12] ---
# Outside the context, tracking resumes if inputs require grad
print("\nExiting torch.no_grad() context:")
p = x * w
print(f"p.requires_grad: {p.requires_grad}") 
print(f"p.grad_fn: {p.grad_fn}") 
