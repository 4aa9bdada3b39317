"""_creation: torch.tensor and the factory functions (zeros, ones, full, arange, rand, ...),
plus Generator and the global random state."""
import builtins
import math

from . import _C
from ._core import Size, device as _device

_INT_MSG = "Only Tensors of floating point and complex dtype can require gradients"


def _finish(t, requires_grad):
    if requires_grad:
        _C._set_requires_grad(t, True, _INT_MSG)
    return t


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, _C.TensorBase):
            s = s.item()
        if not isinstance(s, int):
            raise TypeError(f"empty(): argument 'size' (position 1) must be tuple of ints, but found element of type {type(s).__name__} at pos {len(out)}")
        out.append(s)
    return out


_default_device = None  # torch.set_default_device's device (None: the CPU)


def _target(device):
    """The CUDA torch.device a factory places its result on, or None for the CPU (after
    torch's lazy-init checks: not compiled / no driver / bad index raise here)."""
    d = device if device is not None else _default_device
    if d is None:
        return None
    d = _device(d)
    if d.type == "cpu":
        return None
    from . import cuda
    cuda._lazy_init(-1 if d.index is None else d.index)
    return d


def _check_device(device):
    _target(device)


def _place(t, dev):
    """t (built on the CPU) moved to dev; CUDA values cross as one host-to-device copy."""
    if dev is None:
        return t
    return _C._to_device(t, True, -1 if dev.index is None else dev.index, False)


def _infer(data, shape, flat, depth=0):
    """Flatten nested sequences, checking they are rectangular; returns the dtype kind."""
    if isinstance(data, _C.TensorBase):
        if depth == 0:
            return None
        flat.extend(data.reshape(-1).tolist())
        if len(shape) <= depth:
            shape.extend(data.shape)
        return "float" if data.dtype.is_floating_point else ("bool" if data.dtype is _C.bool else "int")
    if isinstance(data, (list, tuple)):
        n = len(data)
        if len(shape) <= depth:
            shape.append(n)
        elif shape[depth] != n:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {n})")
        kind = "bool"
        for item in data:
            k = _infer(item, shape, flat, depth + 1)
            kind = _wider(kind, k)
        if n == 0 and len(shape) > depth + 1:
            pass
        return kind if n else "float"
    if len(shape) > depth:
        raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {type(data).__name__})")
    flat.append(data)
    if isinstance(data, bool):
        return "bool"
    if isinstance(data, int):
        return "int"
    if isinstance(data, float):
        return "float"
    if hasattr(data, "dtype"):
        k = str(data.dtype)
        return "bool" if k == "bool" else ("int" if "int" in k else "float")
    if isinstance(data, complex):
        raise TypeError("complex tensors are not supported")
    raise TypeError(f"new(): invalid data type '{type(data).__name__}'")


def _wider(a, b):
    order = {"bool": 0, "int": 1, "float": 2}
    return a if order[a] >= order[b] else b


_INT_BOUNDS = {"int8": (-2**7, 2**7 - 1), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1),
               "int64": (-2**63, 2**63 - 1), "uint8": (0, 255)}


def _check_int_range(flat, dtype):
    """torch's checks when Python numbers fill an integer tensor: a Python int must fit int64
    (ValueError), then the dtype (for uint8, -255..255 wraps like C); a float must lie within the
    dtype's range before truncation, nan and inf never do. bool and floating dtypes take anything."""
    lo, hi = _INT_BOUNDS[str(dtype).replace("torch.", "")]
    if lo <= builtins.min(flat) and builtins.max(flat) <= hi and not builtins.any(map(math.isnan, flat)):
        return  # the common case, at C speed
    for v in flat:
        if isinstance(v, builtins.int):  # bool included
            if not -2**63 <= v < 2**63:
                raise ValueError("Overflow when unpacking long long")
            ok = (-hi <= v <= hi) if lo == 0 else (lo <= v <= hi)
        else:
            ok = lo <= v <= hi  # False for nan
        if not ok:
            raise RuntimeError(f"value cannot be converted to type {str(dtype).replace('torch.', '')} without overflow")


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    if isinstance(data, _C.TensorBase):  # a copy on data's device unless device= says otherwise
        _check_device(device)
        t = _C._clone(data.detach())
        if dtype is not None:
            t = t.to(dtype)
        return _finish(t if device is None else t.to(device), requires_grad)
    dev = _target(device)
    if type(data).__module__ == "numpy":
        from ._numpy import from_numpy_copy
        t = from_numpy_copy(data)
        if dtype is not None:
            t = t.to(dtype)
        return _finish(_place(t, dev), requires_grad)
    shape, flat = [], []
    kind = _infer(data, shape, flat)
    if dtype is None:
        dtype = {"bool": _C.bool, "int": _C.int64, "float": _C._get_default_dtype()}[kind]
    if flat and not dtype.is_floating_point and dtype != _C.bool:
        _check_int_range(flat, dtype)
    elif flat and kind != "bool" and (builtins.min(flat) < -2**63 or builtins.max(flat) >= 2**63):
        # Python ints beyond int64 are fine for floating and bool tensors: convert them here
        flat = [builtins.float(v) if isinstance(v, builtins.int) and not -2**63 <= v < 2**63 else v for v in flat]
    return _finish(_place(_C._from_flat(flat, shape, dtype), dev), requires_grad)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, _C.TensorBase):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    if type(data).__module__ == "numpy":
        t = from_numpy(data)
        return t if dtype is None else t.to(dtype)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(a):
    from ._numpy import from_numpy as f
    return f(a)


