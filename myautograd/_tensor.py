"""_tensor: torch.Tensor. Operators, attributes and hot paths live in _C.TensorBase; the
methods here normalise arguments and delegate to _ops / _C, so each op has one definition."""
import builtins
import numbers

from . import _C, _ops
from ._core import Size, _cpu, device as _device_cls

U, B = _ops.U, _ops.B
_dtype_by_name = {str(getattr(_C, n)): getattr(_C, n) for n in ("bool", "uint8", "int8", "int16", "int32", "int64",
                                                                   "float16", "bfloat16", "float32", "float64")}


def _shape_arg(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return list(args[0])
    return list(args)


def _index_tensor_of(obj):
    from ._creation import tensor
    return obj if isinstance(obj, _C.TensorBase) else tensor(obj)


_NOT_GIVEN = object()


def _type_desc(v, elements=True):
    """A value's type as torch's argument parser prints it (Tensor, int, numpy.int64, list of [int])."""
    if isinstance(v, _C.TensorBase):
        return "Tensor"
    t = type(v)
    name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
    if elements and isinstance(v, (list, tuple)):
        inner = list(dict.fromkeys(_type_desc(e) for e in v))
        return f"{name} of [{', '.join(inner)}]"
    return name


def _as_size(v):
    """An int that torch's parser takes for a size: int (bool too), numpy ints, 0-d integer tensors."""
    if isinstance(v, _C.TensorBase):
        if v.ndim == 0 and not v.dtype.is_floating_point and v.dtype != _C.bool:
            return v.item()
        return None
    if isinstance(v, (builtins.float, str)) or not hasattr(v, "__index__"):
        return None
    try:
        return v.__index__()
    except TypeError:  # numpy arrays other than 0-d integer ones
        return None


def _options_text(dtype, device):
    names = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
             "uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
             "int64": "long int", "bool": "bool"}
    return (f"TensorOptions(dtype={names[str(dtype).replace('torch.', '')]}, device={device}, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))")


