# feature: no_grad, requires_grad
# source: 002_4b73a44a84425170.txt block 2 ("Disables gradient tracking": no_grad context and decorator)
# The document's code lost its line breaks; the lines are restored here unchanged (the
# print after `y = x ** 2` inside the with-block is indented into it, as its comment says).
import torch
x = torch.tensor([1.0], requires_grad=True)
# Normal operation
y = x ** 2
print(y.requires_grad) # True
# With no_grad
with torch.no_grad():
    y = x ** 2
    print(y.requires_grad) # False
# As decorator
@torch.no_grad()
def inference(model, x):
    return model(x)
