# feature: requires_grad, errors
# source: 003_533b135f2cb59565.txt In [7] (section "## Tensors and Gradient Calculation (requires_grad)")
# `import torch` comes from the notebook's first cell In [1] (the cell has no import of its own).
import torch

# Attempting to set requires_grad=True on integer tensors will usually result in an error or may behave unexpectedly, 
# as gradients are not defined for discrete values in the same way.

# Attempting requires_grad on an integer tensor
try:
    int_tensor = torch.tensor([1, 2], dtype=torch.int64, requires_grad=True)
    # This line might not error immediately, but subsequent backward() calls involving it would.
    print(f"Integer tensor created with requires_grad=True: {int_tensor.requires_grad}")
    # Let's try a simple operation that might lead to issues later
    result = int_tensor * 2.0 # Multiply by float to see if it causes issues
    print(f"Result requires_grad: {result.requires_grad}")
    # result.backward() # This would likely fail if we tried to backpropagate
except RuntimeError as e:
    print(f"\nError setting requires_grad on integer tensor: {e}")
