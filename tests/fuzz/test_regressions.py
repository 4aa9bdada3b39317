"""Regression tests for every bug the fuzzer and the hostile-argument sweep found, one plain
(non-hypothesis) test per bug, each compared with torch where torch computes the same thing.
The comment above each test names the bug and where it was fixed."""
import numpy as np
import pytest
import torch

import myautograd as mag
import myautograd.nn.functional as F


def outcome(fn, lib):
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    if isinstance(r, (torch.Tensor, mag.Tensor)):
        return str(r.dtype).replace("torch.", ""), tuple(r.shape), str(r.detach().numpy().tolist())  # nan == nan
    return r


def same(fn):
    assert outcome(fn, mag) == outcome(fn, torch)


# None where a tensor is required segfaulted (csrc/python/functions.cpp: T() let None through)
@pytest.mark.parametrize("fn", [
    lambda L, F: F.relu(None), lambda L, F: F.mse_loss(None, L.ones(2)), lambda L, F: L.ones(2, 2).mm(None),
    lambda L, F: L.ones(2).dot(None), lambda L, F: L.ones(2, 2).masked_fill(None, 1.0),
    lambda L, F: F.linear(L.ones(2, 2), None), lambda L, F: L.ones(2, 2).addmm(None, None),
    lambda L, F: F.nll_loss(None, L.zeros(2, dtype=L.int64)),
])
def test_none_for_a_tensor_raises_like_torch(fn):
    import torch.nn.functional as TF

    def kind(f):
        try:
            f()
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            return type(e).__name__
        return None
    theirs = kind(lambda: fn(torch, TF))
    assert theirs is not None
    assert kind(lambda: fn(mag, F)) == theirs


def test_loss_weight_none_still_accepted():
    x = mag.tensor([[0.2, 0.8], [0.6, 0.4]]).log()
    assert F.nll_loss(x, mag.tensor([1, 0]), None).item() == pytest.approx(-np.log([0.8, 0.6]).mean(), rel=1e-6)


# index_select of a 0-d tensor with an empty index read out of bounds (csrc/ops/shape.cpp)
def test_index_select_0d_with_empty_index():
    same(lambda L: L.index_select(L.tensor(1.5), 0, L.tensor([], dtype=L.int64)))
    same(lambda L: L.index_select(L.tensor(1.5), 0, L.tensor([0, 0])))
    same(lambda L: L.index_select(L.tensor(1.5), 0, L.tensor([0])))


# index_select skipped validating indices when the result was empty
def test_index_select_validates_indices_of_empty_results():
    same(lambda L: L.index_select(L.ones(0, 0), 1, L.tensor([7])))
    same(lambda L: L.index_select(L.ones(3, 0), 0, L.tensor([7])))
    same(lambda L: L.index_select(L.ones(3, 0), 0, L.tensor([-1])))
    same(lambda L: L.index_select(L.ones(3, 2), 0, L.tensor([2, 0])))
    same(lambda L: L.index_select(L.ones(3, 2), 0, L.tensor([3])))


# narrow of a 0-d tensor raised IndexError from Python indexing (myautograd/_tensor.py)
def test_narrow_0d():
    same(lambda L: L.tensor(1.0).narrow(0, 0, 1))


# flatten did not range-check start_dim / end_dim (myautograd/_tensor.py)
@pytest.mark.parametrize("shape,s,e", [((0,), -2, -1), ((3,), 1, -1), ((2, 3), 0, 2), ((), 0, -1), ((), 1, -1), ((2, 3), -2, -1)])
def test_flatten_dim_range(shape, s, e):
    same(lambda L: L.ones(shape).flatten(s, e))


# narrow did not range-check start (IndexError in torch) nor a negative length
@pytest.mark.parametrize("shape,start,length", [((3,), 4, 0), ((3,), -4, 1), ((0,), -1, 0), ((0,), 1, 0),
                                                ((3,), -1, 2), ((3,), 3, 0), ((3,), 0, -1), ((3,), -2, 2)])
def test_narrow_bounds(shape, start, length):
    same(lambda L: L.ones(shape).narrow(0, start, length))


