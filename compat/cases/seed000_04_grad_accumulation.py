# feature: grad accumulation, backward
# source: 000_acd43b6171850246.txt block 4 ("Gradient Accumulation")
# the block has no import of its own; `import torch` comes from block 1 of the document.
import torch

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = x * 2
z = y.sum()
z.backward()

print(x.grad)  # First backward

# Clear gradients before the next backward pass
x.grad.zero_()

z = (x * 3).sum()
z.backward()

print(x.grad)  # Second backward
