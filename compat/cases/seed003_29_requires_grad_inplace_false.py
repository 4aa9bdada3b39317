# feature: requires_grad
# source: 003_533b135f2cb59565.txt In [2] (section "## Disabling Gradient Tracking")
# modifying requires_grad In-place
import torch
my_tensor = torch.randn(5, requires_grad=True)
print(f"Initial requires_grad: {my_tensor.requires_grad}")

# Disable gradient tracking in-place
my_tensor.requires_grad_(False) # Note the underscore for in-place operation
print(f"After requires_grad_(False): {my_tensor.requires_grad}")
