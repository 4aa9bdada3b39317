# feature: no_grad, detach
# source: 000_acd43b6171850246.txt block 3 ("Disabling Gradient Tracking")
# continues blocks 1-2 of the same document (uses x): their code is included first as setup.
# The snippet prints nothing; added prints (marked) show the values it computes.
# --- setup: blocks 1-2 (earlier snippets, verbatim) ---
import torch

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = x * 2
z = y.sum()

print("z:", z)
z.backward()
print("Gradient of x:", x.grad)

# --- this snippet: block 3 ---
with torch.no_grad():
    y = x * 3
print(y)  # added print: the snippet has none

# OR

y = x.detach()
print(y)  # added print: the snippet has none
