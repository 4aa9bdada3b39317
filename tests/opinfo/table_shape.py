"""table_shape: OpInfo entries for views and shape ops (view, reshape, flatten, squeeze, permute,
expand, narrow, unbind, split, chunk, broadcast_tensors, cat, stack), their in-place forms (squeeze_, ...), indexing
(get and set) and the index ops (index_put, gather, scatter, index_select, masked_fill)."""
import numpy as np

from . import gen
from .core import ALL, OpInfo, Sample, T

I64 = "int64"


def _x(rng, dt, shape, layout=None):
    return T(gen.vals(rng, shape, dt), layout)


def _calls(name, cases, dtypes=ALL, grad=True, variant=None, **kw):
    """cases: list of (shape, layout, args, kwargs); op = x.name(*args, **kwargs)."""
    def samples(rng, dt):
        return [Sample((_x(rng, dt, s, lay),) + tuple(a), dict(k), name=f"{s}{lay or ''}{a}{k}") for s, lay, a, k in cases]
    return OpInfo(name, lambda lib, x, *a, **k: getattr(x, name)(*a, **k), samples, dtypes=dtypes, grad=grad,
                  variant=variant, **kw)


def _idx(rng, dt):
    x = lambda lay=None: _x(rng, dt, (4, 5, 6), lay)  # noqa: E731
    ix = lambda v: T(np.array(v), dtype=I64)  # noqa: E731
    mask = T(gen.vals(rng, (4, 5), "bool"), dtype="bool")
    idx = [1, -1, (slice(1, None, 2),), (Ellipsis, 1), (None, slice(None), 2), (slice(None, None, 3), None, Ellipsis),
           (1, slice(4, 1, None)), mask, ix([0, 2, -1]), (ix([0, 1]), slice(None), ix([2, 3])),
           (slice(None), ix([[0, 1], [2, 4]])), [0, 2], (ix(1), 0), (Ellipsis, ix([5, 0, 5])), (0, T(gen.vals(rng, (5, 6), "bool"), dtype="bool")), (Ellipsis, None, slice(0, 6, 4))]
    out = [Sample((x("t" if k % 3 == 0 else "step" if k % 3 == 1 else None), i), name=f"idx{k}") for k, i in enumerate(idx)]
    out.append(Sample((_x(rng, dt, ()), Ellipsis), name="0d_ellipsis"))
    out.append(Sample((_x(rng, dt, ()), None), name="0d_none"))
    return out


def _getitem_errors(lib):
    x = lib.ones(4, 5)
    return [lambda: x[10], lambda: x[0, 0, 0], lambda: x[lib.tensor([7])], lambda: x[lib.ones(3, 5, dtype=lib.bool)],
            lambda: x[::-1], lambda: x[:, 1.5]]


def _setitem(lib, x, idx, val):
    y = x.clone()
    y[idx] = val
    return y


def _set(rng, dt):
    v = lambda *s: T(gen.vals(rng, s, dt))  # noqa: E731
    mask = T(gen.vals(rng, (4, 5), "bool"), dtype="bool")
    return [Sample((_x(rng, dt, (4, 5), "t"), 1, v(5)), name="row"),
            Sample((_x(rng, dt, (4, 5)), (slice(None), slice(0, None, 2)), v(4, 1)), name="step_bcast"),
            Sample((_x(rng, dt, (4, 5), "step"), (Ellipsis, 0), 2), name="scalar"),
            Sample((_x(rng, dt, (4, 5)), mask, 0), name="mask_scalar"),
            Sample((_x(rng, dt, (4, 5)), T(np.array([0, 2]), dtype=I64), v(5)), name="index_tensor"),
            Sample((_x(rng, dt, (4, 5)), (slice(None), T(np.array([1, 3]), dtype=I64)), v(4, 2)), name="index_cols"),
            Sample((_x(rng, dt, ()), Ellipsis, v()), name="0d"),
            # torch applies ints / real slices / None as views first: an index_put on a view is CopySlices
            Sample((_x(rng, dt, (3, 4, 5), "t"), (0, T(gen.vals(rng, (4, 5), "bool"), dtype="bool")), v(1)), name="int_then_mask"),
            Sample((_x(rng, dt, (4, 5)), (slice(1, 3), T(np.array([4, 0]), dtype=I64)), v(2, 1)), name="slice_then_index"),
            Sample((_x(rng, dt, (4, 5)), (None, T(np.array([1]), dtype=I64)), v(5)), name="none_then_index"),
            Sample((_x(rng, dt, (4, 5), "step"), (Ellipsis, T(np.array([3, 1]), dtype=I64)), v(2)), name="ellipsis_index"),
            Sample((_x(rng, dt, (4, 5)), (T(np.array([[0, 3]]), dtype=I64), T(np.array([[1], [4]]), dtype=I64)), v(2, 2)),
                   name="broadcast_indices")]


