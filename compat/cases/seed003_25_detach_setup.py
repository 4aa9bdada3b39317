# feature: detach, grad_fn
# source: 003_533b135f2cb59565.txt In [15] (section "## Disabling Gradient Tracking")
import torch

# Original tensor requiring gradients
a = torch.randn(3, 3, requires_grad=True)
b = a * 2
print(f"b.requires_grad: {b.requires_grad}") 
print(f"b.grad_fn: {b.grad_fn}")
