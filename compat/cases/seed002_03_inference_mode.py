# feature: inference_mode, nn.Linear
# source: 002_4b73a44a84425170.txt block 3 ("Faster than no_grad for inference")
# tolerance: rtol=1e-4 atol=2e-4  reason: a matrix product printed to 4 decimals; another BLAS summation order can flip the last printed digit
# The document's code lost its line breaks; the lines are restored here unchanged.
# The snippet prints nothing; the added print (marked) shows the value it computes.
import torch
import torch.nn as nn
model = nn.Linear(10, 5)
x = torch.randn(32, 10)
with torch.inference_mode():
    output = model(x) # Faster than no_grad, but tensors can't be used with grad later
print(output)  # added print: the snippet has none