def _set_errors(lib):
    def put(x, i, v):
        x[i] = v
    return [lambda: put(lib.zeros(3), lib.tensor([0]), lib.ones(1, dtype=lib.float64)),
            lambda: put(lib.zeros(4, 5), lib.tensor([0, 2]), lib.ones(3, 5)),
            lambda: put(lib.zeros(4, 5), lib.tensor([0, 9]), 1.0)]


def _index_put(rng, dt):
    v = lambda *s: T(gen.vals(rng, s, dt))  # noqa: E731
    ix = lambda a: T(np.array(a), dtype=I64)  # noqa: E731
    mask = T(gen.vals(rng, (4, 5), "bool"), dtype="bool")
    out = []
    for acc in (False, True):
        out += [Sample((_x(rng, dt, (4, 5), "t"), (ix([0, 2, 2]),), v(3, 5), acc), name=f"rows_dups{acc}",
                       kink=not acc),  # overwritten values: torch's formula still gives them grad[indices]
                Sample((_x(rng, dt, (4, 5)), (ix([1, 3]), ix([0, 4])), v(), acc), name=f"pairs_0d_value{acc}"),
                Sample((_x(rng, dt, (4, 5), "step"), (mask,), v(1), acc), name=f"mask{acc}"),
                Sample((_x(rng, dt, (4, 5)), (ix([[0], [3]]), ix([4, 2, 1])), v(2, 1), acc), name=f"bcast{acc}")]
    return out


def _inplace_view(name):
    """x * 1 (a non-leaf) viewed in place: torch's in-place view nodes (SqueezeBackward4, ...)."""
    def op(lib, x, *a):
        y = x * 1
        r = getattr(y, name + "_")(*a)
        assert r is y
        return y
    return op


def _inplace_view_errors(lib):
    leaf = lambda: lib.ones(2, 1, requires_grad=True)  # noqa: E731
    return [lambda: leaf().squeeze_(1), lambda: leaf().unsqueeze_(0), lambda: leaf().transpose_(0, 1),
            lambda: leaf().t_(), lambda: leaf()[:].squeeze_(1), lambda: (leaf() * 1).t_().t_().unsqueeze_(5)]


def _gather(rng, dt):
    ix = lambda s, hi: T(rng.integers(0, hi, size=s), dtype=I64)  # noqa: E731
    return [Sample((_x(rng, dt, (3, 4), "t"), 1, ix((3, 6), 4)), name="dim1_dups"),
            Sample((_x(rng, dt, (3, 4)), 0, ix((2, 4), 3)), name="dim0"),
            Sample((_x(rng, dt, (3, 4), "step"), -1, ix((3, 0), 4)), name="empty_index"),
            Sample((_x(rng, dt, ()), 0, T(np.array(0), dtype=I64)), name="0d")]


def _perm_rows(rng, rows, n, k):
    return T(np.stack([rng.permutation(n)[:k] for _ in range(rows)]), dtype=I64)


def _scatter(rng, dt):
    return [Sample((_x(rng, dt, (3, 5), "t"), 1, _perm_rows(rng, 3, 5, 2), _x(rng, dt, (3, 4))), name="src"),
            Sample((_x(rng, dt, (3, 5)), 1, _perm_rows(rng, 2, 5, 3), 1.5), kink=True, name="value"),
            Sample((_x(rng, dt, (4, 3)), 0, T(_perm_rows(rng, 3, 4, 2).value.T.copy(), dtype=I64), _x(rng, dt, (2, 3), "step")), name="dim0")]


def _scatter_add(rng, dt):
    ix = T(rng.integers(0, 5, size=(3, 4)), dtype=I64)  # duplicates accumulate
    return [Sample((_x(rng, dt, (3, 5), "t"), 1, ix, _x(rng, dt, (3, 4))), name="dups")]


def _cat_samples(rng, dt, stack=False):
    x = lambda *s, lay=None: _x(rng, dt, s, lay)  # noqa: E731
    if stack:
        return [Sample(([x(3, 4), x(3, 4, lay="t"), x(3, 4, lay="step")],), {"dim": d}, name=f"dim{d}") for d in (0, 1, 2, -1)] + [
            Sample(([x(), x()],), name="0d"), Sample(([x(0, 2), x(0, 2)],), {"dim": 1}, name="empty")]
    return [Sample(([x(2, 4), x(3, 4, lay="t"), x(1, 4, lay="step")],), {"dim": 0}, name="dim0"),
            Sample(([x(3, 1), x(3, 4, lay="t")],), {"dim": -1}, name="dim-1"),
            Sample(([x(2, 3), x(0), x(2, 3)],), {"dim": 1}, name="legacy_empty"),
            Sample(([x(0, 3), x(2, 3)],), name="empty")]


