# feature: backward
# source: 000_acd43b6171850246.txt block 8 ("Chaining Multiple Operations")
# the block has no import of its own; `import torch` comes from block 1 of the document.
import torch

x = torch.tensor(1.0, requires_grad=True)
y = x * 2
z = y * y

z.backward()
print(x.grad)
