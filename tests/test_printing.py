"""Printing tests: every case diffs torch's own repr against ours for the same values.

Expected strings are always produced by torch 2.13 at test time (never stored by hand).
"Ours" is repr() of a myautograd tensor holding the same values (built with the same op when
a grad_fn is involved) as soon as `myautograd.tensor` exists; until then it is
myautograd._tensor_str.tensor_repr applied to the torch tensor itself (duck-typed).
"""

import importlib
import importlib.util
import math
import os
import pathlib
import subprocess
import sys
from typing import NamedTuple

import pytest
import torch

_SRC = pathlib.Path(__file__).resolve().parents[1] / "myautograd" / "_tensor_str.py"


def _load_printing_module():
    try:
        return importlib.import_module("myautograd._tensor_str")
    except ImportError:                     # package not importable yet: load the file itself
        spec = importlib.util.spec_from_file_location("_myautograd_tensor_str", _SRC)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _load_product():
    try:
        import myautograd
    except ImportError:
        return None
    return myautograd if hasattr(myautograd, "tensor") else None


ts = _load_printing_module()
MA = _load_product()            # not None => every case goes through myautograd's own repr
USING_MYAUTOGRAD = MA is not None


# ---------------------------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------------------------

class Case(NamedTuple):
    ctor: str                   # expression evaluated with torch: the (leaf) tensor
    op: str | None = None       # expression in `x`, applied in torch and in myautograd alike
    opts: dict | None = None    # print options applied to both libraries
    default_dtype: str | None = None    # e.g. "float64": torch.set_default_dtype for the case

    def __str__(self):
        parts = [self.ctor]
        if self.op:
            parts.append(f"-> {self.op}")
        if self.opts:
            parts.append(f"opts={self.opts}")
        if self.default_dtype:
            parts.append(f"default={self.default_dtype}")
        return " ".join(parts)


def _rand(seed, shape, k=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * 10.0 ** k).to(dtype)


_NS = {"torch": torch, "math": math, "nan": math.nan, "inf": math.inf, "rand": _rand}


def _set_options(**kw):
    torch.set_printoptions(**kw)
    ts.set_printoptions(**kw)
    product_setter = getattr(MA, "set_printoptions", None)
    if product_setter is not None and product_setter is not ts.set_printoptions:
        product_setter(**kw)


def _dtype_name(t):
    return str(t.dtype).split(".")[1]


def _to_myautograd(t):
    name = _dtype_name(t)
    dtype = getattr(MA, name, None)
    if dtype is None and t.dtype.is_complex:
        pytest.skip(f"myautograd has no {name} (complex printing is optional)")
    rg = t.requires_grad
    if t.numel() == 0:                      # tolist() would lose an n-d empty shape
        return MA.zeros(tuple(t.shape), dtype=dtype, requires_grad=rg)
    return MA.tensor(t.detach().tolist(), dtype=dtype, requires_grad=rg)


def _ours(base, op=None, default_dtype=None):
    """Our repr of the same values as torch's `base` (then `op` applied, if any)."""
    if MA is not None:
        x = _to_myautograd(base)
        return repr(eval(op, {"x": x}) if op else x)
    t = eval(op, {"x": base}) if op else base
    return ts.tensor_repr(t, default_dtype=f"torch.{default_dtype or 'float32'}")


@pytest.fixture(autouse=True)
def _default_state():
    _set_options(profile="default")
    torch.set_default_dtype(torch.float32)
    yield
    _set_options(profile="default")
    torch.set_default_dtype(torch.float32)
    if MA is not None and hasattr(MA, "set_default_dtype"):
        MA.set_default_dtype(MA.float32)


def check(case):
    if case.opts:
        _set_options(**case.opts)
    if case.default_dtype:
        torch.set_default_dtype(getattr(torch, case.default_dtype))
        if MA is not None:
            MA.set_default_dtype(getattr(MA, case.default_dtype))
    base = eval(case.ctor, _NS)
    assert base.grad_fn is None, "build non-leaf tensors with Case.op, so both libraries record it"
    expected = repr(eval(case.op, {"x": base}) if case.op else base)
    actual = _ours(base, case.op, case.default_dtype)
    assert actual == expected, f"\n--- torch ---\n{expected}\n--- ours ---\n{actual}"


