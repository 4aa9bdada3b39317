# feature: non-scalar backward
# source: 002_4b73a44a84425170.txt block 1 ("For non-scalar outputs, you need to specify a gradient")
# The document's code lost its line breaks; the lines are restored here unchanged.
import torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x ** 2
# For non-scalar, need to provide gradient
grad_output = torch.ones_like(y)
y.backward(grad_output)
print(x.grad)
# tensor([[2., 4.],
# [6., 8.]])
# Gradient is 2*x element-wise
