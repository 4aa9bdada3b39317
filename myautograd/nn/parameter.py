"""nn.Parameter: a Tensor subclass that modules register as parameters."""
from .. import _C
from .._tensor import Tensor


class Parameter(Tensor):
    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _C._empty([0], _C._get_default_dtype())
        return _C._make_subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        from ..serialization import _param_reduce
        return _param_reduce(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = Parameter(_C._clone(self.detach()), self.requires_grad)
        memo[id(self)] = r
        return r
