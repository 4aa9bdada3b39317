# feature: backward
# source: 000_acd43b6171850246.txt block 6 ("Partial Derivatives with Multiple Outputs")
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
z = y.mean()

z.backward()
print(x.grad)
