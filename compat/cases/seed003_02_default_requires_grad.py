# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [2] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# By default, when you create a tensor, its requires_grad attribute is set to False.
# Default behavior: requires_grad is False
x = torch.tensor([1.0, 2.0, 3.0])
print(f"Tensor x: {x}")
print(f"x.requires_grad: {x.requires_grad}")
