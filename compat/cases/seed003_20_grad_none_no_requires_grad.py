# feature: requires_grad
# source: 003_533b135f2cb59565.txt In [9] (section "## Accessing Gradients (.grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Create a tensor that does NOT require gradients
z = torch.tensor(4.0, requires_grad=False)
print(f"Gradient for tensor z (requires_grad=False): {z.grad}")