def _params(cases):
    return pytest.mark.parametrize("case", cases, ids=str)


# ---------------------------------------------------------------------------------------------
# Case tables
# ---------------------------------------------------------------------------------------------

SCALARS = [Case(e) for e in [
    "torch.tensor(3.5)", "torch.tensor(3.)", "torch.tensor(-0.)", "torch.tensor(0.)",
    "torch.tensor(7)", "torch.tensor(-7)", "torch.tensor(0)", "torch.tensor(True)",
    "torch.tensor(False)", "torch.tensor(1e-5)", "torch.tensor(-1e-5)", "torch.tensor(123456789.)",
    "torch.tensor(1e8)", "torch.tensor(1e9)", "torch.tensor(nan)", "torch.tensor(inf)",
    "torch.tensor(-inf)", "torch.tensor(0.1)", "torch.tensor(1/3)", "torch.tensor(-2.5)",
    "torch.tensor(99999.99)", "torch.tensor(2.5, dtype=torch.float64)",
    "torch.tensor(0.1, dtype=torch.float64)", "torch.tensor(1.5, dtype=torch.float16)",
    "torch.tensor(1.5, dtype=torch.bfloat16)", "torch.tensor(5, dtype=torch.int32)",
    "torch.tensor(200, dtype=torch.uint8)", "torch.tensor(-3, dtype=torch.int8)",
    "torch.tensor(1e-300, dtype=torch.float64)", "torch.tensor(1e300, dtype=torch.float64)",
]]

VECTORS = [Case(e) for e in [
    "torch.tensor([1., 2., 3.])", "torch.tensor([1.5, 2., 3.])", "torch.tensor([0.1, 0.25, -3.])",
    "torch.tensor([1, -20, 300])", "torch.tensor([True, False])", "torch.tensor([True])",
    "torch.tensor([1, 2], dtype=torch.int32)", "torch.tensor([1., 2.], dtype=torch.float64)",
    "torch.tensor([1.5, 2.], dtype=torch.float16)", "torch.tensor([1, 2], dtype=torch.uint8)",
    "torch.tensor([0., -0., 1.])", "torch.tensor([-0., 1.5])", "torch.tensor([0., 0.])",
    "torch.tensor([-0., -0.])", "torch.tensor([nan, 1., inf])", "torch.tensor([nan, 1.5, -inf])",
    "torch.tensor([0., nan])", "torch.tensor([inf, -inf])", "torch.tensor([nan, nan])",
    "torch.tensor([nan, 1e-5, 1.])", "torch.tensor([inf, 1e10])", "torch.tensor([-inf, 0., 2.5])",
    "torch.tensor([1e-5, 1.])", "torch.tensor([1e-4, 1.])", "torch.tensor([1e-4])",
    "torch.tensor([1e-4], dtype=torch.float64)", "torch.tensor([1., 1000.])",
    "torch.tensor([1., 1001.])", "torch.tensor([1.5, 1500.])", "torch.tensor([1e8])",
    "torch.tensor([1.0000001e8])", "torch.tensor([123456.7])", "torch.tensor([0.00012345])",
    "torch.tensor([12345678.])", "torch.tensor([-1e-5, 5.])", "torch.tensor([10**12, 2])",
    "torch.tensor([-5., 100., 3.])", "torch.tensor([1e7, 2.])", "torch.tensor([-1e9, 1.])",
    "torch.tensor([0.5, 1e-3])", "torch.tensor([9.99995, 1.])", "torch.tensor([0.99995, 0.5])",
    "torch.tensor([99999.5, 1.])", "torch.tensor([0.00015, 0.1])", "torch.tensor([-0.00005, 0.])",
    "torch.tensor([1e-45, 1.])", "torch.tensor([3e38, -3e38])",
    "torch.tensor([1e-300, 1e300], dtype=torch.float64)",
    "torch.tensor([1e-310, 2.], dtype=torch.float64)",
    "torch.tensor([1e100, -1e-100], dtype=torch.float64)",
    "torch.full((3,), 2.5) / 3", "torch.linspace(0, 1, 25)", "torch.linspace(-1, 1, 7)",
    "torch.arange(30.)", "torch.arange(30)", "torch.arange(100) * 1000", "torch.arange(-50, 50)",
    "torch.arange(19.) / 4", "torch.arange(80.) - 40", "torch.tensor([2 ** 40, -(2 ** 62)])",
    "torch.ones(1)", "torch.zeros(5)", "torch.full((10,), -0.0)", "torch.full((25,), nan)",
]]

