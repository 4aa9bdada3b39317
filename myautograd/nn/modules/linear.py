"""Linear and Identity. Linear's init is torch's: kaiming_uniform_(a=sqrt(5)) on the weight,
then U(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias (TORCH_FACTS section 2)."""
import math

from ..._creation import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module


class Identity(Module):
    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        # `self.weight` reaches Module.__getattr__ only after CPython (3.11) has built and dropped
        # an AttributeError: ~1.4 us per access. For a plain Linear whose weight and bias are
        # registered parameters (the class has no such attributes and __setattr__ keeps them
        # out of __dict__), reading _parameters gives the same objects; anything else (a
        # subclass, a parametrization, a deleted or reassigned weight) takes the ordinary lookup.
        d = self.__dict__
        p = d["_parameters"]
        if type(self) is Linear and "weight" in p and "bias" in p and "weight" not in d and "bias" not in d:
            return F.linear(input, p["weight"], p["bias"])
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
