# feature: backward, printing
# source: 001_f1ebd5291f12b994.txt block 5 (Step 1-3 example with .item())
# tolerance: rtol=3e-4 atol=0  reason: float32 sigmoid(7) is 0.99909 and 1 - y_hat cancels three digits, so one ulp of sigmoid moves the loss and gradients by 1.3e-4 relative
import torch

# Step 1: Inputs and parameters
x = torch.tensor([2.0], requires_grad=True)
w = torch.tensor([3.0], requires_grad=True)
b = torch.tensor([1.0], requires_grad=True)

# Step 2: Forward pass (autograd tracks operations)
z = w * x + b
y_hat = torch.sigmoid(z)
loss = (1 - y_hat)**2

print("Forward pass output (loss):", loss.item())

# Step 3: Backward pass
loss.backward()

print("Gradient wrt w:", w.grad.item())
print("Gradient wrt b:", b.grad.item())
print("Gradient wrt x:", x.grad.item())