def _legacy_new(args, dt=None, device=None):
    """torch.Tensor(...) and the typed torch.FloatTensor(...) family (dt given): sizes or a
    torch.Size (a new tensor), another tensor (an alias; a typed constructor requires its exact
    dtype on cpu), or data (a sequence, in dt or the default dtype). torch leaves new memory
    uninitialised; we zero it."""
    from ._creation import tensor
    typed = dt is not None
    dt = dt if typed else _C._get_default_dtype()
    if not args:
        return _C._empty([0], dt)
    first = args[0]
    if len(args) == 1:
        if isinstance(first, _C.TensorBase):
            if device is not None:
                raise RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not "
                                   "supported.  Use torch.tensor(...) or torch.as_tensor(...) instead.")
            dev = str(first.device)
            if typed and (first.dtype != dt or dev != "cpu"):
                raise TypeError(f"expected {_options_text(dt, 'cpu')} (got {_options_text(first.dtype, dev)})")
            return _C._alias(first)
        if isinstance(first, Size):
            return _C._full(list(first), 0, dt)
        if isinstance(first, str):
            raise TypeError("new(): invalid data type 'str'")
        if isinstance(first, builtins.bool) or _as_size(first) is None:
            # torch wants a sequence here (PySequence_Check): numpy arrays yes, numpy scalars no
            if not isinstance(first, numbers.Number) and (isinstance(first, (list, tuple)) or hasattr(first, "__len__")
                                                          or hasattr(first, "__array__")):
                return tensor(first, dtype=dt)
            raise TypeError(f"new(): data must be a sequence (got {_type_desc(first)})")
    elif isinstance(first, builtins.bool) or _as_size(first) is None:
        got = ", ".join(_type_desc(a, False) for a in args)
        marked = ", ".join(f"!{_type_desc(a)}!" for a in args)
        raise TypeError(f"new() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        " * (*, torch.device device = None)\n"
                        f"      didn't match because some of the arguments have invalid types: ({marked})\n"
                        " * (torch.Storage storage)\n * (Tensor other)\n"
                        " * (tuple of ints size, *, torch.device device = None)\n"
                        " * (object data, *, torch.device device = None)\n")
    sizes = []
    for i, v in enumerate(args):
        n = _as_size(v)
        if n is None:
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {_type_desc(v, False)}\"")
        sizes.append(n)
    if builtins.any(v < 0 for v in sizes):
        bad = next(v for v in sizes if v < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {sizes}")
    return _C._full(sizes, 0, dt)


def _check_legacy_device(device):
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {device} was passed")


class Tensor(_C.TensorBase):
    __module__ = "torch"

    def __new__(cls, *args, device=None):
        _check_legacy_device(device)
        r = _legacy_new(args, device=device)
        return r if cls is Tensor else _C._make_subclass(cls, r, False)

    # --- printing
    def __repr__(self, *, tensor_contents=None):
        from . import _tensor_str
        from . import _creation
        dd = _creation._default_device
        dd = "cpu" if dd is None else str(dd)
        cur = _C._cuda_current_device() if self.device.type == "cuda" else 0
        return _tensor_str.tensor_repr(self, default_dtype=str(_C._get_default_dtype()), default_device=dd,
                                       current_cuda_device=cur)

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    # --- basic properties
    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self.ndim

    ndimension = dim

    def numel(self):
        n = 1
        for s in self.shape:
            n *= s
        return n

    nelement = numel

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(_C._unbind(self, 0))

    def stride(self, dim=None):
        st = _C._meta(self)[1]
        return st if dim is None else st[dim]

    def storage_offset(self):
        return _C._meta(self)[0]

    def is_contiguous(self, memory_format=None):
        return _C._meta(self)[2]

    def data_ptr(self):
        return _C._meta(self)[3]

    def element_size(self):
        return self.dtype.itemsize

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return False

    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def is_inference(self):
        return _C._is_inference(self)

    def tolist(self):
        return _C._tolist(self)

    def item(self):
        return _C._item(self)

    def numpy(self, *, force=False):
        if self.device.type != "cpu" and not force:
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                            "copy the tensor to host memory first.")
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        import numpy as np
        from ._numpy import to_numpy
        return to_numpy(self.detach().cpu() if force else self)

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    # --- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        return _C._register_hook(self, hook)

    def retain_grad(self):
        _C._retain_grad(self)

    def requires_grad_(self, requires_grad=True):
        _C._set_requires_grad(self, requires_grad, "only Tensors of floating point dtype can require gradients")
        return self

    def detach(self):
        return _C._detach(self)

    def detach_(self):
        if not self.is_leaf:
            raise NotImplementedError("detach_() of a non-leaf tensor is not supported yet")
        _C._set_requires_grad(self, False, "")
        return self

    # --- conversions
    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        copy = kwargs.get("copy", False)
        dev = kwargs.get("device")
        non_blocking = kwargs.get("non_blocking", False)
        for a in args:
            if type(a) is type(_C.float32):
                dtype = a
            elif isinstance(a, (str, _device_cls, builtins.int)) and not isinstance(a, builtins.bool):
                dev = a
            elif isinstance(a, _C.TensorBase):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, builtins.bool):
                non_blocking = a
        t = self
        if dev is not None:
            t = self._to_device(dev, non_blocking)
            copy = copy and t is self
        if dtype is None:
            return _C._clone(t) if copy else t
        return _C._to_dtype(t, dtype, copy)

    def _to_device(self, dev, non_blocking=False):
        d = _device_cls(dev)
        if d.type == "cpu":
            return self if self.device.type == "cpu" else _C._to_device(self, False, -1, non_blocking)
        from . import cuda
        cuda._lazy_init(-1 if d.index is None else d.index)
        return _C._to_device(self, True, -1 if d.index is None else d.index, non_blocking)

    def type(self, *args, **kwargs):
        """type() -> 'torch.FloatTensor'; type(t, non_blocking=False) converts to t: a dtype, a
        typed constructor (torch.DoubleTensor) or its name, also 'torch.cuda.XTensor'."""
        from ._legacy_types import TYPE_NAME_OF_DTYPE, target_of_type_arg
        if len(args) > 2:
            raise TypeError(f"type() takes from 0 to 2 positional arguments but {len(args)} were given")
        for k in kwargs:
            if k not in ("dtype", "non_blocking", "memory_format") or (k == "dtype" and args):
                raise TypeError(f"type() got an unexpected keyword argument '{k}'")
        t = args[0] if args else kwargs.get("dtype")
        if t is None:
            name = TYPE_NAME_OF_DTYPE[self.dtype]
            return name.replace("torch.", "torch.cuda.") if self.device.type == "cuda" else name
        dtype, dev = target_of_type_arg(t)
        if dtype == self.dtype and dev in (None, self.device.type):
            return self
        non_blocking = args[1] if len(args) > 1 else kwargs.get("non_blocking", False)
        return self.to(dev, dtype, non_blocking=non_blocking) if dev else self.to(dtype, non_blocking=non_blocking)

    def float(self):
        return _C._to_dtype(self, _C.float32, False)

    def double(self):
        return _C._to_dtype(self, _C.float64, False)

    def half(self):
        return _C._to_dtype(self, _C.float16, False)

    def bfloat16(self):
        return _C._to_dtype(self, _C.bfloat16, False)

    def long(self):
        return _C._to_dtype(self, _C.int64, False)

    def int(self):
        return _C._to_dtype(self, _C.int32, False)

    def short(self):
        return _C._to_dtype(self, _C.int16, False)

    def char(self):
        return _C._to_dtype(self, _C.int8, False)

    def byte(self):
        return _C._to_dtype(self, _C.uint8, False)

    def bool(self):
        return _C._to_dtype(self, _C.bool, False)

    def cpu(self, memory_format=None):
        return self._to_device("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        if device is None:
            device = "cuda"
        elif isinstance(device, builtins.int):
            device = _device_cls("cuda", device)
        return self._to_device(device, non_blocking)

    def clone(self, *, memory_format=None):
        return _C._clone(self)

    def contiguous(self, memory_format=None):
        return _C._contiguous(self)

    def __reduce_ex__(self, proto):
        from .serialization import _tensor_reduce
        return _tensor_reduce(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        with _no_grad():
            r = _C._clone(self)
        r.requires_grad_(self.requires_grad) if self.is_leaf and self.dtype.is_floating_point else None
        if type(self) is not Tensor:
            r = type(self)(r, self.requires_grad)
        memo[id(self)] = r
        return r

    # --- shape ops
    def view(self, *shape):
        if len(shape) == 1 and type(shape[0]) is type(_C.float32):
            raise NotImplementedError("view(dtype) is not supported")
        return _C._view(self, _shape_arg(shape))

    def view_as(self, other):
        return _C._view(self, list(other.shape))

    def reshape(self, *shape):
        return _C._reshape(self, _shape_arg(shape))

    def reshape_as(self, other):
        return _C._reshape(self, list(other.shape))

    def flatten(self, start_dim=0, end_dim=-1):
        nd = self.ndim
        for d in (start_dim, end_dim):  # torch range-checks both (a 0-d tensor counts as 1-d)
            if not -max(nd, 1) <= d <= max(nd, 1) - 1:
                raise IndexError(f"Dimension out of range (expected to be in range of [{-max(nd, 1)}, "
                                 f"{max(nd, 1) - 1}], but got {d})")
        if nd == 0:
            return _C._reshape(self, [1])
        s = start_dim % nd if start_dim < 0 else start_dim
        e = end_dim % nd if end_dim < 0 else end_dim
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self
        shape = list(self.shape)
        n = 1
        for v in shape[s:e + 1]:
            n *= v
        return _C._reshape(self, shape[:s] + [n] + shape[e + 1:])

    def unflatten(self, dim, sizes):
        shape = list(self.shape)
        dim = dim % len(shape)
        return self.reshape(shape[:dim] + list(sizes) + shape[dim + 1:])

    def squeeze(self, dim=None):
        return _C._squeeze(self, _ops._dims(dim))

    def unsqueeze(self, dim):
        return _C._unsqueeze(self, dim)

    def transpose(self, dim0, dim1):
        return _C._transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return _C._t(self)

    def permute(self, *dims):
        return _C._permute(self, _shape_arg(dims))

    def expand(self, *sizes):
        return _C._expand(self, _shape_arg(sizes))

    def expand_as(self, other):
        return _C._expand(self, list(other.shape))

    def repeat(self, *sizes):
        sizes = _shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        x = self.reshape([1] * (len(sizes) - self.ndim) + list(self.shape))
        for d, r in enumerate(sizes):
            if r != 1:
                x = _C._cat([x] * r, d) if r > 0 else x.narrow(d, 0, 0)
        return x if x is not self else _C._clone(x)

    def narrow(self, dim, start, length):
        if self.dim() == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        size = self.shape[dim]
        if not -size <= start <= size:
            lo = -size if size else 0
            raise IndexError(f"start out of range (expected to be in range of [{lo}, {size}], but got {start})")
        if start < 0:
            start += size
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if start + length > size:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return _C._slice(self, dim, start, start + length, 1)

    def select(self, dim, index):
        # torch.select words its range error differently from t[i] (which shares _C._select)
        n = self.dim()
        if n and type(dim) is int and type(index) is int and -n <= dim < n:
            size = self.shape[dim]
            if not -size <= index < size:
                raise IndexError(f"select(): index {index} out of range for tensor of size "
                                 f"{list(self.shape)} at dimension {dim % n}")
        return _C._select(self, dim, index)

    def unbind(self, dim=0):
        return _C._unbind(self, dim)

    def split(self, split_size, dim=0):
        return _ops.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def as_strided(self, size, stride, storage_offset=None):
        return _C._as_strided(self, list(size), list(stride), self.storage_offset() if storage_offset is None else storage_offset)

    # --- indexing
    def __getitem__(self, idx):
        from ._indexing import getitem
        return getitem(self, idx)

    def __setitem__(self, idx, value):
        from ._indexing import setitem
        setitem(self, idx, value)

    # --- reflected operators: `1 - x`, `2 / x`, `2 ** x`, `2 // x`, `2 % x` are handled by the
    # C number slots; a Python __rsub__ etc. here would route every `x - y` through a slot
    # wrapper, so only the rare reflected matmul stays in Python.
    def __rmatmul__(self, other):
        return _C._matmul(other, self)

    __array_priority__ = 1000

    # --- in-place
    def add_(self, other, *, alpha=1):
        return _C._inplace_binary(B["Add"], self, other, alpha)

    def sub_(self, other, *, alpha=1):
        return _C._inplace_binary(B["Sub"], self, other, alpha)

    def mul_(self, other):
        return _C._inplace_binary(B["Mul"], self, other, 1)

    def div_(self, other, *, rounding_mode=None):
        if rounding_mode is not None:
            return self.copy_(_ops.div(self, other, rounding_mode=rounding_mode))
        return _C._inplace_binary(B["Div"], self, other, 1)

    def pow_(self, exponent):
        if not isinstance(exponent, _C.TensorBase) and self.requires_grad:
            return _C._inplace_assign(self, _C._pow(self.clone(), exponent))
        return _C._inplace_binary(B["Pow"], self, exponent, 1)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return self.add_(tensor1 * tensor2 * value if value != 1 else tensor1 * tensor2)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return self.add_(tensor1 / tensor2 * value if value != 1 else tensor1 / tensor2)

    def lerp_(self, end, weight):
        return self.add_((end - self) * weight)

    def zero_(self):
        return _C._zero_(self)

    def fill_(self, value):
        return _C._fill_(self, value)

    def copy_(self, src, non_blocking=False):
        return _C._copy_(self, src)

    def clamp_(self, min=None, max=None):
        if isinstance(min, _C.TensorBase) or isinstance(max, _C.TensorBase):
            return _C._inplace_assign(self, _ops.clamp(self, min, max))
        return _C._clamp_(self, min, max)

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return _C._masked_fill_(self, mask, value)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return _C._uniform_(self, a, b, _gen(generator))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _C._normal_(self, mean, std, _gen(generator))

    def bernoulli_(self, p=0.5, *, generator=None):
        return _C._bernoulli_(self, p, _gen(generator))

    def exponential_(self, lambd=1.0, *, generator=None):
        return _C._exponential_(self, lambd, _gen(generator))

    def random_(self, from_=0, to=_NOT_GIVEN, *, generator=None):
        if to is _NOT_GIVEN:
            if from_ == 0:
                return _C._random_(self, 0, None, _gen(generator))
            from_, to = 0, from_
        if to is None:
            if from_ == -(1 << 63):
                return _C._random_full(self, _gen(generator))
            to = _random_to_inclusive(self.dtype) + 1
        return _C._random_(self, from_, to, _gen(generator))

    def set_(self, source):
        self.data = source
        return self

    def index_put_(self, indices, values, accumulate=False):
        from ._indexing import index_put_
        return index_put_(self, indices, values, accumulate)

    def index_put(self, indices, values, accumulate=False):
        from ._indexing import index_put
        return index_put(self, indices, values, accumulate)

    def index_add_(self, dim, index, source, *, alpha=1):
        r = _C._index_add(self, dim, index, source * alpha if alpha != 1 else source)
        return _C._inplace_assign(self, r)

    def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
        return _C._inplace_assign(self, _ops.scatter(self, dim, index, src, value, reduce=reduce))

    def scatter_add_(self, dim, index, src):
        return _C._inplace_assign(self, _ops.scatter_add(self, dim, index, src))

    def index_fill_(self, dim, index, value):
        idx = [slice(None)] * self.ndim
        idx[dim] = index
        self[tuple(idx)] = value
        return self

    # --- reductions & elementwise with extra arguments
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _C._sum(self, _ops._dims(dim), keepdim, dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _C._mean(self, _ops._dims(dim), keepdim, dtype)

    def max(self, dim=None, keepdim=False):
        return _ops.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.min(self, dim, keepdim)

    def pow(self, exponent):
        return _C._pow(self, exponent)

    def add(self, other, *, alpha=1):
        return _C._binary(B["Add"], self, other, alpha)

    def sub(self, other, *, alpha=1):
        return _C._binary(B["Sub"], self, other, alpha)

    def type_as(self, other):
        return self.to(other.dtype)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import empty
        return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def _gen(g):
    return None if g is None else g._cap


# random_(from, None) draws from [from, to_inc]: the dtype's max, or 2**digits for floats (as torch)
_FLOAT_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _random_to_inclusive(dtype):
    name = str(dtype)[len("torch."):]
    if name in _FLOAT_DIGITS:
        return 1 << _FLOAT_DIGITS[name]
    if name == "bool":
        return 1
    bits = dtype.itemsize * 8
    return (1 << bits) - 1 if name == "uint8" else (1 << (bits - 1)) - 1


class _no_grad:
    def __enter__(self):
        self.prev = _C._is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *a):
        _C._set_grad_enabled(self.prev)


# methods that forward directly to the functional form: tensor.exp() == torch.exp(tensor)
_FORWARD = ["neg", "abs", "sign", "exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos",
            "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "trunc", "reciprocal", "erf", "asin", "acos",
            "atan", "sinh", "cosh", "square", "mul", "div", "floor_divide", "remainder", "fmod", "maximum", "minimum",
            "atan2", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
            "bitwise_and", "bitwise_or", "bitwise_xor", "where", "clamp", "clip", "clamp_min", "clamp_max",
            "isnan", "isinf", "isfinite", "prod", "amax", "amin", "argmax", "argmin", "all", "any", "var", "std",
            "norm", "logsumexp", "softmax", "log_softmax", "cumsum", "matmul", "mm", "bmm", "mv", "dot", "addmm",
            "outer", "index_select", "gather", "scatter", "scatter_add", "masked_fill", "masked_select", "nonzero",
            "lerp", "multiply", "subtract", "divide", "true_divide", "negative", "absolute", "greater", "less",
            "greater_equal", "less_equal", "not_equal"]
for _name in _FORWARD:
    setattr(Tensor, _name, getattr(_ops, _name))


def _inplace_unary(name):
    op = U[name]

    def f(self):
        return _C._inplace_unary(op, self)
    f.__name__ = name.lower() + "_"
    return f


for _n in ("Neg", "Abs", "Exp", "Log", "Sqrt", "Sin", "Cos", "Tanh", "Sigmoid", "Relu", "Floor", "Ceil", "Round",
           "Trunc", "Reciprocal", "Sign", "Rsqrt", "Square", "Log1p", "Expm1", "Tan", "Log2", "Log10", "Erf", "Asin",
           "Acos", "Atan", "Sinh", "Cosh"):
    setattr(Tensor, _n.lower() + "_", _inplace_unary(_n))


def _inplace_binary(name):
    op = B[name]

    def f(self, other):
        return _C._inplace_binary(op, self, other, 1)
    return f


# in-place binary ops (comparisons and logical ops write their bool result cast to self's dtype)
for _n, _name in (("FloorDivide", "floor_divide_"), ("Remainder", "remainder_"), ("Fmod", "fmod_"), ("Atan2", "atan2_"),
                  ("Eq", "eq_"), ("Ne", "ne_"), ("Lt", "lt_"), ("Le", "le_"), ("Gt", "gt_"), ("Ge", "ge_"),
                  ("LogicalAnd", "logical_and_"), ("LogicalOr", "logical_or_"), ("LogicalXor", "logical_xor_"),
                  ("BitAnd", "bitwise_and_"), ("BitOr", "bitwise_or_"), ("BitXor", "bitwise_xor_")):
    setattr(Tensor, _name, _inplace_binary(_n))


def _assign_op(fn):
    """In-place form of an out-of-place op: the result written back through _inplace_assign."""
    def f(self, *args, **kwargs):
        r = fn(self, *args, **kwargs)
        if r.shape != self.shape:
            raise RuntimeError(f"Bad in-place call: input tensor size {list(self.shape)} and output tensor size "
                               f"{list(r.shape)} should match")
        return _C._inplace_assign(self, r)
    return f


Tensor.cumsum_ = _assign_op(_ops.cumsum)
Tensor.addmm_ = _assign_op(_ops.addmm)


# squeeze_ / unsqueeze_ / transpose_ / t_: self takes the view's geometry and history in the
# core (SqueezeBackward3/4/5, UnsqueezeBackward1, TransposeBackward1, TBackward1, as torch)
def _squeeze_(self, dim=None):
    return _C._inplace_view(self, 0, _ops._dims(dim), None)


def _unsqueeze_(self, dim):
    return _C._inplace_view(self, 1, dim, None)


def _transpose_(self, dim0, dim1):
    return _C._inplace_view(self, 2, dim0, dim1)


def _t_(self):
    return _C._inplace_view(self, 3, None, None)


Tensor.squeeze_, Tensor.unsqueeze_, Tensor.transpose_, Tensor.t_ = _squeeze_, _unsqueeze_, _transpose_, _t_
Tensor.swapaxes_ = Tensor.swapdims_ = _transpose_


def _logical_not_(self):
    return self.copy_(_ops.logical_not(self))


Tensor.logical_not_ = _logical_not_

_C._set_tensor_class(Tensor)

# Hot methods are native (csrc/python/fast_paths.cpp, on TensorBase): the Python definitions
# move out of the class into the fallback table that the native methods call for uncommon forms.
for _name in ("exp", "log", "sigmoid", "tanh", "relu", "neg", "abs", "sqrt", "sin", "cos"):
    delattr(Tensor, _name)  # native, no arguments
for _name in ("add", "sub", "mul", "div", "sum", "mean", "backward", "zero_"):
    _ops._FAST_FALLBACKS["m_" + _name] = Tensor.__dict__[_name]
    delattr(Tensor, _name)

for _name in ("isclose", "allclose", "equal", "repeat_interleave"):
    setattr(Tensor, _name, getattr(_ops, _name))
