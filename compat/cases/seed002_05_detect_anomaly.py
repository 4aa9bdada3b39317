# feature: anomaly detection, backward
# source: 002_4b73a44a84425170.txt block 5 ("Enable anomaly detection")
# The document's code lost its line breaks; the lines are restored here unchanged.
# The snippet prints nothing; the added print (marked) shows the values it computes.
import torch
# Enable anomaly detection (slower, for debugging)
with torch.autograd.detect_anomaly():
    x = torch.tensor([1.0], requires_grad=True)
    y = x ** 2
    z = 1 / (y - 1) # Will cause inf when y=1
    z.backward()
print(z, x.grad)  # added print: the snippet has none