EMPTIES = [Case(e) for e in [
    "torch.tensor([])", "torch.tensor([], dtype=torch.int64)", "torch.tensor([], dtype=torch.bool)",
    "torch.tensor([], dtype=torch.float64)", "torch.tensor([], dtype=torch.float16)",
    "torch.tensor([], dtype=torch.uint8)", "torch.zeros(0, 3)", "torch.zeros(3, 0)",
    "torch.zeros(2, 0, dtype=torch.int32)", "torch.zeros(0, 0)", "torch.zeros(1, 0)",
    "torch.zeros(3, 0, 2, dtype=torch.float64)", "torch.zeros(0, 2, 2, 2, dtype=torch.int64)",
    "torch.zeros(0, 4, dtype=torch.bfloat16)", "torch.zeros(0, requires_grad=True)",
    "torch.zeros(0, 3, requires_grad=True)",
    "torch.zeros(0, dtype=torch.float64, requires_grad=True)",
]]

NDIM = [Case(e) for e in [
    "torch.tensor([[1.5, -2.], [300., 4.]])", "torch.arange(24.).reshape(2, 3, 4)",
    "torch.arange(16).reshape(2, 2, 2, 2)", "(torch.arange(120.) / 7).reshape(2, 3, 4, 5)",
    "torch.arange(64).reshape(2, 2, 2, 2, 2, 2)", "torch.tensor([[True, False], [False, True]])",
    "torch.ones(1, 1)", "torch.ones(1, 1, 1)", "torch.ones(1, 1, 1, 1)", "torch.zeros(5, 1)",
    "torch.zeros(1, 5)", "torch.arange(6.).reshape(3, 2) - 2.5", "torch.eye(4)",
    "torch.eye(3, dtype=torch.int64)", "torch.tensor([[nan, 1.], [-inf, 2.5]])",
    "torch.tensor([[1e-5, 1.], [1e5, 0.]])", "torch.arange(60.).reshape(3, 20)",
    "torch.arange(60).reshape(3, 20) * 1001", "torch.arange(120.).reshape(4, 30) / 3",
    "torch.arange(90).reshape(3, 30)", "torch.arange(12, dtype=torch.uint8).reshape(3, 4)",
    "torch.arange(8, dtype=torch.int8).reshape(2, 2, 2) - 4", "torch.ones(2, 3, dtype=torch.bool)",
    "torch.arange(24.).reshape(2, 3, 4).transpose(0, 2)",
    "torch.arange(48.).reshape(4, 12)[:, ::3]",
]]

SUMMARIZED = [Case(e) for e in [
    "torch.arange(1001)", "torch.arange(1001.)", "torch.arange(1001.) + 0.5", "torch.arange(2000)",
    "torch.arange(2000.).reshape(40, 50)", "torch.arange(2000).reshape(40, 50)",
    "torch.arange(2000.).reshape(50, 40)", "rand(0, (3, 400, 2))", "rand(1, (2000,), -5)",
    "rand(2, (7, 7, 7, 7))", "rand(3, (10, 10, 11), 4)", "torch.zeros(1001)", "torch.ones(2, 1000)",
    "torch.zeros(1001, 1)", "torch.zeros(1, 1001)", "torch.arange(1200).reshape(4, 300)",
    "rand(4, (6, 200))", "rand(5, (7, 200))", "torch.arange(1100) % 3 == 0",
    "torch.arange(1001.) * 1e6", "rand(6, (2, 3, 4, 5, 6, 7))",
    "torch.arange(3000.).reshape(3000, 1)",
    "(torch.arange(1500.) - 750).reshape(30, 50) / 7", "torch.full((1001,), nan)",
    "torch.cat([torch.full((500,), nan), torch.arange(501.)])",
    "torch.cat([torch.tensor([1e-9]), torch.ones(999), torch.tensor([5.])])",
    "rand(7, (1001,), 3, torch.float64)", "rand(8, (1001,), 0, torch.float16)",
    "torch.arange(1001, dtype=torch.int32)", "torch.arange(1001).to(torch.uint8)",
]]

