# feature: backward, printing
# source: 001_f1ebd5291f12b994.txt block 8 (loss.backward(); print("dw:", ...))
# tolerance: rtol=3e-4 atol=0  reason: float32 sigmoid(7) is 0.99909 and 1 - y_hat cancels three digits, so one ulp of sigmoid moves the loss and gradients by 1.3e-4 relative
# continues block 6 of the same document (the forward pass): its code is included first as
# setup. Block 7 (a bare loss.backward()) is the same call shown on its own, not a step this
# block builds on, so it is not repeated here.
# --- setup: block 6 (earlier snippet, verbatim) ---
import torch

x = torch.tensor([2.0], requires_grad=True)
w = torch.tensor([3.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)

# Forward pass
z = w * x + b
y_hat = torch.sigmoid(z)
loss = (1 - y_hat) ** 2

# --- this snippet: block 8 ---
loss.backward()
print("dw:", w.grad)
print("db:", b.grad)
print("dx:", x.grad)
