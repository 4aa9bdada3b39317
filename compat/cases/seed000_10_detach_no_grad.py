# feature: detach, no_grad
# source: 000_acd43b6171850246.txt block 10 ("Detaching Without Breaking Computation Chain")
# the block has no import of its own; `import torch` comes from block 1 of the document.
import torch

x = torch.tensor([2.0], requires_grad=True)
y = x * 5

with torch.no_grad():
    z = y * 3

print(z.requires_grad)  # False

# Or using detach
z = (y * 3).detach()
print(z.requires_grad)  # False
