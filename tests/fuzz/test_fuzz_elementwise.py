"""Fuzz: unary and binary elementwise ops (functions, methods, scalars, in-place) on random
dtypes, shapes, layouts and special values, against torch: forward and gradients."""
import math

from hypothesis import strategies as st

from _harness import DTYPES, FLOATS, Pair, fuzz, run_both, tensors, values

TRANSCENDENTAL = {"exp", "log", "log2", "log10", "log1p", "expm1", "sin", "cos", "tan", "tanh",
                  "sigmoid", "erf", "asin", "acos", "atan", "sinh", "cosh", "rsqrt", "atan2", "pow"}
UNARY = ["neg", "abs", "sign", "exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt",
         "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "trunc",
         "reciprocal", "erf", "asin", "acos", "atan", "sinh", "cosh", "square", "logical_not",
         "isnan", "isinf", "isfinite"]
BINARY = ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "pow", "maximum",
          "minimum", "atan2", "bitwise_and", "bitwise_or", "bitwise_xor", "eq", "ne", "lt", "le",
          "gt", "ge", "logical_and", "logical_or", "logical_xor"]
SCALARS = st.sampled_from([0, 1, -2, 3, 2.5, -0.0, 0.5, math.inf, math.nan, True, False, 2**40])


def _prop_unary(data):
    name = data.draw(st.sampled_from(UNARY))
    x = data.draw(tensors())
    style = data.draw(st.sampled_from(["fn", "method"]))
    if style == "fn":
        prog = lambda lib, a: getattr(lib, name)(a)  # noqa: E731
    else:
        prog = lambda lib, a: getattr(a, name)()  # noqa: E731
    run_both(prog, [x], loose=name in TRANSCENDENTAL, seed=data.draw(st.integers(0, 99)))


def test_fuzz_unary():
    fuzz(_prop_unary, 120)


@st.composite
def _operands(draw):
    """Two broadcastable operands; sometimes overlapping views of one storage."""
    shape = draw(st.lists(st.integers(0, 3), max_size=3))
    if draw(st.integers(0, 5)) == 0 and shape and shape[0] > 0:
        dtype = draw(st.sampled_from(DTYPES))
        n = 1
        for s in [shape[0] + 1] + shape[1:]:
            n *= s
        arr = values(draw, dtype, n).reshape([shape[0] + 1] + shape[1:])
        x = Pair(arr, ("contig",), tuple(shape), dtype in FLOATS)
        y = Pair.__new__(Pair)
        y.t, y.m, y.grad = x.t_leaf[1:], x.m_leaf[1:], False
        x.t, x.m = x.t_leaf[:-1], x.m_leaf[:-1]
        return x, y
    yshape = list(shape)
    for i in range(len(yshape)):
        if draw(st.booleans()):
            yshape[i] = 1
    yshape = yshape[draw(st.integers(0, len(yshape))):]
    if draw(st.booleans()):
        shape, yshape = yshape, shape
    return draw(tensors(tuple(shape))), draw(tensors(tuple(yshape)))


def _prop_binary(data):
    name = data.draw(st.sampled_from(BINARY))
    x, y = data.draw(_operands())
    kind = data.draw(st.sampled_from(["fn", "method", "scalar", "rscalar", "op"]))
    seed = data.draw(st.integers(0, 99))
    loose = name in TRANSCENDENTAL
    if kind == "fn":
        run_both(lambda lib, a, b: getattr(lib, name)(a, b), [x, y], loose, seed=seed)
    elif kind == "method":
        run_both(lambda lib, a, b: getattr(a, name)(b), [x, y], loose, seed=seed)
    elif kind == "scalar":
        s = data.draw(SCALARS)
        run_both(lambda lib, a: getattr(lib, name)(a, s), [x], loose, seed=seed)
    elif kind == "rscalar":
        op = data.draw(st.sampled_from(["__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rpow__"]))
        s = data.draw(SCALARS.filter(lambda v: not isinstance(v, bool)) if op == "__rpow__" else SCALARS)
        # (torch's backward of True ** x trips an internal assert: its bug, not compared)
        run_both(lambda lib, a: getattr(a, op)(s), [x], loose=True, seed=seed)
    else:
        op = data.draw(st.sampled_from(["__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__",
                                        "__mod__", "__pow__", "__and__", "__or__", "__xor__",
                                        "__lt__", "__eq__"]))
        run_both(lambda lib, a, b: getattr(a, op)(b), [x, y], loose=True, seed=seed)


def test_fuzz_binary():
    fuzz(_prop_binary, 200)


def _prop_inplace(data):
    """In-place ops on fresh (grad-free) tensors, possibly strided or expanded (torch raises)."""
    name = data.draw(st.sampled_from(["add_", "sub_", "mul_", "div_", "neg_", "exp_", "sqrt_",
                                      "clamp_", "zero_", "fill_", "relu_", "abs_", "pow_"]))
    x = data.draw(tensors(grad=False))
    y = data.draw(tensors(tuple(x.t.shape)[data.draw(st.integers(0, x.t.dim())):], grad=False))

    def prog(lib, a, b):
        a = a.clone() if data_clone else a
        if name in ("add_", "sub_", "mul_", "div_", "pow_"):
            r = getattr(a, name)(b)
        elif name == "clamp_":
            r = a.clamp_(-1, 1)
        elif name == "fill_":
            r = a.fill_(2)
        else:
            r = getattr(a, name)()
        return r, a
    data_clone = data.draw(st.booleans())
    run_both(prog, [x, y], loose=True, grads=False)


def test_fuzz_inplace():
    fuzz(_prop_inplace, 100)