def _cat_errors(lib):
    return [lambda: lib.cat([lib.ones(2, 3), lib.ones(2, 4)]), lambda: lib.cat([]),
            lambda: lib.stack([lib.ones(2), lib.ones(3)]), lambda: lib.cat([lib.ones(2, 3)], dim=2),
            lambda: lib.cat([lib.ones(()), lib.ones(())])]


OPS = [
    _calls("view", [((3, 4), None, ((2, 6),), {}), ((3, 4), None, ((-1,),), {}), ((), None, ((1, 1),), {}),
                    ((0, 3), None, ((3, 0),), {}), ((4, 3), "t", ((-1,),), {}), ((2, 3, 4), "step", ((2, 3, 1, 2),), {})]),
    _calls("reshape", [((3, 4), None, ((2, -1),), {}), ((4, 3), "t", ((12,),), {}), ((), None, ((),), {}),
                       ((0, 3), None, ((-1, 0),), {}), ((3, 1), ("expand", (3, 4)), ((4, 3),), {})], variant="reshape"),
    _calls("flatten", [((2, 3, 4), "step", (), {}), ((2, 3, 4), None, (1,), {}), ((4, 3), "t", (0, -1), {}),
                       ((), None, (), {})], variant="flatten"),
    _calls("squeeze", [((3, 1, 4, 1), None, (), {}), ((1, 3), "t", (1,), {}), ((3, 1, 2, 1), "step", ((1, 3),), {}),
                       ((), None, (0,), {}), ((0, 1), None, (), {})], variant="squeeze"),
    _calls("unsqueeze", [((3, 4), "t", (0,), {}), ((3, 4), None, (-1,), {}), ((), None, (0,), {})], variant="unsqueeze"),
    _calls("transpose", [((3, 4), "t", (0, 1), {}), ((2, 3, 4), "step", (-1, 0), {}), ((), None, (0, -1), {})],
           variant="transpose"),
    _calls("t", [((3, 4), "t", (), {}), ((5,), None, (), {}), ((), None, (), {})], variant="t"),
    _calls("permute", [((2, 3, 4), "step", ((2, 0, 1),), {}), ((3, 4), "t", ((1, 0),), {}), ((), None, ((),), {})],
           variant="permute"),
    _calls("expand", [((3, 1), "t", ((3, 4),), {}), ((4,), None, ((2, 3, 4),), {}), ((), None, ((2, 2),), {}),
                      ((3, 1), "step", ((-1, 5),), {}), ((1,), None, ((0,),), {})]),
    _calls("contiguous", [((3, 4), "t", (), {}), ((2, 3, 4), "step", (), {}), ((3, 1), ("expand", (3, 4)), (), {})]),
    _calls("narrow", [((4, 5), "t", (0, 1, 2), {}), ((4, 5), "step", (-1, -3, 3), {}), ((4, 5), None, (1, 5, 0), {})],
           variant="narrow"),
    _calls("unbind", [((3, 4), "t", (), {}), ((2, 3, 4), "step", (1,), {}), ((0, 3), None, (1,), {})], variant="unbind"),
    _calls("split", [((5, 4), "t", (2,), {}), ((5, 4), None, ([1, 3],), {"dim": 1}), ((0, 4), None, (2,), {})],
           variant="split"),
    _calls("chunk", [((5, 4), "t", (2,), {}), ((5, 6), "step", (3,), {"dim": 1}), ((2, 4), None, (3,), {"dim": 1})],
           variant="chunk"),
    OpInfo("broadcast_tensors", lambda lib, *ts: lib.broadcast_tensors(*ts), lambda rng, dt: [
        Sample((_x(rng, dt, (3, 4), "t"), _x(rng, dt, (3, 4), "step")), name="same_shape"),
        Sample((_x(rng, dt, (3, 1), "step"), _x(rng, dt, (4,))), name="both_expand"),
        Sample((_x(rng, dt, ()), _x(rng, dt, (2, 3), "t"), _x(rng, dt, (1, 3))), name="three"),
        Sample((_x(rng, dt, (0, 1)), _x(rng, dt, (2,))), name="empty")], dtypes=ALL,
           errors=lambda lib: [lambda: lib.broadcast_tensors(lib.ones(2, 3), lib.ones(4)),
                               lambda: lib.broadcast_tensors(lib.ones(2, 3), 1.0)]),
    OpInfo("getitem", lambda lib, x, i: x[i], _idx, dtypes=ALL, errors=_getitem_errors),
    OpInfo("setitem", _setitem, _set, dtypes=ALL, errors=_set_errors),
    OpInfo("index_put", lambda lib, x, i, v, acc: lib.index_put(x, i, v, accumulate=acc), _index_put, dtypes=ALL,
           variant="index_put"),
    OpInfo("squeeze_", _inplace_view("squeeze"), lambda rng, dt: [
        Sample((_x(rng, dt, (3, 1, 4, 1), "t"),), name="all"), Sample((_x(rng, dt, (3, 1, 4), "step"), 1), name="dim"),
        Sample((_x(rng, dt, (3, 1, 1)), (1, 2)), name="dims"), Sample((_x(rng, dt, ()), 0), name="0d")], dtypes=ALL),
    OpInfo("unsqueeze_", _inplace_view("unsqueeze"), lambda rng, dt: [
        Sample((_x(rng, dt, (3, 4), "t"), 1), name="mid"), Sample((_x(rng, dt, ()), -1), name="0d")], dtypes=ALL),
    OpInfo("transpose_", _inplace_view("transpose"), lambda rng, dt: [
        Sample((_x(rng, dt, (2, 3, 4), "step"), 0, -1), name="3d"), Sample((_x(rng, dt, (3, 4)), 1, 1), name="same")],
           dtypes=ALL, errors=_inplace_view_errors),
    OpInfo("t_", _inplace_view("t"), lambda rng, dt: [
        Sample((_x(rng, dt, (3, 4), "t"),), name="2d"), Sample((_x(rng, dt, (5,)),), name="1d")], dtypes=ALL),
    OpInfo("gather", lambda lib, x, d, i: lib.gather(x, d, i), _gather, dtypes=ALL, variant="gather",
           errors=lambda lib: [lambda: lib.gather(lib.ones(3, 4), 1, lib.tensor([[5]])),
                               lambda: lib.gather(lib.ones(3, 4), 1, lib.ones(3, 1))]),
    OpInfo("scatter", lambda lib, x, d, i, s: lib.scatter(x, d, i, s), _scatter, dtypes=ALL, variant="scatter"),
    OpInfo("scatter_add", lambda lib, x, d, i, s: lib.scatter_add(x, d, i, s), _scatter_add, dtypes=ALL,
           variant="scatter_add"),
    OpInfo("index_select", lambda lib, x, d, i: lib.index_select(x, d, i),
           lambda rng, dt: [Sample((_x(rng, dt, (4, 5), "t"), 1, T(np.array([0, 4, 4, 2]), dtype=I64))),
                            Sample((_x(rng, dt, (4, 5), "step"), 0, T(np.array([], dtype=np.int64), dtype=I64))),
                            Sample((_x(rng, dt, ()), 0, T(np.array([0, 0]), dtype=I64)))],
           dtypes=ALL, variant="index_select",
           errors=lambda lib: [lambda: lib.index_select(lib.ones(3), 0, lib.tensor([3])),
                               lambda: lib.index_select(lib.ones(3), 0, lib.ones(1))]),
    OpInfo("masked_fill", lambda lib, x, m, v: lib.masked_fill(x, m, v),
           lambda rng, dt: [Sample((_x(rng, dt, (3, 4), "t"), T(gen.vals(rng, (3, 4), "bool"), dtype="bool"), 0.5)),
                            Sample((_x(rng, dt, (3, 4), "step"), T(gen.vals(rng, (4,), "bool"), dtype="bool"), -2)),
                            Sample((_x(rng, dt, (3, 4)), T(gen.vals(rng, (3, 1), "bool"), dtype="bool"),
                                    T(np.array(1.0), grad=False)))],
           dtypes=ALL, variant="masked_fill",
           errors=lambda lib: [lambda: lib.masked_fill(lib.ones(3), lib.ones(3), 0.0),
                               lambda: lib.masked_fill(lib.ones(3), lib.ones(3, dtype=lib.bool), lib.ones(2))]),
    OpInfo("cat", lambda lib, ts, **k: lib.cat(ts, **k), _cat_samples, dtypes=ALL, errors=_cat_errors),
    OpInfo("stack", lambda lib, ts, **k: lib.stack(ts, **k), lambda rng, dt: _cat_samples(rng, dt, True), dtypes=ALL),
]
