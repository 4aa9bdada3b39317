"""Tensor-with-Python-number operators (the wrapped-number fast path and the C reflected slots)
compared with torch: values bit for bit, dtypes, grad_fn names, in-place forms, and the
exception type and text for left operands the operators do not accept."""
import operator

import numpy as np
import pytest
import torch

import myautograd as mag

OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
       operator.floordiv, operator.mod, operator.gt, operator.le, operator.eq]
NUMBERS = [2, -3, 2.5, -0.0, True, False, 2 ** 53 + 1, -(2 ** 62), 1e300, float("inf"), float("nan")]
DTYPES = ["float32", "float64", "int64", "bool"]
VALUES = [1.5, -2.0, 0.0, 3.25, -0.5, 7.0]


def _pair(dtype):
    t = torch.tensor(VALUES, dtype=getattr(torch, dtype)).reshape(2, 3)
    return t, mag.tensor(t.numpy(), dtype=getattr(mag, dtype))


def _outcome(f):
    try:
        return "ok", f()
    except Exception as e:  # compared by type and text
        return "raise", (type(e).__name__, str(e))


def _same(tr, mr):
    assert tr[0] == mr[0], (tr, mr)
    if tr[0] == "raise":
        assert tr[1] == mr[1]
        return
    t, m = tr[1], mr[1]
    if not isinstance(t, torch.Tensor):  # e.g. "a" % t is str formatting on both sides
        assert type(m) is type(t) and m == t
        return
    assert str(m.dtype) == str(t.dtype) and tuple(m.shape) == tuple(t.shape)
    np.testing.assert_array_equal(m.numpy(), t.numpy())  # bit-exact, nan == nan


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_number_on_either_side(op, number, dtype):
    t, m = _pair(dtype)
    _same(_outcome(lambda: op(t, number)), _outcome(lambda: op(m, number)))
    _same(_outcome(lambda: op(number, t)), _outcome(lambda: op(number, m)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_"])
@pytest.mark.parametrize("number", [0.9, 3, True, 2 ** 53 + 1, float("inf")], ids=repr)
def test_inplace_number(name, number, dtype):
    t, m = _pair(dtype)
    tv, mv = t[:, 1:], m[:, 1:]  # a non-contiguous view: the base must change in step
    _same(_outcome(lambda: getattr(tv, name)(number)), _outcome(lambda: getattr(mv, name)(number)))
    _same(("ok", t), ("ok", m))
    assert m._version == t._version


@pytest.mark.parametrize("left", [[1.0, 2.0, 3.0], "a", None, np.float64(2.5), np.int64(3), 1 + 2j],
                         ids=repr)
@pytest.mark.parametrize("op", [operator.sub, operator.truediv, operator.pow, operator.floordiv,
                                operator.mod, operator.add, operator.mul], ids=lambda f: f.__name__)
def test_reflected_left_operands(op, left):
    t = torch.tensor([1.5, -2.0, 4.0])
    m = mag.tensor([1.5, -2.0, 4.0])
    tr, mr = _outcome(lambda: op(left, t)), _outcome(lambda: op(left, m))
    if isinstance(left, complex):
        # myautograd has no complex dtypes (torch returns a complex tensor): refuse, never compute
        assert mr[0] == "raise" and mr[1][0] == "TypeError", mr
        return
    if tr[0] == "raise":
        assert mr[0] == "raise" and mr[1][0] == tr[1][0], (tr, mr)
        assert mr[1][1].replace("myautograd", "torch") == tr[1][1]
        return
    _same(tr, mr)


@pytest.mark.parametrize("expr,name", [(lambda x: x * 2, "MulBackward0"), (lambda x: 2 * x, "MulBackward0"),
                                       (lambda x: x + 1, "AddBackward0"), (lambda x: 1 - x, "RsubBackward1"),
                                       (lambda x: x - 1, "SubBackward0"), (lambda x: 2 / x, "MulBackward0"),
                                       (lambda x: x / 2, "DivBackward0"), (lambda x: 2 ** x, "PowBackward2"),
                                       (lambda x: x ** 3, "PowBackward0"), (lambda x: x ** -2, "PowBackward0"),
                                       (lambda x: x ** -1, "PowBackward0"), (lambda x: x ** 2.5, "PowBackward0")])
def test_grads_and_names(expr, name):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2.0, (2, 3))
    g = rng.normal(size=(2, 3))
    tx = torch.tensor(x, requires_grad=True)
    mx = mag.tensor(x, requires_grad=True)
    ty, my = expr(tx), expr(mx)
    assert type(my.grad_fn).__name__ == type(ty.grad_fn).__name__ == name
    ty.backward(torch.tensor(g))
    my.backward(mag.tensor(g))
    np.testing.assert_array_equal(my.detach().numpy(), ty.detach().numpy())
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["sub_", "add_", "mul_"])
@pytest.mark.parametrize("other", ["bool", "float32"])
def test_inplace_bool_tensor_operands(name, other):
    # the same-shape in-place fast path must apply torch's sub_check too (found by the fuzzer)
    t = torch.tensor([True, False, True])
    m = mag.tensor([True, False, True])
    to = torch.tensor([False, False, True], dtype=getattr(torch, other))
    mo = mag.tensor([False, False, True], dtype=getattr(mag, other))
    _same(_outcome(lambda: getattr(t.clone(), name)(to)), _outcome(lambda: getattr(m.clone(), name)(mo)))
    _same(_outcome(lambda: getattr(to.clone(), name)(t)), _outcome(lambda: getattr(mo.clone(), name)(m)))
