"""myautograd: a drop-in re-implementation of PyTorch's autograd-level API on a native core.
`import myautograd as torch`."""
from ._core import (Size, device, dtype, bool, uint8, int8, int16, short, int32, int, int64, long,  # noqa: F401
                    float16, half, bfloat16, float32, float, float64, double)
from . import _C  # noqa: F401
from ._tensor import Tensor  # noqa: F401
from . import _legacy_types
from ._ops import *  # noqa: F401,F403
from ._ops import abs, all, any, max, min, round, sum, pow  # noqa: F401
from ._creation import (tensor, as_tensor, from_numpy, zeros, ones, empty, full, zeros_like, ones_like,  # noqa: F401
                        empty_like, full_like, rand_like, randn_like, randint_like, arange, linspace, eye,
                        Generator, default_generator, manual_seed, seed, initial_seed, get_rng_state,
                        set_rng_state, rand, randn, randint, randperm, normal, bernoulli, multinomial)
from ._grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,  # noqa: F401
                         is_inference_mode_enabled)
from ._tensor_str import set_printoptions  # noqa: F401
from . import autograd, cuda, return_types  # noqa: F401

_legacy_types.install(globals())  # FloatTensor, LongTensor, ... (torch's legacy typed constructors)
tensortype = _legacy_types.tensortype


# torch.save / torch.load and torch.serialization load zipfile, pickle machinery and the
# weights-only allow-list: imported on first use, to keep `import myautograd` fast.
def save(obj, f, *args, **kwargs):
    from .serialization import save as _save
    return _save(obj, f, *args, **kwargs)


def load(f, *args, **kwargs):
    from .serialization import load as _load
    return _load(f, *args, **kwargs)


# nn, optim, utils (utils.data) and serialization are imported on first attribute access:
# they were most of `import myautograd`'s time. `import myautograd.nn as nn`,
# `from myautograd import nn` and `torch.nn.functional` work as before.
_LAZY_SUBMODULES = frozenset({"nn", "optim", "utils", "serialization"})


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module 'myautograd' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES)

__version__ = "2.13.0+myautograd"


def get_default_dtype():
    return _C._get_default_dtype()


def set_default_dtype(d):
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _C._set_default_dtype(d)


_warned_default_tensor_type = False


def set_default_tensor_type(t):
    """Deprecated in torch 2.1 (warns once per process, TORCH_WARN_ONCE): the default dtype from a
    typed constructor or its name."""
    import warnings
    global _warned_default_tensor_type
    if isinstance(t, str):
        import importlib
        import sys
        head, *rest = t.split(".")
        t = sys.modules[__name__] if head == "torch" else importlib.import_module(head)
        for part in rest:
            t = getattr(t, part)
    if not _warned_default_tensor_type:
        _warned_default_tensor_type = True
        warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "torch.set_default_dtype() and torch.set_default_device() as alternatives. (Triggered internally "
                      "at /__w/pytorch/pytorch/torch/csrc/tensor/python_tensor.cpp:434.)", UserWarning, stacklevel=2)
    if not isinstance(t, _legacy_types.tensortype):
        raise TypeError("invalid type object: only floating-point types are supported as the default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _C._set_default_dtype(t.dtype)


def typename(obj):
    """'torch.FloatTensor' for a tensor, else the object's (or its class's) qualified name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module, qualname = obj.__class__.__module__ or "", obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module.replace('myautograd', 'torch', 1) if module.startswith('myautograd') else module}.{qualname}"


def set_num_threads(n):
    """Threads for the CPU elementwise/reduction kernels (default: the machine's cores)."""
    import builtins
    if not isinstance(n, builtins.int) or isinstance(n, builtins.bool):
        raise TypeError(f"set_num_threads(): argument 'int' must be int, not {type(n).__name__}")
    _C._set_num_threads(n)


def get_num_threads():
    return _C._get_num_threads()


def is_inference(t):
    return t.is_inference()


def get_default_device():
    d = _creation._default_device
    if d is None:
        return device("cpu")
    if d.type == "cuda" and d.index is None:  # torch reports the current device's index
        return device("cuda", cuda.current_device())
    return d


def set_default_device(dev):
    """Factories without device= create on dev (None or 'cpu': the CPU). Lazy, as torch's: a
    missing GPU is reported by the first factory that uses it."""
    d = None if dev is None else device(dev)
    _creation._default_device = None if d is None or d.type == "cpu" else d


sigmoid = _ops.sigmoid  # noqa: F405
