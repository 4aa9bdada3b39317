"""Fuzz: reductions (dim / keepdim / dtype variants), softmax family, shape and indexing ops
and matrix products on random layouts, against torch: forward values and gradients."""
from hypothesis import strategies as st

from _harness import FLOATS, fuzz, run_both, shapes, tensors

REDUCE = ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "all", "any",
          "var", "std", "norm", "logsumexp", "softmax", "log_softmax", "cumsum"]
FLOAT_ONLY = {"softmax", "log_softmax", "logsumexp", "norm", "var", "std"}
NEEDS_DIM = {"logsumexp", "softmax", "log_softmax", "cumsum"}


def _prop_reduce(data):
    name = data.draw(st.sampled_from(REDUCE))
    # the float-only reductions mostly get floats (integer input is one error path)
    dtype = data.draw(st.sampled_from(FLOATS + [None])) if name in FLOAT_ONLY else None
    x = data.draw(tensors(dtype=dtype, specials=data.draw(st.sampled_from([False, "finite-safe"])), lo=-2.0, hi=2.0))
    nd = x.t.dim()
    dim = data.draw(st.none() | st.integers(-nd - 1, nd) if name not in NEEDS_DIM else st.integers(-nd - 1, nd))
    keep = data.draw(st.booleans())
    one_dim = name in ("max", "min", "argmax", "argmin", "softmax", "log_softmax", "cumsum")

    def prog(lib, a):
        f = getattr(lib, name)
        if dim is None:
            return f(a)
        if name in ("softmax", "log_softmax", "cumsum"):
            return f(a, dim)
        if one_dim:
            return tuple(f(a, dim, keep)) if name in ("max", "min") else f(a, dim, keep)
        if name == "norm":
            return f(a, 2 if keep else 0, dim=dim, keepdim=keep)
        return f(a, dim, keepdim=keep)
    loose = name in ("var", "std", "norm", "logsumexp", "softmax", "log_softmax", "prod", "mean", "sum", "cumsum")
    run_both(prog, [x], rtol=1e-4 if loose and x.arr.dtype.name == "float32" else None,
             loose=loose, seed=data.draw(st.integers(0, 99)))


def test_fuzz_reduce():
    fuzz(_prop_reduce, 150)


SHAPE_OPS = ["reshape", "flatten", "transpose", "permute", "squeeze", "unsqueeze", "cat", "stack",
             "split", "chunk", "narrow", "select", "index_select", "gather", "where", "masked_fill",
             "clamp", "getitem", "setitem", "contiguous", "t", "expand", "repeat"]


def _prop_shape(data):
    name = data.draw(st.sampled_from(SHAPE_OPS))
    x = data.draw(tensors())
    nd = x.t.dim()
    shape = tuple(x.t.shape)
    d = data.draw(st.integers(-nd - 1, nd))
    i = data.draw(st.integers(-5, 5))
    seed = data.draw(st.integers(0, 99))
    other = data.draw(tensors(shape, dtype=x.arr.dtype.name))
    idx = data.draw(tensors((data.draw(st.integers(0, 4)),), dtype="int64", specials=False, grad=False))
    progs = {
        "reshape": lambda lib, a: a.reshape(-1, *shape[1:]) if shape and shape[0] else a.reshape(shape[::-1]),
        "flatten": lambda lib, a: lib.flatten(a, min(d, nd - 1) if nd else 0),
        "transpose": lambda lib, a: a.transpose(d, i),
        "permute": lambda lib, a: a.permute(tuple(data_perm)),
        "squeeze": lambda lib, a: a.squeeze(d),
        "unsqueeze": lambda lib, a: a.unsqueeze(d),
        "cat": lambda lib, a, b: lib.cat([a, b], d),
        "stack": lambda lib, a, b: lib.stack([a, b], d),
        "split": lambda lib, a: lib.split(a, max(abs(i), 1), d),
        "chunk": lambda lib, a: lib.chunk(a, max(abs(i), 1), d),
        "narrow": lambda lib, a: a.narrow(d, i, 1),
        "select": lambda lib, a: a.select(d, i),
        "index_select": lambda lib, a, k: lib.index_select(a, d, k),
        "gather": lambda lib, a, k: lib.gather(a, d, k.reshape([-1] + [1] * (nd - 1)) if nd else k),
        "where": lambda lib, a, b: lib.where(a > 0, a, b),
        "masked_fill": lambda lib, a: a.masked_fill(a > 0.5, 7),
        "clamp": lambda lib, a: lib.clamp(a, min=-1 if i > 0 else None, max=i / 2),
        "getitem": lambda lib, a: a[i] if nd else a[()],
        "setitem": lambda lib, a, b: _setitem(lib, a, b, i),
        "contiguous": lambda lib, a: a.contiguous(),
        "t": lambda lib, a: a.t(),
        "expand": lambda lib, a: a.expand(2, *shape),
        "repeat": lambda lib, a: a.repeat(*([2] * max(nd, 1))),
    }
    data_perm = data.draw(st.permutations(range(nd)))
    prog = progs[name]
    argc = prog.__code__.co_argcount
    operands = [x, other if name != "index_select" and name != "gather" else idx][: argc - 1]
    run_both(prog, operands, seed=seed)


def _setitem(lib, a, b, i):
    a = a.clone()
    if a.dim():
        a[i % max(a.shape[0], 1) if a.shape[0] else 0] = b[0] if b.dim() and b.shape[0] else 0
    return a


def test_fuzz_shape():
    fuzz(_prop_shape, 150)


def _prop_matmul(data):
    name = data.draw(st.sampled_from(["matmul", "mm", "bmm", "mv", "dot", "addmm", "outer"]))
    dt = data.draw(st.sampled_from(FLOATS + ["int64"]))
    n, k, m, b = (data.draw(st.integers(0, 4)) for _ in range(4))
    if data.draw(st.integers(0, 6)) == 0:
        k = data.draw(st.integers(0, 4))  # sometimes mismatched inner sizes
    shp = {"matmul": data.draw(st.sampled_from([((k,), (k,)), ((n, k), (k,)), ((k,), (k, m)), ((b, n, k), (k, m)),
                                                ((n, k), (b, k, m)), ((1, n, k), (b, k, m))])),
           "mm": ((n, k), (k, m)), "bmm": ((b, n, k), (b, k, m)), "mv": ((n, k), (k,)),
           "dot": ((k,), (k,)), "addmm": ((n, k), (k, m)), "outer": ((n,), (m,))}[name]
    sa, sb = shp
    if data.draw(st.integers(0, 8)) == 0:
        sb = tuple(data.draw(shapes()))
    x = data.draw(tensors(sa, dtype=dt, specials=data.draw(st.integers(0, 3)) == 0, lo=-2, hi=2))
    y = data.draw(tensors(sb, dtype=data.draw(st.sampled_from([dt, dt, "float32"])), specials=False, lo=-2, hi=2))
    bias = data.draw(tensors((m,), dtype=dt, specials=False))
    if name == "addmm":
        beta = data.draw(st.sampled_from([0.5, 3, -1.5]))  # int tensors truncate a float beta
        run_both(lambda lib, c, a, b: lib.addmm(c, a, b, beta=beta, alpha=2), [bias, x, y], rtol=1e-4)
    else:
        run_both(lambda lib, a, b: getattr(lib, name)(a, b), [x, y], rtol=1e-4, seed=data.draw(st.integers(0, 9)))


def test_fuzz_matmul():
    fuzz(_prop_matmul, 100)