# kernels indexing with a fixed idx[16] wrote past it for >16-dim tensors (csrc/kernels/cpu)
@pytest.mark.parametrize("fn", [
    lambda L: L.ones([1] * 17 + [2]).index_select(0, L.tensor([0])),
    lambda L: L.ones([1] * 17 + [2]).sum(0),
    lambda L: L.ones([1] * 17 + [2]).nonzero(),
    lambda L: L.ones([1] * 17 + [2]).argmax(-1),
])
def test_many_dims_do_not_crash(fn):
    try:
        r = fn(mag)
    except RuntimeError as e:
        assert "16 dims" in str(e)
    else:
        assert outcome(lambda L: fn(L), mag)[1:] == outcome(lambda L: fn(L), torch)[1:] or r is not None


# in-place ops on expanded memory silently wrote (csrc/autograd/ops_elementwise.cpp)
@pytest.mark.parametrize("fn", [
    lambda L: L.ones(3).expand(3, 3).add_(1), lambda L: L.ones(3).expand(2, 3).exp_(),
    lambda L: L.ones(3).expand(2, 3).copy_(L.zeros(2, 3)), lambda L: L.ones(3).expand(2, 3).clamp_(0, 1),
    lambda L: L.ones(3).expand(2, 3).fill_(2), lambda L: L.ones(3).expand(2, 3).zero_(),
])
def test_inplace_on_expanded_memory(fn):
    same(fn)


