# feature: grad accumulation, backward
# source: 000_acd43b6171850246.txt block 11 ("Use Case: Gradient Accumulation in Training")
# the block has no import of its own; `import torch` comes from block 1 of the document.
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)

y1 = x * 2
z1 = y1.sum()
z1.backward()

print("Grad after first backward:", x.grad)

x.grad.zero_()

y2 = x * 3
z2 = y2.sum()
z2.backward()

print("Grad after second backward:", x.grad)
