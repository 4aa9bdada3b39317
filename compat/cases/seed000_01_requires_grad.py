# feature: requires_grad, printing
# source: 000_acd43b6171850246.txt block 1 ("Setting requires_grad")
import torch

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = x * 2
z = y.sum()

print("z:", z)
