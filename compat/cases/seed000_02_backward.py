# feature: backward
# source: 000_acd43b6171850246.txt block 2 ("Computing Gradients with backward()")
# continues block 1 of the same document: its code is included first as setup so the file
# runs standalone.
# --- setup: block 1 (earlier snippet, verbatim) ---
import torch

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = x * 2
z = y.sum()

print("z:", z)

# --- this snippet: block 2 ---
z.backward()
print("Gradient of x:", x.grad)
