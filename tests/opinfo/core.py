"""core: the OpInfo entry, tensor-argument specs (value + memory layout), and the code that turns
one sample into the same tensors in torch and in myautograd, runs an op on both (capturing
exceptions) and compares results with torch's assert_close default tolerances per dtype."""
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

import myautograd as mag

FLOAT = ("float32", "float64")
ALL = ("float32", "float64", "float16", "int64", "int32", "bool")
NUM = ("float32", "float64", "float16", "int64", "int32")
NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
      "int32": np.int32, "bool": np.bool_}


class T:
    """A tensor argument: its values, an optional fixed dtype, and its layout:
    None (contiguous), "t" (transposed storage), "step" (every other element of a wider tensor),
    ("expand", shape) (expanded from the given values)."""

    def __init__(self, value, layout=None, dtype=None, grad=True):
        self.value, self.layout, self.dtype, self.grad = np.asarray(value), layout, dtype, grad

    def with_layout(self, layout):
        return T(self.value, layout, self.dtype, self.grad)


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    kink: bool = False  # sits on a kink / tie: no finite-difference gradcheck
    name: str = ""


@dataclass
class OpInfo:
    name: str
    op: Callable  # op(lib, *args, **kwargs) with lib = torch or myautograd
    samples: Callable  # samples(rng, dtype) -> list[Sample]
    dtypes: tuple = FLOAT
    grad: bool = True  # differentiable: backward + gradcheck
    variant: str = None  # torch name checked as function / method / in-place (name_)
    tol: dict = field(default_factory=dict)  # dtype -> (rtol, atol), with tol_reason
    tol_reason: str = ""
    errors: Callable = None  # errors(lib) -> list of zero-arg callables that must raise
    gradcheck: bool = True

    def rng(self, salt=""):
        return np.random.default_rng(zlib.crc32((self.name + salt).encode()))


def _lib_tensor(lib, arr):
    return torch.from_numpy(arr.copy()) if lib is torch else mag.from_numpy(arr.copy())


def make_leaf(lib, spec, dtype, requires_grad):
    """The storage-owning tensor for one T: transposed or widened storage for "t" / "step"."""
    dt = spec.dtype or dtype
    v = spec.value.astype(NP[dt])
    if spec.layout == "t" and v.ndim >= 2:
        v = np.ascontiguousarray(np.swapaxes(v, -1, -2))
    elif spec.layout == "step" and v.ndim >= 1:
        wide = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        wide[..., ::2] = v
        v = wide
    leaf = _lib_tensor(lib, v)
    if requires_grad and spec.grad and dt in FLOAT + ("float16",):
        leaf.requires_grad_()
    return leaf


def view_of(spec, leaf):
    """The argument the op sees: leaf viewed with the spec's layout."""
    lay, nd = spec.layout, spec.value.ndim
    if lay == "t" and nd >= 2:
        return leaf.transpose(-1, -2)
    if lay == "step" and nd >= 1:
        return leaf[..., ::2]
    if isinstance(lay, tuple) and lay[0] == "expand":
        return leaf.expand(*lay[1])
    return leaf


def _walk(sample, fn, layout):
    """Map fn over every T in the sample (nested lists/tuples too); layout overrides T layouts
    ("plain" drops t/step, "step" forces it) but never an expand."""
    def conv(a):
        if isinstance(a, T):
            spec = a
            if layout is not None and not isinstance(a.layout, tuple):
                spec = a.with_layout(None if layout == "plain" else layout)
            return fn(spec)
        if isinstance(a, list):
            return [conv(x) for x in a]
        if isinstance(a, tuple):
            return tuple(conv(x) for x in a)
        return a
    return conv(sample.args), {k: conv(v) for k, v in sample.kwargs.items()}


def build(lib, sample, dtype, requires_grad=False, layout=None):
    """Sample -> (leaves, args, kwargs) in lib."""
    leaves = []

    def one(spec):
        leaves.append(make_leaf(lib, spec, dtype, requires_grad))
        return view_of(spec, leaves[-1])
    args, kwargs = _walk(sample, one, layout)
    return leaves, args, kwargs


def rebuild(sample, leaves, layout=None):
    """The op arguments again from given leaves (gradcheck calls the op on perturbed leaves)."""
    it = iter(leaves)
    return _walk(sample, lambda spec: view_of(spec, next(it)), layout)


def run(fn):
    """(result, None) or (None, exception)."""
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return None, e


def same_error(em, et):
    assert em is not None, f"torch raised {type(et).__name__}: {et}; myautograd did not"
    assert et is not None, f"myautograd raised {type(em).__name__}: {em}; torch did not"
    assert type(em).__name__ == type(et).__name__, f"{type(em).__name__}({em}) vs torch {type(et).__name__}({et})"
    assert str(em) == str(et), f"message differs:\n  mine:  {em}\n  torch: {et}"


def to_torch(m):
    return torch.from_numpy(np.array(m.detach().numpy(), copy=True))


def tol_of(info, dtype_str):
    return info.tol.get(dtype_str, (None, None)) if info is not None else (None, None)


def compare(m, t, info=None, what="output"):
    """Recursive comparison of a myautograd result with torch's: type, dtype, shape, values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(m, mag.Tensor), f"{what}: expected a tensor, got {type(m).__name__}"
        assert str(m.dtype) == str(t.dtype), f"{what}: dtype {m.dtype} vs torch {t.dtype}"
        assert tuple(m.shape) == tuple(t.shape), f"{what}: shape {tuple(m.shape)} vs torch {tuple(t.shape)}"
        rtol, atol = tol_of(info, str(t.dtype).replace("torch.", ""))
        torch.testing.assert_close(to_torch(m), t.detach(), rtol=rtol, atol=atol, equal_nan=True, msg=lambda s: f"{what}: {s}")
    elif isinstance(t, (tuple, list)):
        assert isinstance(m, (tuple, list)) and len(m) == len(t), f"{what}: {type(m).__name__} vs torch {type(t).__name__} of {len(t)}"
        assert type(m).__name__ == type(t).__name__, f"{what}: {type(m).__name__} vs torch {type(t).__name__}"
        for k, (a, b) in enumerate(zip(m, t)):
            compare(a, b, info, f"{what}[{k}]")
    else:
        assert type(m) is type(t) and m == t, f"{what}: {m!r} vs torch {t!r}"


def tensors_of(x):
    if isinstance(x, (torch.Tensor, mag.Tensor)):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for a in x for t in tensors_of(a)]
    return []
