"""table_reduce: OpInfo entries for reductions (sum, mean, prod, max/min, amax/amin, argmax,
var/std, norm, logsumexp, all/any) and the dim-wise scans and normalisers (cumsum, softmax)."""
import numpy as np

from . import gen
from .core import ALL, FLOAT, NUM, OpInfo, Sample, T


def _red_samples(rng, dt, kwargs_list, low=-3.0, high=3.0, ties=False, whole=True):
    """Whole-tensor (0-d, empty, 2-d), and per-kwargs samples on 3-d stepped, transposed, expanded."""
    v = lambda *s: gen.vals(rng, s, dt, low, high)  # noqa: E731
    out = []
    if whole:
        out += [Sample((T(v()),), name="0d"), Sample((T(v(3, 4), "t"),), name="2d"), Sample((T(v(0, 3)),), name="empty")]
    for k, kw in enumerate(kwargs_list):
        out.append(Sample((T(v(2, 3, 4), "step"),), dict(kw), name=f"step{kw}"))
        if k % 2 == 0:
            out.append(Sample((T(v(4, 3), "t"),), dict(kw, dim=kw.get("dim", 0) if isinstance(kw.get("dim"), int) else 1)
                              if "dim" in kw else dict(kw), name=f"t{kw}"))
            out.append(Sample((T(v(3, 1), ("expand", (3, 5))),), dict(kw, dim=1) if "dim" in kw else dict(kw), name=f"expanded{kw}"))
    out.append(Sample((T(v()),), {"dim": 0} if any("dim" in kw for kw in kwargs_list) else {}, name="0d_dim"))
    if ties:
        x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [0.0, 0.0, 0.0, 0.0]])
        out.append(Sample((T(x),), {}, kink=True, name="ties_all"))
        out.append(Sample((T(x),), {"dim": 1}, kink=True, name="ties_dim"))
    return out


DIMS = [{"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": (0, 2)}, {"dim": [0, 1], "keepdim": True}]
ONE_DIM = [{"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": 0}]


def _red(name, kwargs_list, dtypes=ALL, grad=True, ties=False, whole=True, low=-3.0, high=3.0, fn=None, **kw):
    call = fn or (lambda lib, x, **k: getattr(lib, name)(x, **k))
    return OpInfo(name, call, lambda rng, dt: _red_samples(rng, dt, kwargs_list, low, high, ties, whole),
                  dtypes=dtypes, grad=grad, variant=kw.pop("variant", name), **kw)


SUM32 = {"float32": (1e-5, 1e-5), "float16": (1e-3, 1e-3)}
SUM_REASON = "summation order (torch's vectorised cascade sums) differs in the last bits"

OPS = [
    _red("sum", DIMS, tol=SUM32, tol_reason=SUM_REASON),
    _red("mean", DIMS, dtypes=FLOAT + ("float16", "int64"), tol=SUM32, tol_reason=SUM_REASON),
    _red("prod", [{"dim": 1}, {"dim": 0, "keepdim": True}], dtypes=NUM, low=-1.5, high=1.5, tol=SUM32,
         tol_reason=SUM_REASON),
    OpInfo("prod_zeros", lambda lib, x, **k: lib.prod(x, **k),
           lambda rng, dt: [Sample((T(np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [1.0, -2.0, 0.5]])),), kw)
                            for kw in ({}, {"dim": 1}, {"dim": 0})], dtypes=FLOAT),
    _red("max", ONE_DIM, dtypes=NUM + ("bool",), ties=True),
    _red("min", ONE_DIM, dtypes=NUM + ("bool",), ties=True),
    _red("amax", DIMS, dtypes=NUM + ("bool",), ties=True),
    _red("amin", DIMS, dtypes=NUM + ("bool",), ties=True),
    _red("argmax", ONE_DIM, dtypes=NUM, grad=False, ties=True),
    _red("argmin", ONE_DIM, dtypes=NUM, grad=False, ties=True),
    _red("var", DIMS + [{"dim": 1, "correction": 0}, {"dim": 0, "correction": 2}, {"unbiased": False}],
         dtypes=FLOAT + ("float16",), tol=SUM32, tol_reason=SUM_REASON),
    _red("std", DIMS + [{"dim": 1, "correction": 0}, {"dim": (1, 2), "correction": 2}, {"unbiased": False}],
         dtypes=FLOAT + ("float16",), tol=SUM32, tol_reason=SUM_REASON),
    _red("norm", [{"dim": 1}, {"p": 1, "dim": -1, "keepdim": True}, {"p": 3}, {"p": float("inf"), "dim": 0}],
         dtypes=FLOAT, tol=SUM32, tol_reason=SUM_REASON),
    _red("logsumexp", [{"dim": 1}, {"dim": (0, 2), "keepdim": True}], dtypes=FLOAT, whole=False,
         tol=SUM32, tol_reason=SUM_REASON),
    _red("softmax", [{"dim": 1}, {"dim": -1}, {"dim": 0}], dtypes=FLOAT, whole=False),
    _red("log_softmax", [{"dim": 1}, {"dim": -1}, {"dim": 0}], dtypes=FLOAT, whole=False),
    _red("cumsum", [{"dim": 1}, {"dim": -1}, {"dim": 0}], dtypes=ALL, whole=False, tol=SUM32, tol_reason=SUM_REASON),
    _red("all", DIMS, grad=False),
    _red("any", DIMS, grad=False),
]


def _reduce_errors(lib):
    x = lib.ones(2, 3)
    return [lambda: lib.sum(x, dim=2), lambda: lib.max(lib.ones(0, 3)), lambda: lib.amax(lib.ones(0, 3), dim=0),
            lambda: lib.mean(lib.ones(3, dtype=lib.int64)), lambda: lib.argmax(lib.ones(0)),
            lambda: lib.softmax(x, dim=3), lambda: lib.cumsum(x, dim=-3), lambda: lib.max(x, dim=5)]


OPS[0].errors = _reduce_errors
