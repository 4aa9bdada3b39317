# feature: backward, printing
# source: 001_f1ebd5291f12b994.txt block 4 (print(w.grad, b.grad, x.grad))
# tolerance: rtol=3e-4 atol=0  reason: float32 sigmoid(7) is 0.99909 and 1 - y_hat cancels three digits, so one ulp of sigmoid moves the loss and gradients by 1.3e-4 relative
# continues blocks 1 and 3 of the same document: their code is included first as setup.
# --- setup: blocks 1 and 3 (earlier snippets, verbatim) ---
import torch

x = torch.tensor([2.0], requires_grad=True)
w = torch.tensor([3.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)

# Forward pass
z = w * x + b
y_hat = torch.sigmoid(z)
loss = (1 - y_hat)**2
print(loss)

loss.backward()

# --- this snippet: block 4 ---
print(w.grad, b.grad, x.grad)
