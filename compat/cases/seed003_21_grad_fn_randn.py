# feature: grad_fn
# source: 003_533b135f2cb59565.txt In [10] (section "## Disabling Gradient Tracking")
import torch

# Example tensors
x = torch.randn(2, 2, requires_grad=True)
w = torch.randn(2, 2, requires_grad=True)
b = torch.randn(2, 2, requires_grad=True)

# Operation outside the no_grad context
y = x * w + b
print(f"y.requires_grad: {y.requires_grad}") 
print(f"y.grad_fn: {y.grad_fn}") 
