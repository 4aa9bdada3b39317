# feature: grad_fn, printing
# source: 000_acd43b6171850246.txt block 5 ("Visualizing the Computation Graph")
# continues block 4 of the same document (z): its code is included first as setup.
# --- setup: block 4 (earlier snippet, verbatim) ---
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

# --- this snippet: block 5 ---
print(z.grad_fn)  #  or similar
