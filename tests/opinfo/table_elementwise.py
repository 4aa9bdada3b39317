"""table_elementwise: OpInfo entries for operators, unary math, binary arithmetic with scalars
(reflected too), comparisons, logical ops, clamp, where and the isnan family."""
import operator

from . import gen
from .core import ALL, FLOAT, NUM, OpInfo, Sample, T

NAN, INF = float("nan"), float("inf")


def _unary(name, low=-3.0, high=3.0, kinks=(), dtypes=ALL, grad=True, **kw):
    return OpInfo(name, lambda lib, x: getattr(lib, name)(x),
                  lambda rng, dt: gen.unary(rng, dt, low, high, kinks), dtypes=dtypes, grad=grad, variant=name, **kw)


def _binop(name, fn, variant=None, dtypes=ALL, grad=True, gradcheck=True, **genkw):
    return OpInfo(name, lambda lib, a, b: fn(a, b), lambda rng, dt: gen.binary(rng, dt, **genkw),
                  dtypes=dtypes, grad=grad, variant=variant, gradcheck=gradcheck)


def _shape_errors(fn):
    return lambda lib: [lambda: fn(lib.ones(3, 4), lib.ones(5)), lambda: fn(lib.ones(2, 3), lib.ones(3, 2))]


TRIG32 = {"float32": (1e-5, 1e-5)}
TRIG_REASON = "float32 transcendental: glibc libm vs torch's Sleef vectorised kernels differ by an ulp or two"

OPS = [
    _binop("add", operator.add, "add"),
    OpInfo("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=2), lambda rng, dt: gen.binary(rng, dt, scalars=()),
           dtypes=NUM, variant=None, errors=_shape_errors(lambda a, b: a + b)),
    _binop("sub", operator.sub, "sub", dtypes=NUM),
    _binop("mul", operator.mul, "mul"),
    _binop("div", operator.truediv, "div", dtypes=NUM, nonzero=True),
    OpInfo("div_floor", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
           lambda rng, dt: gen.binary(rng, dt, nonzero=True, scalars=(2,)), dtypes=NUM),
    OpInfo("div_trunc", lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
           lambda rng, dt: gen.binary(rng, dt, nonzero=True, scalars=(2,)), dtypes=NUM),
    # torch has no derivative for floor_divide: the backward test checks both raise the same error
    _binop("floor_divide", operator.floordiv, "floor_divide", dtypes=NUM, nonzero=True, gradcheck=False),
    _binop("remainder", operator.mod, "remainder", dtypes=NUM, nonzero=True),
    _binop("pow", operator.pow, "pow", dtypes=NUM, low=0.5, high=2.0, rlow=0.0, rhigh=3.0),
    _binop("maximum", lambda a, b: type(a).maximum(a, b), "maximum", dtypes=NUM, ties=True, scalars=()),
    _binop("minimum", lambda a, b: type(a).minimum(a, b), "minimum", dtypes=NUM, ties=True, scalars=()),
    _binop("eq", operator.eq, "eq", grad=False, ties=True),
    _binop("ne", operator.ne, "ne", grad=False, ties=True),
    _binop("lt", operator.lt, "lt", grad=False, ties=True),
    _binop("le", operator.le, "le", grad=False, ties=True),
    _binop("gt", operator.gt, "gt", grad=False, ties=True),
    _binop("ge", operator.ge, "ge", grad=False, ties=True),
    _binop("logical_and", lambda a, b: type(a).logical_and(a, b), "logical_and", grad=False, scalars=()),
    _binop("logical_or", lambda a, b: type(a).logical_or(a, b), "logical_or", grad=False, scalars=()),
    _binop("logical_xor", lambda a, b: type(a).logical_xor(a, b), "logical_xor", grad=False, scalars=()),
    _binop("bitwise_and", operator.and_, "bitwise_and", dtypes=("int64", "int32", "bool"), grad=False),
    _binop("bitwise_or", operator.or_, "bitwise_or", dtypes=("int64", "int32", "bool"), grad=False),
    _binop("bitwise_xor", operator.xor, "bitwise_xor", dtypes=("int64", "int32", "bool"), grad=False),
    _unary("logical_not", grad=False),
    _unary("neg", dtypes=NUM),
    _unary("abs", kinks=(0.0, -0.0, 1.0, -2.0), dtypes=NUM),
    _unary("sign", kinks=(0.0, -1.0, 2.0)),
    _unary("exp"),
    _unary("log", low=0.1, high=4.0, kinks=(0.0, 1.0)),
    _unary("log1p", low=-0.9, high=3.0),
    _unary("expm1"),
    _unary("sqrt", low=0.1, high=4.0, kinks=(0.0, 4.0)),
    _unary("rsqrt", low=0.1, high=4.0),
    _unary("sin", tol=TRIG32, tol_reason=TRIG_REASON),
    _unary("cos", tol=TRIG32, tol_reason=TRIG_REASON),
    _unary("tan", low=-1.2, high=1.2, tol=TRIG32, tol_reason=TRIG_REASON),
    _unary("tanh"),
    _unary("sigmoid"),
    _unary("relu", kinks=(0.0, -1.0, 1.0), dtypes=NUM),
    _unary("floor", kinks=(0.5, -0.5, 2.0), dtypes=NUM),
    _unary("ceil", kinks=(0.5, -0.5, 2.0), dtypes=NUM),
    _unary("round", kinks=(0.5, 1.5, 2.5, -0.5, -2.5), dtypes=NUM),
    _unary("isnan", kinks=(NAN, INF, -INF, 0.0), grad=False),
    _unary("isinf", kinks=(NAN, INF, -INF, 0.0), grad=False),
    _unary("isfinite", kinks=(NAN, INF, -INF, 0.0), grad=False),
    OpInfo("clamp", lambda lib, x, lo=-1, hi=1.5: lib.clamp(x, lo, hi),
           lambda rng, dt: gen.unary(rng, dt, kinks=(-1.0, 1.0, 1.5, 0.0, -3.0)) + [
               Sample((T(gen.vals(rng, (3, 4), dt)), None, 1), name="max_only"),
               Sample((T(gen.vals(rng, (3, 4), dt)), 0, None), name="min_only"),
               Sample((T(gen.vals(rng, (3, 4), dt)), T(gen.vals(rng, (4,), dt)), T(gen.vals(rng, (3, 1), dt, 1, 3))),
                      name="tensor_bounds")],
           dtypes=NUM, variant="clamp",
           errors=lambda lib: [lambda: lib.clamp(lib.ones(3))]),
    OpInfo("clip", lambda lib, x: lib.clip(x, -0.5, 0.5), lambda rng, dt: gen.unary(rng, dt, kinks=(-0.5, 0.5)),
           dtypes=NUM, variant=None),
    OpInfo("where", lambda lib, c, a, b: lib.where(c, a, b),
           lambda rng, dt: [Sample((T(gen.vals(rng, s, "bool"), dtype="bool"), T(gen.vals(rng, sa, dt)),
                                    T(gen.vals(rng, sb, dt))), name=str(s))
                            for s, sa, sb in [((3, 4), (3, 4), (3, 4)), ((4,), (3, 4), ()), ((3, 1), (1, 4), (3, 4)),
                                              ((0, 2), (2,), ()), ((), (2, 3), (2, 3))]],
           dtypes=ALL,  # Tensor.where(condition, other) has another argument order: no variant check
           errors=lambda lib: [lambda: lib.where(lib.ones(3), lib.ones(3), lib.ones(3))]),
    OpInfo("where_scalar", lambda lib, c, a: lib.where(c, a, 0.5),
           lambda rng, dt: [Sample((T(gen.vals(rng, (3, 4), "bool"), dtype="bool"), T(gen.vals(rng, (3, 4), dt))))],
           dtypes=ALL),
]


