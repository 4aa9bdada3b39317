# feature: requires_grad, grad_fn
# source: 001_f1ebd5291f12b994.txt block 6 ("When gradient and autograd compute": Forward Pass)
# tolerance: rtol=3e-4 atol=0  reason: float32 sigmoid(7) is 0.99909 and 1 - y_hat cancels three digits, so one ulp of sigmoid moves the loss and gradients by 1.3e-4 relative
# The snippet prints nothing; the added prints (marked) show the values it computes.
import torch

x = torch.tensor([2.0], requires_grad=True)
w = torch.tensor([3.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)

# Forward pass
z = w * x + b
y_hat = torch.sigmoid(z)
loss = (1 - y_hat) ** 2
print(z)  # added print: the snippet has none
print(y_hat)  # added print: the snippet has none
print(loss)  # added print: the snippet has none
