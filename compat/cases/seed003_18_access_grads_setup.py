# feature: requires_grad, grad_fn
# source: 003_533b135f2cb59565.txt In [7] (section "## Accessing Gradients (.grad)")
# The cell prints nothing; the added print (marked) shows the values it computes.
import torch

# Create input tensors that require gradients
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)

# Define a simple computation
y = w * x + b  # y = 3.0 * 2.0 + 1.0 = 7.0
print(y)  # added print: the cell has none
