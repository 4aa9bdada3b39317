"""The legacy typed constructors (torch.FloatTensor, torch.LongTensor, ...), their metaclass
torch.tensortype, Tensor.type() in both directions, torch.set_default_tensor_type and
torch.typename, each compared with real torch (values, dtypes, shapes, error types and texts)."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as mag

NAMES = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor", "CharTensor", "ShortTensor",
         "IntTensor", "LongTensor", "BoolTensor"]


def outcome(fn, lib):
    """What fn(lib) gives, comparable across libraries: a tensor's dtype and shape (and values
    where they are defined, not for uninitialised memory), or the exception type and text."""
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    if isinstance(r, (torch.Tensor, mag.Tensor)):
        return "tensor", str(r.dtype), tuple(r.shape)
    if isinstance(r, tuple) and r and isinstance(r[0], (torch.Tensor, mag.Tensor)):
        return "tensor", str(r[0].dtype), tuple(r[0].shape), r[0].tolist()
    return r


def same(fn):
    assert outcome(fn, mag) == outcome(fn, torch)


def with_values(t):
    return (t, None)  # outcome() then compares the values too


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("args", [(), (0,), (2, 3), ((2, 3),), ([1, 0, 2],), ([[1, 2], [3, 4]],), ([],),
                                  ([1.5, -2.7],), ([True, False],), (np.array([1, 2]),), (2, True), (np.int64(3),),
                                  (2, np.int64(2))])
def test_typed_constructor_builds_its_dtype(name, args):
    def build(L):
        r = getattr(L, name)(*args)
        # sizes give uninitialised memory in torch: compare values only for data
        data = args and isinstance(args[0], (list, np.ndarray))
        return with_values(r.float()) if data else r
    same(build)


@pytest.mark.parametrize("name", NAMES)
def test_typed_constructor_of_a_tensor(name):
    # the exact dtype on the CPU: an alias (AliasBackward0 when it requires grad); any other dtype: torch's TypeError
    def build(L):
        T = getattr(L, name)
        src = L.tensor([1, 0, 2]).to(T.dtype)
        a = T(src)
        return (a.dtype == src.dtype, a.data_ptr() == src.data_ptr(), a is src)
    same(build)
    for other in ["float32", "float64", "int64", "bool"]:
        same(lambda L: getattr(L, name)(L.ones(2, dtype=getattr(L, other))))
    x = mag.ones(2, requires_grad=True)
    assert mag.FloatTensor(x).grad_fn.name() == torch.FloatTensor(torch.ones(2, requires_grad=True)).grad_fn.name()


@pytest.mark.parametrize("fn", [
    lambda L: L.FloatTensor(2.5), lambda L: L.FloatTensor("a"), lambda L: L.FloatTensor(None), lambda L: L.FloatTensor(-1),
    lambda L: L.FloatTensor(2, -3), lambda L: L.FloatTensor(2, 2.5), lambda L: L.FloatTensor(2, [3]),
    lambda L: L.FloatTensor(2, None), lambda L: L.FloatTensor(2.5, 3), lambda L: L.FloatTensor([1], 2),
    lambda L: L.FloatTensor(True, 2), lambda L: L.FloatTensor([1], [2]), lambda L: L.FloatTensor(L.ones(1), 2),
    lambda L: L.FloatTensor(np.float32(3)), lambda L: L.FloatTensor(2, np.float64(3)), lambda L: L.FloatTensor(True),
    lambda L: L.FloatTensor([1], device="cuda"), lambda L: L.LongTensor([1], device="meta"),
    lambda L: L.FloatTensor(L.ones(1), device="cpu"), lambda L: L.Tensor(L.ones(1), device="cpu"),
    lambda L: L.Tensor(2, True), lambda L: L.Tensor(np.int64(2)), lambda L: L.Tensor(True, 2),
    lambda L: L.FloatTensor([[1], [2, 3]]), lambda L: L.FloatTensor(3, device="cpu"), lambda L: L.FloatTensor(L.Size([2])),
])
def test_typed_constructor_errors_and_edge_forms(fn):
    same(fn)


def test_isinstance_and_class_facts():
    for n in NAMES:
        T, TT = getattr(mag, n), getattr(torch, n)
        assert (T.__name__, T.__module__, repr(T), str(T.dtype), T.is_cuda, T.is_sparse) == \
               (TT.__name__, TT.__module__, repr(TT), str(TT.dtype), TT.is_cuda, TT.is_sparse)
        assert issubclass(T, mag.Tensor) is issubclass(TT, torch.Tensor)
    assert repr(type(mag.FloatTensor)) == repr(type(torch.FloatTensor))

    def facts(L):
        x = L.zeros(2)
        return [isinstance(x, L.FloatTensor), isinstance(x, L.DoubleTensor), isinstance(x.double(), L.DoubleTensor),
                isinstance(L.nn.Parameter(x), L.FloatTensor), isinstance(1.0, L.FloatTensor),
                isinstance(L.tensor(1), L.LongTensor), isinstance(L.tensor(True), L.BoolTensor),
                type(L.FloatTensor([1])) is L.Tensor]
    assert facts(mag) == facts(torch)


@pytest.mark.parametrize("fn", [
    lambda L: L.ones(2).type(), lambda L: L.ones(2).double().type(), lambda L: L.ones(2, dtype=L.int8).type(),
    lambda L: L.ones(2).type(L.DoubleTensor), lambda L: L.ones(2).type("torch.IntTensor"),
    lambda L: L.ones(2).type(L.float64), lambda L: L.ones(2).type(dtype=L.IntTensor),
    lambda L: L.ones(2).type(L.DoubleTensor, True), lambda L: L.ones(2).type(L.float16, non_blocking=True),
    lambda L: L.ones(2).type("torch.Foo"), lambda L: L.ones(2).type("LongTensor"), lambda L: L.ones(2).type("torch.long"),
    lambda L: L.ones(2).type(int), lambda L: L.ones(2).type(np.float32), lambda L: L.ones(2).type(L.nn.Parameter),
    lambda L: L.ones(2).type(5), lambda L: L.ones(2).type(L.float64, foo=1), lambda L: L.ones(2).type(L.float64, True, True),
    lambda L: L.ones(2).type("torch.LongTensor").type(), lambda L: L.ones(2, dtype=L.float64).type(L.Tensor),
    lambda L: L.ones(3).type(L.BoolTensor),
])
def test_tensor_type(fn):
    same(fn)


def test_tensor_type_returns_self_or_a_differentiable_copy():
    def facts(L):
        x = L.ones(2, requires_grad=True)
        return (x.type(L.FloatTensor) is x, x.type("torch.FloatTensor") is x, x.type(L.float32) is x,
                x.type(L.DoubleTensor).grad_fn.name(), x.type(L.DoubleTensor).dtype == L.float64)
    assert facts(mag) == facts(torch)


@pytest.mark.parametrize("arg", ["DoubleTensor", "torch.DoubleTensor", "LongTensor", "torch.LongTensor", "float64", 3,
                                 "Tensor"])
def test_set_default_tensor_type(arg):
    def run(L):
        a = getattr(L, arg) if arg in ("DoubleTensor", "LongTensor", "Tensor", "float64") else arg
        before = L.get_default_dtype()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its deprecation warning: test below
            try:
                L.set_default_tensor_type(a)
                return str(L.get_default_dtype()), str(L.ones(1).dtype)
            except Exception as e:  # noqa: BLE001 - type and text are compared
                return type(e).__name__, str(e)
            finally:
                L.set_default_dtype(before)
    assert run(mag) == run(torch)


_WARN_SCRIPT = """
import warnings, {lib} as lib
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    for t in (lib.DoubleTensor, lib.FloatTensor):
        lib.set_default_tensor_type(t)
