# feature: loss functions, backward
# source: 000_acd43b6171850246.txt block 9 ("Use Case: Loss Function Gradient")
# `import torch.nn as nn` does not bind `torch`; `import torch` comes from block 1 of the
# document.
import torch

import torch.nn as nn

x = torch.tensor([0.5, 1.5], requires_grad=True)
target = torch.tensor([1.0, 2.0])
loss_fn = nn.MSELoss()

loss = loss_fn(x, target)
loss.backward()

print(x.grad)
