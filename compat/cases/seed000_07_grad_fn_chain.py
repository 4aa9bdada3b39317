# feature: grad_fn, printing
# source: 000_acd43b6171850246.txt block 7 ("Accessing grad_fn in Autograd")
# the block has no import of its own; `import torch` comes from block 1 of the document.
import torch

x = torch.tensor([5.0], requires_grad=True)
y = x * 3
z = y + 4

print(z.grad_fn)
print(y.grad_fn)
