"""Differential-fuzzing harness: builds the same (possibly strided) tensors in torch and
myautograd, runs one program in both, and compares values, dtypes, shapes and gradients (with
random upstream grads), or requires both libraries to raise the same exception type.
`fuzz(prop, n)` runs a hypothesis property in the CI budget or, in long mode, until time is up.
"""
import math
import time
import warnings

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import myautograd as mag

LONG = {"seconds": 0.0}  # set by conftest.py from --fuzz-minutes

FLOATS = ["float32", "float64"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]
DTYPES = FLOATS + INTS + ["bool"]
SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e38, -3e38, 1e-38, 1e-45, 0.5, -1.0, 1.0]
INT_SPECIAL = {"int64": [2**63 - 1, -2**63], "int32": [2**31 - 1, -2**31]}


def fuzz(prop, examples):
    """Run prop(data) as a hypothesis property with `examples` examples. The CI round is
    derandomized (the same examples every run, so CI is not flaky); long mode then keeps
    drawing fresh random ones until its time is up."""
    def run(derandomize):
        settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
                 suppress_health_check=list(HealthCheck))(given(st.data())(prop))()
    run(True)
    end = time.monotonic() + LONG["seconds"]
    while time.monotonic() < end:
        run(False)


# ---- values ---------------------------------------------------------------------------------

HUGE = {1e38, -3e38, 1e308, -1e300}