COMPLEX = [Case(e) for e in [
    "torch.tensor([1+2j, -3.5-0.5j])", "torch.tensor([1j])", "torch.tensor(1+1j)",
    "torch.tensor([0.5, 0.25]).to(torch.complex64)", "torch.tensor([1e-5+1j, 2.])",
    "torch.tensor([[1+1j, 2-2j], [-0.-0.j, 3j]])", "torch.tensor([1+2j], dtype=torch.complex128)",
    "torch.tensor([complex(nan, 1), complex(1, -inf)])", "torch.arange(30.) * (1 + 1j)",
    "torch.arange(1001.) * 1j", "torch.zeros(0, dtype=torch.complex64)",
]]

# Value sets crossed with every dtype: torch converts, we print whatever it produced.
ALL_DTYPES = ["float32", "float64", "float16", "bfloat16",
              "int64", "int32", "int8", "uint8", "bool"]
VALUE_SETS = [
    "[1, 2, 3]", "[0, 100, 7]", "[[0, 1, 2], [3, 4, 5]]", "[1.5, -2.25, 3.]",
    "[0.1, 200.7, -33.33]", "[1e-3, 1., 65000.]", "[0, 0, 0]", "[-1, 0, 1]",
    "[[[1, -2], [3, 4]], [[5, 6], [-7, 8]]]", "[0.3333, 1234.5, 0.5, -8.]", "[120., 127., -128.]",
    "[255, 17, 3]", "[3.14159]",
]
DTYPES = [Case(f"torch.tensor({v}, dtype=torch.float64).to(torch.{d})")
          for d in ALL_DTYPES for v in VALUE_SETS]
DTYPES += [Case(e) for e in [
    "torch.tensor([torch.iinfo(torch.int64).min, torch.iinfo(torch.int64).max])",
    "torch.tensor([-2147483648, 2147483647], dtype=torch.int32)",
    "torch.tensor([-128, 127], dtype=torch.int8)", "torch.tensor([0, 255], dtype=torch.uint8)",
    "torch.tensor([65504., -65504., 6e-8], dtype=torch.float16)",
    "torch.tensor([3e38, 1e-38, 1.], dtype=torch.bfloat16)",
    "torch.tensor([1/3, 2/3], dtype=torch.bfloat16)",
    "torch.tensor([1/3, 2/3], dtype=torch.float16)",
    "torch.tensor([1/3, 2/3], dtype=torch.float64)",
    "torch.tensor([1e5, 1e-4], dtype=torch.float16)",
    "torch.tensor([70000.], dtype=torch.float32).half()", "torch.arange(300.).bfloat16()",
]]

RANDOM = [Case(f"rand({seed}, {shape}, {k})")
          for seed in range(4) for shape in [(5,), (3, 4)] for k in range(-6, 10)]
RANDOM += [Case(f"rand({seed}, (2, 3), {k}, torch.{d})")
           for seed in (10, 11) for d in ("float64", "float16", "bfloat16")
           for k in range(-6, 10, 3)]

GRAD = [Case(ctor, op) for ctor, op in [
    ("torch.ones(3, requires_grad=True)", None), ("torch.ones(3, requires_grad=True)", "x * 2"),
    ("torch.ones(2, 2, requires_grad=True)", "x.sum()"),
    ("torch.ones(2, 2, requires_grad=True)", "x.mean()"),
    ("torch.ones(3, dtype=torch.float64, requires_grad=True)", None),
    ("torch.tensor(2.5, dtype=torch.float64, requires_grad=True)", None),
    ("torch.tensor(2.5, requires_grad=True)", "x * x"),
    ("torch.ones(30, requires_grad=True)", "x + 1"),
    ("torch.ones(30, dtype=torch.float64, requires_grad=True)", "x + 1"),
    ("torch.ones(30, dtype=torch.float16, requires_grad=True)", "x - 1"),
    ("torch.arange(6., requires_grad=True)", "-x"),
    ("torch.arange(6., requires_grad=True)", "x.exp()"),
    ("torch.arange(6., requires_grad=True)", "x / 3"),
    ("rand(0, (3, 4)).requires_grad_()", "x * 2"),
    ("rand(1, (40, 50)).requires_grad_()", "x + 1"), ("rand(2, (2000,)).requires_grad_()", None),
    ("torch.zeros(0, requires_grad=True)", "x * 2"),
    ("torch.zeros(2, 0, requires_grad=True)", "x + 1"),
    ("torch.arange(24., requires_grad=True)", "x.reshape(2, 3, 4)"),
]]
# Suffix wrapping right around the line width: every length lands the suffixes elsewhere.
GRAD += [Case(f"torch.ones({n}, dtype=torch.float64, requires_grad=True)", op)
         for n in range(16, 32) for op in (None, "x * 2")]
