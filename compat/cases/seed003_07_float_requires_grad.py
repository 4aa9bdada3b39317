# feature: requires_grad
# source: 003_533b135f2cb59565.txt In [8] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Best practice: Use float tensors for parameters/computations needing gradients
float_tensor = torch.tensor([1.0, 2.0], requires_grad=True)
print(f"\nFloat tensor created with requires_grad=True: {float_tensor.requires_grad}")