def _factory(value):
    def f(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, generator=None):
        dev = _target(device)
        dt = dtype or _C._get_default_dtype()
        if value is None:
            t = _C._empty(_size(size), dt)
        else:
            t = _C._full(_size(size), value, dt)
        return _finish(_place(t, dev), requires_grad)
    return f


zeros = _factory(0)
ones = _factory(1)
empty = _factory(None)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    dev = _target(device)
    if dtype is None:
        dtype = _C.bool if isinstance(fill_value, bool) else (_C.int64 if isinstance(fill_value, int) else _C._get_default_dtype())
    t = _C._full(_size((size,)) if not isinstance(size, int) else [size], fill_value, dtype)
    return _finish(_place(t, dev), requires_grad)


def _like(fn):
    def f(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, layout=None):
        return fn(list(input.shape), dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)
    return f


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return full(list(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return rand(list(input.shape), dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    return randn(list(input.shape), dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False, memory_format=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, list(input.shape), dtype=dtype or input.dtype, device=device or input.device)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False, layout=None):
    dev = _target(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, _C.TensorBase) else v for v in (start, end, step)]
    if dtype is None:
        dtype = _C.int64 if builtins.all(isinstance(v, int) for v in vals) else _C._get_default_dtype()
    return _finish(_place(_C._arange(float(vals[0]), float(vals[1]), float(vals[2]), dtype), dev), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False, layout=None):
    dev = _target(device)
    return _finish(_place(_C._linspace(float(start), float(end), steps, dtype or _C._get_default_dtype()), dev), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False, layout=None):
    dev = _target(device)
    return _finish(_place(_C._eye(n, n if m is None else m, dtype or _C._get_default_dtype()), dev), requires_grad)


# --- random
class Generator:
    """torch.Generator: an independent MT19937 stream (CPU)."""

    def __init__(self, device="cpu"):
        self._cap = _C._generator_new()
        self.device = _device(device)

    def manual_seed(self, seed):
        _C._manual_seed(self._cap, _seed_value(seed))
        return self

    def initial_seed(self):
        return _C._initial_seed(self._cap)

    def seed(self):
        s = _nondeterministic_seed()
        _C._manual_seed(self._cap, s)
        return s

    def get_state(self):
        from ._core import uint8
        st = _C._get_rng_state(self._cap)
        return _C._from_buffer(st, [len(st)], uint8)

    def set_state(self, new_state):
        _C._set_rng_state(self._cap, _C._storage_bytes(new_state.contiguous()))
        return self


class _DefaultGenerator(Generator):
    def __init__(self):
        self._cap = _C._default_generator()
        self.device = _device("cpu")

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = _DefaultGenerator()


def _seed_value(seed):
    seed = int(seed)
    if seed < -(1 << 63) or seed >= (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


def _nondeterministic_seed():
    import os
    return int.from_bytes(os.urandom(8), "little")


def manual_seed(seed):
    seed = _seed_value(seed)
    _C._manual_seed(None, seed)
    from . import cuda  # torch.manual_seed seeds every CUDA device too
    cuda.manual_seed_all(seed)
    return default_generator


def seed():
    s = _nondeterministic_seed()
    _C._manual_seed(None, s)
    return s


def initial_seed():
    return _C._initial_seed(None)


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _gen(generator):
    return None if generator is None else generator._cap


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    t = _place(_C._empty(_size(size), dtype or _C._get_default_dtype()), _target(device))
    _C._uniform_(t, 0.0, 1.0, _gen(generator))
    return _finish(t, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    t = _place(_C._empty(_size(size), dtype or _C._get_default_dtype()), _target(device))
    _C._normal_(t, 0.0, 1.0, _gen(generator))
    return _finish(t, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dev = _target(device)
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    t = _place(_C._empty(list(size), dtype or _C.int64), dev)
    _C._random_(t, low, high, _gen(generator))
    return _finish(t, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    dev = _target(device)
    gen = _gen(generator)
    if dev is not None and generator is None:  # the device's own generator, then one copy over
        from . import cuda
        gen = _C._cuda_generator(cuda._index(dev))
    t = _place(_C._randperm(n, gen), dev)
    return t if dtype is None else t.to(dtype)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if isinstance(mean, _C.TensorBase) or isinstance(std, _C.TensorBase):
        m = mean if isinstance(mean, _C.TensorBase) else None
        s = std if isinstance(std, _C.TensorBase) else None
        shape = (m if m is not None else s).shape
        z = randn(list(shape), generator=generator, dtype=(m if m is not None else s).dtype)
        return z * std + mean
    t = _place(_C._empty(list(size), dtype or _C._get_default_dtype()), _target(device))
    _C._normal_(t, float(mean), float(std), _gen(generator))
    return _finish(t, requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):
    t = _place(_C._empty(list(input.shape), input.dtype), _target(input.device))
    _C._bernoulli_(t, input if p is None else p, _gen(generator))
    return t


def multinomial(input, num_samples, replacement=False, *, generator=None):
    raise NotImplementedError("multinomial is not supported yet")
