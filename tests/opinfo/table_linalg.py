"""table_linalg: OpInfo entries for matmul (every rank combination, batched broadcast), mm, bmm,
mv, dot, addmm and outer, with transposed / stepped operands and shape errors."""
from . import gen
from .core import OpInfo, Sample, T

MM_DT = ("float32", "float64", "int64")
MM_TOL = {"float32": (1e-5, 1e-5)}
MM_REASON = "BLAS (OpenBLAS here, MKL in torch) blocks and accumulates float32 products in another order"


def _pairs(rng, dt, shapes):
    x = lambda s, lay: T(gen.vals(rng, s, dt, -2, 2), lay)  # noqa: E731
    lays = [None, "t", "step"]
    return [Sample((x(a, lays[k % 3] if len(a) > 1 else None), x(b, lays[(k + 1) % 3] if len(b) > 1 else "step")),
                   name=f"{a}@{b}") for k, (a, b) in enumerate(shapes)]


MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)), ((3,), (5, 3, 4)),
                 ((5, 2, 3), (3,)), ((0, 3), (3, 2)), ((2, 0), (0, 3)), ((4, 1, 3), (1, 3, 2))]


def _mm_errors(lib):
    a, b = lib.ones(2, 3), lib.ones(4, 5)
    return [lambda: lib.matmul(a, b), lambda: lib.matmul(lib.ones(()), a), lambda: lib.mm(a, b),
            lambda: lib.mm(lib.ones(3), a), lambda: lib.bmm(a, a), lambda: lib.bmm(lib.ones(2, 2, 3), lib.ones(3, 3, 2)),
            lambda: lib.mv(a, lib.ones(4)), lambda: lib.dot(a, a), lambda: lib.dot(lib.ones(2), lib.ones(3)),
            lambda: lib.matmul(lib.ones(2, 3), lib.ones(2, 3, dtype=lib.float64)),
            lambda: lib.matmul(lib.ones(2, 2, 3), lib.ones(3, 3, 2))]


def _mm(name, shapes, **kw):
    return OpInfo(name, lambda lib, a, b: getattr(lib, name)(a, b), lambda rng, dt: _pairs(rng, dt, shapes),
                  dtypes=MM_DT, variant=name, tol=MM_TOL, tol_reason=MM_REASON, **kw)


OPS = [
    OpInfo("matmul_op", lambda lib, a, b: a @ b, lambda rng, dt: _pairs(rng, dt, MATMUL_SHAPES), dtypes=MM_DT,
           tol=MM_TOL, tol_reason=MM_REASON, errors=_mm_errors),
    _mm("matmul", MATMUL_SHAPES[:6]),
    _mm("mm", [((2, 3), (3, 4)), ((4, 3), (3, 1)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]),
    _mm("bmm", [((5, 2, 3), (5, 3, 4)), ((2, 1, 3), (2, 3, 2)), ((0, 2, 3), (0, 3, 1))]),
    _mm("mv", [((2, 3), (3,)), ((4, 1), (1,)), ((0, 3), (3,))]),
    _mm("dot", [((3,), (3,)), ((0,), (0,)), ((1,), (1,))]),
    _mm("outer", [((3,), (4,)), ((0,), (2,)), ((1,), (5,))]),
    OpInfo("addmm", lambda lib, c, a, b, **k: lib.addmm(c, a, b, **k),
           lambda rng, dt: [Sample((T(gen.vals(rng, s, dt, -2, 2)), T(gen.vals(rng, (2, 3), dt, -2, 2), "t"),
                                    T(gen.vals(rng, (3, 4), dt, -2, 2), "step")), k, name=f"{s}{k}")
                            for s, k in [((2, 4), {}), ((4,), {"beta": 2, "alpha": 3}), ((), {"alpha": 0.5}),
                                         ((2, 1), {"beta": 0})]],
           dtypes=("float32", "float64"), variant="addmm", tol=MM_TOL, tol_reason=MM_REASON),
]