# torch.fmod was an alias of remainder (myautograd/_ops.py, new Fmod op in csrc)
def test_fmod_sign_follows_dividend_and_grad():
    a = [-5.5, 5.5, -3.0, 1e-38, 7.0, -0.0]
    b = [2.0, -2.0, 3.0, -2.0, float("inf"), 1.0]
    same(lambda L: L.fmod(L.tensor(a), L.tensor(b)))
    same(lambda L: L.fmod(L.tensor([-7, 7, -8]), L.tensor([2, -3, 3])))
    same(lambda L: L.tensor([-7, 7]).fmod(-2))

    def grads(L):
        x, y = L.tensor(a[:4], requires_grad=True), L.tensor(b[:4], requires_grad=True)
        (L.fmod(x, y) * L.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        return x.grad.tolist(), y.grad.tolist()
    assert grads(mag) == grads(torch)


# maximum/minimum backward gave the nan side's partner zero; torch gives both the gradient
# (csrc/autograd/derivatives.cpp)
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_grad_with_nan_and_ties(name):
    def grads(L):
        a = L.tensor([float("nan"), 1.0, 2.0, 3.0, float("nan")], requires_grad=True)
        b = L.tensor([-2.0, float("nan"), 2.0, 1.0, float("nan")], requires_grad=True)
        getattr(L, name)(a, b).backward(L.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        return a.grad.tolist(), b.grad.tolist()
    assert grads(mag) == grads(torch)


# in-place on an empty tensor with a stride-0 dim is fine in torch (no element to overlap)
def test_inplace_on_empty_expanded_is_allowed():
    same(lambda L: L.ones(0, 1, 2).expand(0, 4, 2).add_(1))


# norm: a one-element reduction overflowed in x**2 (torch returns |x|) and the 0-norm had a
# gradient (csrc/autograd/ops_reduce.cpp, derivatives.cpp)
def test_norm_overflow_and_zero_norm_grad():
    same(lambda L: L.norm(L.tensor(-3e38)))
    same(lambda L: L.norm(L.tensor([-3e38]), 3))
    same(lambda L: L.tensor([[3e38, 1.0]]).norm(dim=0))
    same(lambda L: L.tensor([3e38, 1.0]).norm(dim=0))  # more than one element: inf, as torch
    same(lambda L: L.norm(L.tensor([1e20, 1e20])))

    def grad(L):
        x = L.tensor([0.5, 0.0, -2.0], requires_grad=True)
        L.norm(x, 0).backward()
        return x.grad
    assert grad(mag) is None and grad(torch) is None


# matmul (b, n, 0) @ (0, m) divided by k = 0: SIGFPE (csrc/autograd/ops_linalg.cpp)
def test_batched_matmul_with_zero_inner_size():
    same(lambda L: L.matmul(L.ones(2, 3, 0), L.ones(0, 4)))
    same(lambda L: L.matmul(L.ones(2, 3, 0), L.ones(0)))


# x ** 0.5 used pow(): (-inf) ** 0.5 gave inf, torch (sqrt) nan (csrc/ops/elementwise.cpp)
@pytest.mark.parametrize("e", [0.5, -0.5, 1.5, 2, -1])
def test_pow_half_exponents_at_special_values(e):
    same(lambda L: L.tensor([-float("inf"), -0.0, 4.0, float("inf"), -4.0]) ** e)
    same(lambda L: L.pow(L.tensor([-float("inf"), 9.0], dtype=L.float64), e))


# atan2 backward was nan at (0, 0) and rounded differently (csrc/autograd/derivatives.cpp)
def test_atan2_grad_at_zero_and_tiny():
    import itertools
    import math
    vals = [0.0, -0.0, 1e-45, 1e-38, 1e38, -3e38, math.inf, -math.nan, 0.5, -2.3]
    pairs = list(itertools.product(vals, vals))

    def grads(L):
        x = L.tensor([p[0] for p in pairs], requires_grad=True)
        y = L.tensor([p[1] for p in pairs], requires_grad=True)
        L.atan2(x, y).backward(L.tensor([(-1.0) ** i * (1 + i % 7) / 3 for i in range(len(pairs))]))
        return str(x.grad.tolist()), str(y.grad.tolist())
    assert grads(mag) == grads(torch)


# square of a bool tensor stayed bool; torch gives int64 (myautograd/_ops.py)
def test_square_bool():
    same(lambda L: L.square(L.tensor([True, False])))
    same(lambda L: L.tensor([True]).square())


# a backward formula giving no gradient (0-norm) crashed the next node (segfault on an
# undefined tensor): csrc/autograd/node.cpp passes undefined gradients through
def test_undefined_gradient_through_a_view_does_not_crash():
    def grad(L):
        b = L.zeros(2, 4, requires_grad=True)
        y = L.norm(b.permute(1, 0) * 2, 0, dim=1)
        return L.autograd.grad([y], [b], [L.ones(4)], allow_unused=True)[0]
    assert grad(mag) is None and grad(torch) is None


# INT64_MIN // -1 and % -1 trapped with SIGFPE (csrc/kernels/cpu/elementwise.cpp)
@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod"])
@pytest.mark.parametrize("dt", ["int64", "int32"])
def test_int_min_by_minus_one(op, dt):
    lo = -2**63 if dt == "int64" else -2**31
    same(lambda L: getattr(L, op)(L.tensor([lo, 7, -7], dtype=getattr(L, dt)), L.tensor([-1, -1, 2], dtype=getattr(L, dt))))


# integer pow with a negative tensor exponent raised; torch gives 0 / +-1 (kernel int_pow)
def test_int_pow_negative_exponent():
    same(lambda L: L.pow(L.tensor([2, 1, -1, -1, 0, 3]), L.tensor([-1, -5, -3, -2, 2, 40])))
    same(lambda L: L.tensor([2, 3]) ** -1)
    same(lambda L: L.tensor([2, 3]).pow(-2))
    same(lambda L: L.tensor([2**62, 3]) ** 3)  # wraps like torch


# bitwise ops on floats raised RuntimeError, torch NotImplementedError (csrc/ops/elementwise.cpp)
def test_bitwise_on_float_is_not_implemented_error():
    same(lambda L: L.bitwise_and(L.ones(2), L.ones(2)))
    same(lambda L: L.bitwise_xor(L.ones(2, dtype=L.float64), 1))


# maximum/minimum/atan2/logical_* took a Python number for `other`; torch raises TypeError
@pytest.mark.parametrize("name", ["maximum", "minimum", "atan2", "logical_and", "logical_or", "logical_xor"])
def test_tensor_only_binary_ops_reject_numbers(name):
    assert outcome(lambda L: getattr(L, name)(L.ones(2), 2.0), mag)[0] == "TypeError"
    assert outcome(lambda L: getattr(L, name)(L.ones(2), 2.0), torch)[0] == "TypeError"