GRAD += [Case(f"torch.arange({n}., requires_grad=True)", "x / 7") for n in range(6, 14)]
GRAD += [Case(f"torch.arange({n}, dtype=torch.int32)") for n in range(20, 30)]

OPTIONS = [
    dict(precision=0), dict(precision=1), dict(precision=2), dict(precision=6), dict(precision=10),
    dict(threshold=0), dict(threshold=5), dict(threshold=10), dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0), dict(edgeitems=0), dict(edgeitems=1), dict(edgeitems=5),
    dict(linewidth=1), dict(linewidth=10), dict(linewidth=20), dict(linewidth=33),
    dict(linewidth=40), dict(linewidth=47), dict(linewidth=60), dict(linewidth=79),
    dict(linewidth=81), dict(linewidth=100), dict(linewidth=120), dict(linewidth=200),
    dict(sci_mode=True), dict(sci_mode=False), dict(sci_mode=True, precision=2),
    dict(profile="default"), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=3), dict(profile="full", linewidth=120),
]
PROBES = [
    ("torch.arange(10)", None), ("torch.arange(10.)", None), ("rand(0, (3, 4), 2)", None),
    ("torch.tensor([1e-5, 1.])", None),
    ("torch.tensor([1.5, 2.])", None), ("torch.tensor([1e10])", None),
    ("torch.arange(36).reshape(6, 6)", None), ("torch.arange(2000.).reshape(40, 50)", None),
    ("torch.linspace(0, 1, 25)", None), ("torch.arange(24.).reshape(2, 3, 4)", None),
    ("torch.tensor([nan, 0., -inf, 1.5])", None), ("torch.tensor(3.5)", None),
    ("torch.tensor([True, False, True])", None), ("torch.arange(12, dtype=torch.int32)", None),
    ("torch.ones(12, dtype=torch.float64, requires_grad=True)", "x * 2"),
    ("torch.tensor([0., 0.])", None), ("torch.zeros(0, 3, dtype=torch.int8)", None),
]
WITH_OPTIONS = [Case(c, op, o) for o in OPTIONS for c, op in PROBES]

DEFAULT_FLOAT64 = [Case(e, default_dtype="float64") for e in [
    "torch.tensor([1.5, 2.])", "torch.tensor([1.5, 2.], dtype=torch.float32)",
    "torch.tensor([1+1j])", "torch.tensor([1+1j], dtype=torch.complex64)", "torch.tensor([])",
    "torch.tensor([], dtype=torch.float32)", "torch.tensor(0.1)", "torch.tensor([1, 2])",
]]


@_params(SCALARS)
def test_scalar(case):
    check(case)


@_params(VECTORS)
def test_vector(case):
    check(case)


@_params(EMPTIES)
def test_empty(case):
    check(case)


@_params(NDIM)
def test_ndim(case):
    check(case)


@_params(SUMMARIZED)
def test_summarized(case):
    check(case)


@_params(COMPLEX)
def test_complex(case):
    check(case)


@_params(DTYPES)
def test_dtype(case):
    check(case)


@_params(RANDOM)
def test_random_magnitudes(case):
    check(case)


@_params(GRAD)
def test_grad_and_suffix_wrapping(case):
    check(case)


@_params(WITH_OPTIONS)
def test_print_options(case):
    check(case)


@_params(DEFAULT_FLOAT64)
def test_default_dtype_float64(case):
    if MA is not None and not hasattr(MA, "set_default_dtype"):
        pytest.fail("myautograd.set_default_dtype is missing")
    check(case)


# ---------------------------------------------------------------------------------------------
# The options API itself
# ---------------------------------------------------------------------------------------------

def _api():
    return MA if MA is not None and hasattr(MA, "set_printoptions") else ts