def values(draw, dtype, n, specials=True, lo=-5.0, hi=5.0):
    """n values of `dtype` as a numpy array: mostly moderate, sometimes the special ones.
    specials="finite-safe" leaves out the huge ones (reductions: where they overflow depends on
    the summation order, which is implementation-defined)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype in INTS:
        info = np.iinfo(dtype)
        a = rng.integers(max(info.min, -9), min(info.max, 9) + 1, n)
        if specials and n and draw(st.booleans()):
            for v in INT_SPECIAL.get(dtype, [int(info.min), int(info.max)]):
                a = a.astype(object)
                a[rng.integers(0, n)] = v
        return np.array(a, dtype=dtype)
    a = rng.uniform(lo, hi, n)
    if specials and n and draw(st.booleans()):
        k = rng.integers(1, n + 1)
        pool = SPECIAL if dtype == "float32" else SPECIAL + [1e308, 5e-324, -1e300]
        if specials == "finite-safe":
            pool = [v for v in pool if v not in HUGE]
        a[rng.integers(0, n, k)] = rng.choice(pool, k)
    return a.astype(dtype)


# ---- tensors built the same way in both libraries -------------------------------------------

@st.composite
def shapes(draw, max_dims=3, max_side=4):
    return tuple(draw(st.lists(st.integers(0, max_side), max_size=max_dims)))


def _apply_view(lib_t, view, shape):
    kind = view[0]
    if kind == "transpose":
        return lib_t.permute(*view[1])
    if kind == "step":
        return lib_t[tuple(slice(None, None, 2) for _ in shape)]
    if kind == "offset":
        return lib_t[tuple(slice(1, None) for _ in shape)]
    if kind == "expand":
        return lib_t.expand(*shape)
    return lib_t


@st.composite
def layouts(draw, shape):
    """How a tensor of `shape` is laid out: (view program, base shape)."""
    kinds = ["contig", "transpose", "step", "offset", "expand"] if shape else ["contig"]
    kind = draw(st.sampled_from(kinds))
    n = len(shape)
    if kind == "transpose":
        perm = draw(st.permutations(range(n)))
        inv = [0] * n
        for i, p in enumerate(perm):
            inv[p] = i
        base = tuple(shape[p] for p in perm)
        return ("transpose", inv), base  # base.permute(inv) has `shape`
    if kind == "step":
        return ("step",), tuple(2 * s for s in shape)
    if kind == "offset":
        return ("offset",), tuple(s + 1 for s in shape)
    if kind == "expand":
        base = tuple(1 if draw(st.booleans()) else s for s in shape)
        return ("expand",), base
    return ("contig",), shape


class Pair:
    """One operand: a leaf in each library plus the view of it the program sees."""

    def __init__(self, arr, view, shape, grad):
        self.arr = arr
        self.t_leaf = torch.from_numpy(arr.copy()).requires_grad_(grad)
        self.m_leaf = mag.from_numpy(arr.copy()).requires_grad_(grad)
        self.t = _apply_view(self.t_leaf, view, shape)
        self.m = _apply_view(self.m_leaf, view, shape)
        self.grad = grad
        self.desc = f"{arr.dtype}{list(arr.shape)}->{view}{list(shape)}={arr.ravel()[:6].tolist()}"

    def __repr__(self):
        return getattr(self, "desc", "alias view")


@st.composite
def tensors(draw, shape=None, dtype=None, specials=True, grad=None, lo=-5.0, hi=5.0):
    if shape is None:
        shape = draw(shapes())
    if dtype is None:
        dtype = draw(st.sampled_from(DTYPES))
    view, base = draw(layouts(shape))
    n = int(np.prod(base)) if base else 1
    arr = values(draw, dtype, n, specials, lo, hi).reshape(base)
    if grad is None:
        grad = dtype in FLOATS and draw(st.booleans())
    return Pair(arr, view, shape, grad and dtype in FLOATS)


# ---- comparison -------------------------------------------------------------------------------

def _np(x):
    if isinstance(x, (torch.Tensor, mag.Tensor)):
        return x.detach().numpy()
    return np.asarray(x)


def _tol(dtype, loose):
    if dtype == "float32":
        return (1e-5, 1e-5) if loose else (1.3e-6, 1e-5)
    if dtype == "float64":
        return (1e-12, 1e-12) if loose else (1e-7, 1e-7)
    return (0.0, 0.0)


def assert_close(ours, theirs, what, loose=False, rtol=None):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), f"{what}: {ours!r} vs {theirs!r}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_close(o, t, f"{what}[{i}]", loose, rtol)
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mag.Tensor), f"{what}: got {type(ours)} for a tensor"
        assert str(ours.dtype) == str(theirs.dtype), f"{what}: dtype {ours.dtype} vs {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
    o, t = _np(ours), _np(theirs)
    assert o.shape == t.shape, f"{what}: shape {o.shape} vs {t.shape}"
    if t.dtype.kind == "f":
        rt, at = _tol(t.dtype.name, loose)
        if rtol is not None:
            rt = at = rtol
        o64, t64 = o.astype(np.float64), t.astype(np.float64)
        same_nan = np.isnan(o64) == np.isnan(t64)
        fin = np.isfinite(t64) & np.isfinite(o64)
        same_inf = np.where(np.isinf(t64) | np.isinf(o64), o64 == t64, True)
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.where(fin, np.abs(o64 - t64) <= at + rt * np.abs(t64), True)
        bad = ~(same_nan & same_inf & close)
        assert not bad.any(), f"{what}: ours {o[bad][:5]} theirs {t[bad][:5]} (of {o.size})"
    else:
        assert np.array_equal(o, t), f"{what}: ours {o.ravel()[:8]} theirs {t.ravel()[:8]}"


COLLECT = []  # exploration mode (tools only): failures are recorded instead of raised

# Known differences not fixed yet: a failure whose text matches one of these regexes is not
# reported (each entry with its reason, and listed in README.md). Every earlier entry is now a
# regular test in test_regressions.py; keep this empty unless a fix is genuinely large.
KNOWN = []


def _known(msg):
    import re
    return any(re.search(pat, msg) for pat, _ in KNOWN)


def run_both(program, pairs, loose=False, rtol=None, grads=True, seed=0):
    """program(lib, *operands) -> tensor or tuple; pairs are Pair operands (others pass through)."""
    try:
        return _run_both(program, pairs, loose, rtol, grads, seed)
    except AssertionError as e:
        if _known(str(e)):
            return None
        if not COLLECT:
            raise
        cells = [c.cell_contents for c in (program.__closure__ or ()) if isinstance(c.cell_contents, (str, int, float))]
        COLLECT.append((str(e).splitlines()[0][:200], repr(pairs) + f" ops={cells}"))
        return None


def _run_both(program, pairs, loose, rtol, grads, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _run_both_quiet(program, pairs, loose, rtol, grads, seed)


def _run_both_quiet(program, pairs, loose, rtol, grads, seed):
    t_args = [p.t if isinstance(p, Pair) else p for p in pairs]
    m_args = [p.m if isinstance(p, Pair) else p for p in pairs]
    t_err = m_err = None
    try:
        t_out = program(torch, *t_args)
    except Exception as e:  # noqa: BLE001 - only the type is compared
        t_err = e
    try:
        m_out = program(mag, *m_args)
    except Exception as e:  # noqa: BLE001
        m_err = e
    if t_err is not None or m_err is not None:
        assert t_err is not None, f"myautograd raised {m_err!r}, torch did not"
        assert m_err is not None, f"torch raised {t_err!r}, myautograd did not"
        assert type(m_err).__name__ == type(t_err).__name__, f"{m_err!r} vs torch {t_err!r}"
        return None
    assert_close(m_out, t_out, "forward", loose, rtol)
    if grads:
        _check_grads(t_out, m_out, pairs, loose, rtol, seed)
    return t_out


def _check_grads(t_out, m_out, pairs, loose, rtol, seed):
    t_outs = t_out if isinstance(t_out, (tuple, list)) else [t_out]
    m_outs = m_out if isinstance(m_out, (tuple, list)) else [m_out]
    leaves = [p for p in pairs if isinstance(p, Pair) and p.grad]
    diff = [(t, m) for t, m in zip(t_outs, m_outs)
            if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point]
    if not leaves or not diff:
        return
    rng = np.random.default_rng(seed)
    t_gs = [torch.from_numpy(rng.standard_normal(t.shape).astype(str(t.dtype)[6:])) for t, _ in diff]
    m_gs = [mag.from_numpy(g.numpy().copy()) for g in t_gs]
    t_in = [p.t_leaf for p in leaves]
    m_in = [p.m_leaf for p in leaves]
    try:
        tg = torch.autograd.grad([t for t, _ in diff], t_in, t_gs, allow_unused=True)
    except RuntimeError as e:  # e.g. "derivative for aten::floor_divide is not implemented"
        try:
            mag.autograd.grad([m for _, m in diff], m_in, m_gs, allow_unused=True)
        except RuntimeError:
            return
        raise AssertionError(f"backward: torch raised {e!r}, myautograd did not") from None
    mg = mag.autograd.grad([m for _, m in diff], m_in, m_gs, allow_unused=True)
    for i, (a, b) in enumerate(zip(mg, tg)):
        if b is None:
            assert a is None or not np.any(_np(a)), f"grad[{i}]: torch None, ours {a}"
            continue
        assert a is not None, f"grad[{i}]: ours None, torch {b}"
        assert_close(a, b, f"grad[{i}]", loose, rtol)
