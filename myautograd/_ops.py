"""_ops: the torch-level functions (torch.add, torch.sum, ...) as thin argument normalisers
over _C. Tensor methods in _tensor.py call the same functions, so each op is defined once."""
import builtins
from collections.abc import Sequence as _Sequence

from . import _C
from ._core import Size

U = {n: i for i, n in enumerate(_C._unary_ops)}
B = {n: i for i, n in enumerate(_C._binary_ops)}


def _dims(dim):
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return list(dim)
    return [dim]


def _unary(name):
    op = U[name]

    def f(input, *, out=None):
        r = _C._unary(op, input)
        return _out(r, out)
    f.__name__ = f.__qualname__ = name.lower()
    return f


def _out(r, out):
    if out is None:
        return r
    _C._copy_(out, r) if out.shape == r.shape else out.set_(r)
    return out


for _n in ("Neg", "Abs", "Sign", "Exp", "Log", "Log2", "Log10", "Log1p", "Expm1", "Sqrt", "Rsqrt", "Sin", "Cos",
           "Tan", "Tanh", "Sigmoid", "Relu", "Floor", "Ceil", "Trunc", "Reciprocal", "Erf", "Asin", "Acos",
           "Atan", "Sinh", "Cosh", "Square"):
    globals()[_n.lower()] = _unary(_n)
_square = square


def square(input, *, out=None):
    if input.dtype is _C.bool:  # torch: square(bool) is pow(bool, 2), an int64 tensor
        input = input.to(_C.int64)
    return _square(input, out=out)


negative = neg
absolute = abs
arcsin, arccos, arctan = asin, acos, atan


def round(input, *, decimals=0):
    if decimals == 0:
        return _C._unary(U["Round"], input)
    s = 10.0 ** decimals
    return _C._unary(U["Round"], input * s) / s


def _binary(name):
    op = B[name]

    def f(input, other, *, out=None):
        return _out(_C._binary(op, input, other, 1), out)
    f.__name__ = f.__qualname__ = name.lower()
    return f


def add(input, other, *, alpha=1, out=None):
    return _out(_C._binary(B["Add"], input, other, alpha), out)


def sub(input, other, *, alpha=1, out=None):
    return _out(_C._binary(B["Sub"], input, other, alpha), out)


subtract = sub


