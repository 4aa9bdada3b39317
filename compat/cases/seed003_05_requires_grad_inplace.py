# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [6] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# 2. After Tensor Creation (In-place): Use the in-place method .requires_grad_(True) 
# on an existing tensor.

b = torch.tensor([0.1])
print(f"Tensor b (before): {b}")
print(f"b.requires_grad (before): {b.requires_grad}")

# Enable gradient tracking after creation
b.requires_grad_(True)
print(f"\nTensor b (after): {b}")
print(f"b.requires_grad (after): {b.requires_grad}")
