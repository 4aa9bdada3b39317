# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [3] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Create another tensor explicitly setting requires_grad to False
y = torch.tensor([4.0, 5.0, 6.0], requires_grad=False)
print(f"\nTensor y: {y}")
print(f"y.requires_grad: {y.requires_grad}")