def mul(input, other, *, out=None):
    if not isinstance(input, _C.TensorBase):
        input, other = other, input
    return _out(_C._binary(B["Mul"], input, other, 1), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        r = _C._binary(B["Div"], input, other, 1)
    elif rounding_mode in ("floor", "trunc"):
        r = _C._div_mode(input, other, rounding_mode == "floor")
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    return _out(r, out)


divide = true_divide = div
floor_divide = _binary("FloorDivide")
remainder = _binary("Remainder")
fmod = _binary("Fmod")
def _binary_tensors(name, fname):
    """A binary op whose `other` must be a Tensor (torch's signature has no Scalar overload)."""
    f = _binary(name)

    def g(input, other, *, out=None):
        if not isinstance(other, _C.TensorBase):
            raise TypeError(f"{fname}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        return f(input, other, out=out)
    g.__name__ = fname
    return g


maximum = _binary_tensors("Maximum", "maximum")
minimum = _binary_tensors("Minimum", "minimum")
atan2 = arctan2 = _binary_tensors("Atan2", "atan2")
eq, ne, lt, le, gt, ge = (_binary(n) for n in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge"))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
logical_and = _binary_tensors("LogicalAnd", "logical_and")
logical_or = _binary_tensors("LogicalOr", "logical_or")
logical_xor = _binary_tensors("LogicalXor", "logical_xor")
bitwise_and, bitwise_or, bitwise_xor = _binary("BitAnd"), _binary("BitOr"), _binary("BitXor")


def logical_not(input):
    return _C._binary(B["Eq"], input, False if input.dtype is _C.bool else 0, 1)


def pow(input, exponent, *, out=None):
    return _out(_C._pow(input, exponent), out)


def rsub(input, other, *, alpha=1):
    if isinstance(other, _C.TensorBase):
        return sub(other, input, alpha=alpha)
    return _C._rsub(input, other, alpha)


def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    return _C._where(condition, input, other)


def clamp(input, min=None, max=None, *, out=None):
    return _out(_C._clamp(input, min, max), out)


clip = clamp


def clamp_min(input, min):
    return _C._clamp(input, min, None)


def clamp_max(input, max):
    return _C._clamp(input, None, max)


def isnan(input):
    return _C._binary(B["Ne"], input, input, 1)


def isinf(input):
    if not input.dtype.is_floating_point:
        return _C._binary(B["Ne"], input, input, 1)
    return _C._binary(B["Eq"], _C._unary(U["Abs"], input), builtins.float("inf"), 1)


def isfinite(input):
    if not input.dtype.is_floating_point:
        return _C._binary(B["Eq"], input, input, 1)
    return logical_not(logical_or(isnan(input), isinf(input)))


def lerp(input, end, weight):
    return input + weight * (end - input)


def _reduce_dims(dim):
    return _dims(dim)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    return _C._sum(input, _dims(dim), keepdim, dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    return _C._mean(input, _dims(dim), keepdim, dtype)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    return _C._prod(input, dim, keepdim, dtype)


def _minmax(is_max):
    from .return_types import max as rt_max, min as rt_min
    rt = rt_max if is_max else rt_min

    def f(input, dim=None, keepdim=False, *, out=None):
        if isinstance(dim, _C.TensorBase):
            return maximum(input, dim) if is_max else minimum(input, dim)
        if dim is None:
            return _C._max_all(input, is_max)
        v, i = _C._max_dim(input, dim, keepdim, is_max)
        return rt(v, i)
    return f


def max(input, dim=None, keepdim=False, *, out=None):
    return _minmax(True)(input, dim, keepdim)


def min(input, dim=None, keepdim=False, *, out=None):
    return _minmax(False)(input, dim, keepdim)


def amax(input, dim=(), keepdim=False):
    return _C._amax(input, _dims(dim) if dim != () else None, keepdim, True)


def amin(input, dim=(), keepdim=False):
    return _C._amax(input, _dims(dim) if dim != () else None, keepdim, False)


def argmax(input, dim=None, keepdim=False):
    return _C._argmax(input, dim, keepdim, True)


def argmin(input, dim=None, keepdim=False):
    return _C._argmax(input, dim, keepdim, False)


def all(input, dim=None, keepdim=False):
    return _C._all_any(input, _dims(dim), keepdim, True)


def any(input, dim=None, keepdim=False):
    return _C._all_any(input, _dims(dim), keepdim, False)


def _correction(unbiased, correction):
    if correction is not None:
        return builtins.float(correction)
    if unbiased is None:
        return 1.0
    return 1.0 if unbiased else 0.0


def _warn_dof(name, input, out, correction):
    """torch's TORCH_WARN when the degrees of freedom N - correction are <= 0, where N is input
    numel / output numel (0 for an empty output); stacklevel 3 names the caller's line."""
    n_out = out.numel()
    if (input.numel() // n_out if n_out else 0) - correction <= 0:
        import warnings
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel). (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)", UserWarning, stacklevel=3)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, builtins.bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    r = _C._var(input, _dims(dim), c, keepdim, False)
    _warn_dof("var", input, r, c)
    return r


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, builtins.bool):
        unbiased, dim = dim, None
    c = _correction(unbiased, correction)
    r = _C._var(input, _dims(dim), c, keepdim, True)
    _warn_dof("std", input, r, c)
    return r


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("nuclear norm is not supported")
    return _C._norm(input, builtins.float(p), _dims(dim), keepdim)


def logsumexp(input, dim, keepdim=False):
    return _C._logsumexp(input, _dims(dim), keepdim)


def softmax(input, dim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return _C._softmax(input, dim, False)


def log_softmax(input, dim, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return _C._softmax(input, dim, True)


def cumsum(input, dim, *, dtype=None):
    return _C._cumsum(input, dim, dtype)


def matmul(input, other, *, out=None):
    return _out(_C._matmul(input, other), out)


def mm(input, mat2, *, out=None):
    return _out(_C._mm(input, mat2), out)


def bmm(input, mat2, *, out=None):
    return _out(_C._bmm(input, mat2), out)


def mv(input, vec, *, out=None):
    return _out(_C._mv(input, vec), out)


def dot(input, other, *, out=None):
    return _out(_C._dot(input, other), out)


_TYPE_NAMES = {_C.uint8: "Byte", _C.int8: "Char", _C.int16: "Short", _C.int32: "Int", _C.int64: "Long"}


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    if not input.dtype.is_floating_point and input.dtype is not _C.bool:
        # torch converts beta/alpha to the integer dtype (truncation), it does not promote;
        # except with an empty inner dim, where it computes result.mul_(beta) instead
        if (isinstance(beta, builtins.float) and beta != 0 and mat1.dim() == 2 and mat2.dim() == 2
                and mat1.shape[1] == 0 and mat1.shape[0] * mat2.shape[1] != 0):
            raise RuntimeError(f"result type Float can't be cast to the desired output type {_TYPE_NAMES[input.dtype]}")
        beta, alpha = builtins.int(beta), builtins.int(alpha)
    return _out(_C._addmm(input, mat1, mat2, beta, alpha), out)


def outer(input, vec2):
    for name, v in (("self", input), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.dim()}-D")
    return input.unsqueeze(1) * vec2


ger = outer


def cat(tensors, dim=0, *, out=None):
    return _out(_C._cat(tensors, dim), out)


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    return _out(_C._stack(tensors, dim), out)


def hstack(tensors):
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors):
    return cat([t.unsqueeze(0) if t.dim() == 1 else t for t in tensors], 0)


def _dim_size(tensor, dim, op):
    """tensor.shape[dim] with torch's checks: a 0-d tensor and an out-of-range dim."""
    nd = tensor.dim()
    if nd == 0:
        raise RuntimeError(f"{op} expects at least a 1-dimensional tensor")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return tensor.shape[dim]


def split(tensor, split_size_or_sections, dim=0):
    if not isinstance(split_size_or_sections, builtins.int):
        size = _dim_size(tensor, dim, "split_with_sizes")
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension {dim}), but got split_sizes={sizes}")
        return _C._split_with_sizes(tensor, sizes, dim)  # SplitWithSizesBackward0, as torch
    size = _dim_size(tensor, dim, "split")
    s = split_size_or_sections
    if s < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0 and size != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
    # torch: max(ceil(size / s), 1) pieces, the last one the remainder (0 for an empty dim)
    n = builtins.max(-(-size // s), 1) if s else 1
    sizes = [s] * (n - 1) + [size - s * (n - 1)]
    return _C._split(tensor, sizes, dim)


def chunk(input, chunks, dim=0):
    size = _dim_size(input, dim, "chunk")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    each = -(-size // chunks)
    if size == 0:  # torch: `chunks` empty pieces (split_with_sizes)
        return _C._split_with_sizes(input, [0] * chunks, dim)
    return split(input, each, dim)


def unbind(input, dim=0):
    return _C._unbind(input, dim)


def index_select(input, dim, index):
    return _C._index_select(input, dim, index)


def gather(input, dim, index):
    return _C._gather(input, dim, index)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    if src is None:
        src = value
    return _C._scatter(input, dim, index, src, reduce == "add")


def index_put(input, indices, values, accumulate=False):
    return input.index_put(indices, values, accumulate)


def index_put_(input, indices, values, accumulate=False):
    return input.index_put_(indices, values, accumulate)


def scatter_add(input, dim, index, src):
    return _C._scatter(input, dim, index, src, True)


def masked_fill(input, mask, value):
    if isinstance(value, _C.TensorBase) and value.dim() != 0:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    return _C._masked_fill(input, mask, value)


def masked_select(input, mask):
    m, a = broadcast_tensors(mask, input)  # ATen: expand_outplace(mask, self), mask is "tensor a"
    return a[m]


def nonzero(input, *, as_tuple=False):
    r = _C._nonzero(input)
    if as_tuple:
        return tuple(r[:, i] for i in range(r.shape[1])) if input.dim() else (r[:, 0] if False else r.reshape(-1),)
    return r


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def reshape(input, shape):
    return _C._reshape(input, shape)


def squeeze(input, dim=None):
    return input.squeeze(dim)


def unsqueeze(input, dim):
    return _C._unsqueeze(input, dim)


def transpose(input, dim0, dim1):
    return _C._transpose(input, dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    return _C._t(input)


def permute(input, dims):
    return _C._permute(input, dims)


def narrow(input, dim, start, length):
    return input.narrow(dim, start, length)


def select(input, dim, index):
    from ._tensor import Tensor
    return Tensor.select(input, dim, index)


def clone(input, *, memory_format=None):
    return _C._clone(input)


def detach(input):
    return _C._detach(input)


def relu_(input):
    return _C._inplace_unary(U["Relu"], input)


def numel(input):
    return input.numel()


def is_tensor(obj):
    return isinstance(obj, _C.TensorBase)


def is_floating_point(input):
    return input.dtype.is_floating_point


def broadcast_shapes(*shapes):
    """torch.broadcast_shapes (torch._refs._broadcast_shapes): ints count as 1-d shapes, None
    entries are skipped, trailing dimensions first, torch's errors."""
    shapes = [(s,) if isinstance(s, builtins.int) else s for s in shapes if s is not None]
    if not shapes:
        return Size([])
    for s in shapes:
        if not isinstance(s, _Sequence):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {s}")
    common = [1] * builtins.max(len(s) for s in shapes)
    for arg_idx, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            d = shape[idx]
            if d == common[idx]:
                continue
            if common[idx] == 1:
                if d < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[idx] = d
            elif d != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {d} at {idx}! Mismatching "
                                   f"argument at index {arg_idx} had {shape}; but expected shape should be "
                                   f"broadcastable to {common}")
    return Size(common)


_TensorBase = _C.TensorBase
_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: classes defined in Python


def _type_name(obj):
    """Py_TYPE(obj)->tp_name, as torch's argument errors print it (module-qualified for
    extension types such as numpy.ndarray, bare for builtins and Python classes)."""
    t = type(obj)
    if t.__flags__ & _HEAPTYPE or t.__module__ == "builtins":
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


def broadcast_tensors(*tensors):
    """torch.broadcast_tensors (ATen's expand_outplace): a tensor that already has the common
    shape comes back itself (no view, no ExpandBackward0 in the graph); the others are expanded.
    Two tensors of one shape (every loss on matching input and target) return at once."""
    if len(tensors) == 2:
        a, b = tensors
        if isinstance(a, _TensorBase) and isinstance(b, _TensorBase) and a.shape == b.shape:
            return tensors
    shape = None
    for i, t in enumerate(tensors):
        if not isinstance(t, _TensorBase):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_type_name(t)}")
        shape = t.shape if shape is None else _C._infer_size(shape, t.shape)
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


# Hot functions run natively (csrc/python/fast_paths.cpp): torch.exp(x) etc. take their common
# form in C and fall back to the Python definitions above for anything else (out=, alpha=, ...).
_FAST_FUNCTIONS = ("exp", "log", "sigmoid", "tanh", "relu", "neg", "abs", "sqrt", "sin", "cos",
                   "add", "sub", "mul", "div")
_FAST_FALLBACKS = {}
for _name in _FAST_FUNCTIONS:
    _FAST_FALLBACKS["f_" + _name] = globals()[_name]
    globals()[_name] = getattr(_C, "_fast_" + _name)
negative, absolute, subtract, multiply, divide, true_divide = neg, abs, sub, mul, div, div
_C._set_fast_fallbacks(_FAST_FALLBACKS)


# ---- comparisons of whole tensors, repeat_interleave (compositions, as torch's)
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if not isinstance(other, _C.TensorBase):
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input.dtype != other.dtype:
        raise RuntimeError(f"{_scalar_name(input.dtype)} did not match {_scalar_name(other.dtype)}")
    close = input == other
    if equal_nan and input.is_floating_point():
        close = close | (input.isnan() & other.isnan())
    if not input.is_floating_point() and not (rtol or atol):
        return close
    diff = (input - other).abs()
    bound = atol + rtol * other.abs()
    return close | (input.isfinite() & other.isfinite() & (diff <= bound))


def _scalar_name(dtype):
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}[str(dtype)[len("torch."):]]


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool((input == other).all())


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:  # torch.repeat_interleave(counts): indices repeated by counts
        from ._creation import tensor
        return tensor([i for i, k in enumerate(input.tolist()) for _ in range(k)], dtype=_C.int64)
    if isinstance(repeats, _C.TensorBase):
        x = input if dim is not None else input.flatten()
        d = 0 if dim is None else dim
        counts = repeats.tolist()
        if not isinstance(counts, list):
            counts = [counts] * x.shape[d]
        from ._creation import tensor
        index = tensor([i for i, k in enumerate(counts) for _ in range(k)], dtype=_C.int64)
        return x.index_select(d, index)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    x = input if dim is not None else input.flatten()
    d = (0 if dim is None else dim) % builtins.max(input.dim(), 1)
    x = x.unsqueeze(d + 1)
    shape = list(x.shape)
    shape[d + 1] = repeats
    return x.expand(shape).clone().flatten(d, d + 1)
