# feature: requires_grad
# source: 003_533b135f2cb59565.txt In [3] (section "## Performing Backpropagation (backward())")
# The cell prints nothing; the added print (marked) shows the values it computes.
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Continuing the previous example, but with a non-scalar y
x_vector = torch.tensor([2.0, 4.0], requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)
print(x_vector, w, b)  # added print: the cell has none
