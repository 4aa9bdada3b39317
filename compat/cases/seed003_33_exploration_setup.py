# feature: requires_grad, printing
# source: 003_533b135f2cb59565.txt In [6] (section "## Autograd Exploration")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Input data
x = torch.tensor([2.0, 4.0, 6.0])

# Weight tensor - requires gradient computation
w = torch.tensor([0.5], requires_grad=True)

print(f"x: {x}")
print(f"w: {w}")
print(f"x.requires_grad: {x.requires_grad}")
print(f"w.requires_grad: {w.requires_grad}")
