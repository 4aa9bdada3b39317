# feature: custom Function
# source: 000_acd43b6171850246.txt block 12 ("Use Case: Custom Gradients (Function Override)")
# `from torch.autograd import Function` does not bind `torch`; `import torch` comes from
# block 1 of the document.
import torch

from torch.autograd import Function

class MultiplyByTwo(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input * 2

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 2

x = torch.tensor(3.0, requires_grad=True)
y = MultiplyByTwo.apply(x)
y.backward()

print(x.grad)