def _promo(name, fn, a_dtype, b):
    """b: a Python scalar or a dtype name for a second tensor."""
    def samples(rng, dt):
        x = T(gen.vals(rng, (2, 3), a_dtype, nonzero=True), dtype=a_dtype)
        y = b if not isinstance(b, str) else T(gen.vals(rng, (3,), b, nonzero=True), dtype=b)
        return [Sample((x, y)), Sample((y, x))] if isinstance(b, str) else [Sample((x, y))]
    return OpInfo("promote_" + name, lambda lib, a, c: fn(a, c), samples, dtypes=("float64",),
                  grad=a_dtype in FLOAT or b in FLOAT, gradcheck=False)  # mixed precision: backward vs torch only


def _pow_exponents(rng, dt):
    """tensor ** number for the exponents torch's pow kernel special-cases (x*x, a copy for 1,
    ones for 0, ...) and a bool exponent, on 0-d, empty and non-contiguous tensors too."""
    x = lambda *s: gen.vals(rng, s, dt, 0.5, 2.0)  # noqa: E731
    out = [Sample((T(x(2, 3)), e), name=f"exp_{e!r}") for e in (1, 1.0, 2, 2.0, 0, 3, -2.0, True, False)]
    return out + [Sample((T(x()), 2), name="0d_sq"), Sample((T(x(3, 4), "t"), 1), name="noncontig_1"),
                  Sample((T(x(3, 4), "step"), 2.0), name="noncontig_sq"), Sample((T(x(0, 3)), 2), name="empty_sq")]


OPS += [
    OpInfo("pow_scalar_exponents", lambda lib, a, e: a ** e, _pow_exponents, dtypes=NUM),
    _promo("int_mul_float", operator.mul, "int64", 2.5),
    _promo("int_div_int", operator.truediv, "int64", 2),
    _promo("int32_add_int64", operator.add, "int32", "int64"),
    _promo("f32_add_f64", operator.add, "float32", "float64"),
    _promo("bool_add_int", operator.add, "bool", "int64"),
    _promo("bool_mul_float", operator.mul, "bool", 1.5),
    _promo("int_add_f16", operator.add, "int32", "float16"),
    _promo("f16_mul_f32", operator.mul, "float16", "float32"),
    _promo("int_lt_float", operator.lt, "int64", 0.5),
    _promo("f32_add_scalar", operator.add, "float32", 3.0),
]