print([(w.category.__name__, str(w.message)) for w in record], lib.get_default_dtype())
"""


def test_set_default_tensor_type_warns_once_per_process():
    # TORCH_WARN_ONCE: each library runs in a fresh interpreter
    import subprocess
    import sys
    out = [subprocess.run([sys.executable, "-c", _WARN_SCRIPT.format(lib=lib)], capture_output=True, text=True,
                          check=True).stdout for lib in ("torch", "myautograd")]
    assert "deprecated as of PyTorch 2.1" in out[0]
    assert out[1] == out[0]


def test_typename():
    for obj in ("ones", "Parameter", 3, "FloatTensor"):
        def name(L):
            o = {"ones": L.ones(2, dtype=L.int32), "Parameter": L.nn.Parameter, "FloatTensor": L.FloatTensor}.get(obj, obj)
            return L.typename(o)
        assert name(mag) == name(torch)


# torch.tensor(data, dtype=<integer>) checks each Python number against the dtype (the legacy
# constructors build through it): ints must fit int64 (ValueError), then the dtype (uint8 takes
# -255..255 and wraps); floats must lie in range before truncation; nan and inf never do. Ints
# beyond int64 are fine for floating and bool tensors.
@pytest.mark.parametrize("data,dtype", [
    ([-255, 255], "uint8"), ([-256], "uint8"), ([-0.5], "uint8"), ([255.5], "uint8"), ([-1.5], "uint8"),
    ([float("nan")], "int32"), ([float("inf")], "int64"), ([float("-inf")], "int8"), ([2**70], "int32"),
    ([2**70], "float32"), ([2**70], "bool"), ([2**63], "int64"), ([-2**63], "int64"), ([2**31], "int32"),
    ([-2**31], "int32"), ([2147483647.5], "int32"), ([127.9], "int8"), ([-128.9], "int8"), ([9.3e18], "int64"),
    ([True, False], "int8"), ([70000], "int16"), ([-2**64], "float64"), ([2**70], None), ([1.5, 2**70], "int64"),
    ([300, 2**70], "uint8"), ([[1.5, -2.7]], "int64"), ([[1, -3]], "uint8"), ([], "int8"), ([1.5, -2.7], "ByteTensor"),
    ([-1, 300], "ByteTensor"), ([2**40], "IntTensor"), ([2**70], "LongTensor"),
])
def test_python_numbers_into_integer_tensors(data, dtype):
    def build(L):
        if dtype and dtype.endswith("Tensor"):
            return with_values(getattr(L, dtype)(data))
        return with_values(L.tensor(data, dtype=getattr(L, dtype) if dtype else None))
    same(build)
