# feature: detach, grad_fn
# source: 003_533b135f2cb59565.txt In [17] (section "## Disabling Gradient Tracking")
# continues earlier cells of the same notebook (In [15], In [16]): their code is included
# first, verbatim, as setup so the file runs standalone.
# --- setup: In [15] (earlier cell, verbatim) ---
import torch

# Original tensor requiring gradients
a = torch.randn(3, 3, requires_grad=True)
b = a * 2
print(f"b.requires_grad: {b.requires_grad}") 
print(f"b.grad_fn: {b.grad_fn}")

# --- setup: In [16] (earlier cell, verbatim) ---
# Detach the tensor 'b'
c = b.detach()
print(f"\nAfter detaching b to create c:")
print(f"c.requires_grad: {c.requires_grad}") 
print(f"c.grad_fn: {c.grad_fn}") 

# --- this cell: In [17] ---
# Importantly, the original tensor 'b' is unchanged
print(f"\nOriginal tensor b remains attached:")
print(f"b.requires_grad: {b.requires_grad}") 
print(f"b.grad_fn: {b.grad_fn}")
