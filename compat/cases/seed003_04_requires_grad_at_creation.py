# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [4] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# 1. During Tensor Creation: Pass requires_grad=True as an argument 
# to the tensor creation function.

# Enable gradient tracking at creation time
w = torch.tensor([0.5, -1.0], requires_grad=True)
print(f"Tensor w: {w}")
print(f"w.requires_grad: {w.requires_grad}")