OPTION_CALLS = [
    {}, dict(precision=2), dict(threshold=5, edgeitems=1), dict(linewidth=40, sci_mode=True),
    dict(profile="short"), dict(profile="full"), dict(profile="full", precision=7),
    dict(profile="nonexistent", precision=3), dict(sci_mode=False),
]


@pytest.mark.parametrize("kw", OPTION_CALLS, ids=str)
def test_get_printoptions_matches_torch(kw):
    _set_options(**kw)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert list(ts.get_printoptions()) == list(torch._tensor_str.get_printoptions())


def test_set_printoptions_resets_sci_mode():
    _set_options(sci_mode=True)
    _set_options(precision=3)
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert ts.PRINT_OPTS.sci_mode is None and ts.PRINT_OPTS.precision == 3


def test_printoptions_context_manager_restores():
    _set_options(precision=6, linewidth=50)
    with ts.printoptions(precision=2, sci_mode=True), \
            torch._tensor_str.printoptions(precision=2, sci_mode=True):
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        assert _ours(torch.tensor([1.5, 2.])) == repr(torch.tensor([1.5, 2.]))
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
    assert ts.get_printoptions()["precision"] == 6


def test_printoptions_context_manager_restores_on_error():
    with pytest.raises(ZeroDivisionError):
        with ts.printoptions(threshold=3):
            1 / 0
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_module_does_not_import_torch_or_myautograd():
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('m', {str(_SRC)!r})\n"
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            "assert 'torch' not in sys.modules and 'myautograd' not in sys.modules, sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("shape", [(), (0,), (2,), (2, 3), (1, 0, 4)])
def test_size_repr_and_str_match_torch(shape):
    # torch.Size is printed by its own repr, not by _tensor_str: check it directly.
    import myautograd
    ours, theirs = myautograd.zeros(shape).shape, torch.zeros(shape).shape
    assert (repr(ours), str(ours)) == (repr(theirs), str(theirs))
    assert repr(ours[1:]) == repr(theirs[1:]) and repr(ours + (5,)) == repr(theirs + (5,))
    assert ours.numel() == theirs.numel()


# ---------------------------------------------------------------------------------------------
# Devices (a duck-typed stand-in: the CPU machines have no GPU), and speed
# ---------------------------------------------------------------------------------------------

class _FakeDevice:
    def __init__(self, text):
        self.type, _, index = text.partition(":")
        self.index = int(index) if index else None
        self._text = text

    def __str__(self):
        return self._text


class _OnDevice:
    """A torch CPU tensor that claims to live on another device."""

    def __init__(self, t, device):
        self._t, self.device = t, _FakeDevice(device)

    def __getattr__(self, name):
        return getattr(self._t, name)

    def __getitem__(self, i):
        return _OnDevice(self._t[i], str(self.device))


@pytest.mark.parametrize("device, default, current, shown", [
    ("cuda:0", "cpu", 0, True), ("cuda:0", "cuda", 0, False), ("cuda:1", "cuda", 0, True),
    ("cuda:1", "cuda", 1, False), ("mps:0", "cpu", 0, True), ("cpu", "cuda", 0, True),
])
def test_device_suffix(device, default, current, shown):
    t = torch.arange(30., requires_grad=True) * 2
    got = ts.tensor_repr(_OnDevice(t, device), default_device=default, current_cuda_device=current)
    # torch's own suffix placement, fed the suffix list torch would build for that device
    suffixes = ([f"device='{device}'"] if shown else []) + ["grad_fn=<MulBackward0>"]
    body = torch._tensor_str._tensor_str(t.detach(), 7)
    expected = torch._tensor_str._add_suffixes("tensor(" + body, suffixes, 7, False)
    assert got == expected


@pytest.mark.skipif(not torch.cuda.is_available() and os.environ.get("REQUIRE_CUDA") != "1",
                    reason="no CUDA device (set REQUIRE_CUDA=1 to make this a failure)")
def test_cuda_tensor_repr():
    t = torch.tensor([[1.5, -2.], [300., 4.]], device="cuda")
    if MA is not None:
        actual = repr(MA.tensor(t.tolist(), device="cuda"))
    else:
        actual = ts.tensor_repr(t)
    assert actual == repr(t)
