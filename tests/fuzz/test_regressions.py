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


# ---- gaps the fuzzer used to skip (_harness.KNOWN), fixed in csrc/ops and myautograd/_ops.py ----

# bool inputs torch refuses: kernels it does not build for bool, and sub/neg with a bool operand
# (the bool pow/floor_divide/remainder/fmod kernels left the output unwritten)
@pytest.mark.parametrize("fn", [
    lambda L: L.abs(L.tensor([True, False])), lambda L: L.tensor([True]).abs_(),
    lambda L: L.relu(L.tensor([True, False])), lambda L: L.tensor([True]).relu_(),
    lambda L: L.floor(L.tensor([True])), lambda L: L.ceil(L.tensor([True])),
    lambda L: L.round(L.tensor([True])), lambda L: L.trunc(L.tensor([True])).dtype,
    lambda L: L.tensor([True]).neg_(), lambda L: -L.tensor([True]), lambda L: L.tensor([True]).square_(),
    lambda L: L.tensor([True]).sqrt_(), lambda L: L.tensor([True]).exp_(),
    lambda L: L.sub(L.tensor([True]), L.tensor([2])), lambda L: L.tensor([3]) - True,
    lambda L: True - L.tensor([3]), lambda L: L.tensor([True]) - 2.5, lambda L: L.tensor([3]).sub_(False),
    lambda L: L.floor_divide(L.tensor([True]), L.tensor([True])), lambda L: L.tensor([True]) // True,
    lambda L: L.remainder(L.tensor([True]), True), lambda L: L.tensor([True]) % L.tensor([True]),
    lambda L: L.fmod(L.tensor([True]), L.tensor([True])), lambda L: L.tensor([True]).fmod_(True),
    lambda L: L.pow(L.tensor([True]), L.tensor([True])), lambda L: True ** L.tensor([True, False]),
    lambda L: L.tensor([True]).atan2_(L.tensor([True])),
])
def test_bool_inputs_torch_refuses(fn):
    same(fn)


# pow(Tensor, Scalar): exponent 0/False fills ones and 1/True copies before any kernel (so a
# bool tensor works); a negative integer exponent of an integer or bool tensor is an error
@pytest.mark.parametrize("e", [0, 1, True, False, 0.0, 1.0, 2, -1, 2.5])
@pytest.mark.parametrize("dt", ["bool", "int64", "uint8", "float32"])
def test_pow_trivial_and_negative_exponents(e, dt):
    same(lambda L: L.tensor([1, 0, 3]).to(getattr(L, dt)) ** e)
    same(lambda L: L.tensor([1, 0, 3]).to(getattr(L, dt)).pow_(e))
    same(lambda L: L.tensor([float("nan"), 0.0]) ** e)


# integer / bool inputs to the float-only reductions (softmax's kernel name depends on the dim)
@pytest.mark.parametrize("fn", [
    lambda L: L.softmax(L.ones(2, 3, dtype=L.int64), 1), lambda L: L.softmax(L.ones(2, 3, dtype=L.int64), 0),
    lambda L: L.log_softmax(L.ones(3, dtype=L.uint8), 0), lambda L: L.log_softmax(L.ones(2, 3, dtype=L.bool), 0),
    lambda L: L.softmax(L.ones(2, 0, dtype=L.int64), 1), lambda L: L.softmax(L.tensor(2), 0),
    lambda L: L.var(L.ones(3, dtype=L.int64)), lambda L: L.std(L.ones(2, 3, dtype=L.bool), 0),
    lambda L: L.norm(L.ones(3, dtype=L.int64)), lambda L: L.ones(2, 2, dtype=L.int8).norm(dim=0),
    lambda L: L.logsumexp(L.ones(2, 3, dtype=L.int64), 1),
])
def test_integer_input_to_float_reductions(fn):
    same(fn)


# softmax / log_softmax / logsumexp over an empty dim: empty result and -inf, not an amax error;
# argmax names itself in the empty-dim error
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp", "argmax", "argmin"])
@pytest.mark.parametrize("shape,dim", [((2, 0), 1), ((0, 3), 0), ((0, 3), 1), ((0,), 0)])
def test_reductions_over_empty_dims(name, shape, dim):
    same(lambda L: getattr(L, name)(L.ones(shape), dim))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("shape", [(2,), (), (0,), (2, 0)])
def test_argmax_of_bool_is_refused(name, shape):
    same(lambda L: getattr(L, name)(L.ones(shape, dtype=L.bool)))
    same(lambda L: getattr(L, name)(L.ones(shape, dtype=L.bool), 0))


def test_softmax_of_empty_has_a_gradient_node():
    def g(L):
        x = L.ones(2, 0, requires_grad=True)
        y = L.softmax(x, 1)
        return y.grad_fn.name(), L.autograd.grad(y.sum(), x)[0].shape
    assert g(mag) == g(torch)


# split / chunk of a 0-d tensor, chunks <= 0, split_size 0, and chunk of an empty dim (torch
# returns `chunks` empty pieces)
@pytest.mark.parametrize("fn", [
    lambda L: L.split(L.tensor(1.0), 1, 0), lambda L: L.tensor(1.0).chunk(2), lambda L: L.chunk(L.tensor(1.0), 1, 0),
    lambda L: L.ones(3).chunk(0), lambda L: L.ones(3).chunk(-1), lambda L: L.ones(3).split(0),
    lambda L: L.ones(0).split(0), lambda L: L.ones(3).split(-2), lambda L: L.ones(3).split(2, 1),
    lambda L: L.ones(3).chunk(2, -2), lambda L: L.ones(0, 3).chunk(2), lambda L: L.ones(2, 0).chunk(3, 1),
    lambda L: L.ones(0, 3).chunk(1), lambda L: L.ones(0, 3).split(2), lambda L: L.ones(5, 2).chunk(3),
    lambda L: L.ones(7).split(3), lambda L: L.ones(6).chunk(4),
])
def test_split_chunk_edge_cases(fn):
    def pieces(L):
        r = fn(L)
        return [outcome(lambda _: p, L) for p in r] if isinstance(r, tuple) else r
    assert outcome(pieces, mag) == outcome(pieces, torch)


def test_chunk_of_empty_dim_grad_fn():
    def g(L):
        return [p.grad_fn.name() for p in L.ones(0, 3, requires_grad=True).chunk(2)]
    assert g(mag) == g(torch)


# outer takes only 1-D operands
@pytest.mark.parametrize("a,b", [((2,), ()), ((2, 2), (2,)), ((2,), (1, 2)), ((0,), (3,)), ((), ())])
def test_outer_needs_1d(a, b):
    same(lambda L: L.outer(L.ones(a), L.ones(b)))
    same(lambda L: L.ones(a).outer(L.ones(b)))


# matrix products of mixed dtypes: torch's per-op texts, and bmm of an empty product (no kernel
# runs, batch2's dtype)
@pytest.mark.parametrize("fn", [
    lambda L: L.bmm(L.ones(1, 3, 2, dtype=L.float64), L.ones(1, 2, 4)),
    lambda L: L.bmm(L.ones(0, 3, 2, dtype=L.float64), L.ones(0, 2, 4)),
    lambda L: L.bmm(L.ones(1, 3, 0), L.ones(1, 0, 4, dtype=L.float64)),
    lambda L: L.mv(L.ones(3, 2, dtype=L.float64), L.ones(2)), lambda L: L.mv(L.ones(0, 2), L.ones(2, dtype=L.float64)),
    lambda L: L.dot(L.ones(0, dtype=L.float64), L.ones(0)), lambda L: L.mm(L.ones(0, 2), L.ones(2, 3, dtype=L.float64)),
    lambda L: L.matmul(L.ones(2, 3, 2), L.ones(2, 2, 4, dtype=L.float64)),
])
def test_mixed_dtype_matrix_products(fn):
    same(fn)


# addmm of integer tensors truncates a float beta / alpha (no promotion)
@pytest.mark.parametrize("beta,alpha", [(0.5, 2), (1, 2.5), (3, 2), (-1.5, 0.9)])
def test_addmm_int_with_float_scalars(beta, alpha):
    same(lambda L: L.addmm(L.tensor([1, 2]), L.tensor([[1, 2], [3, 4]]), L.tensor([[5, 6], [7, 8]]), beta=beta, alpha=alpha))


# all / any of uint8 keep uint8 (torch's legacy rule)
@pytest.mark.parametrize("dt", ["uint8", "int8", "bool", "float32"])
def test_all_any_result_dtype(dt):
    for f in ("all", "any"):
        same(lambda L: getattr(L, f)(L.tensor([[1, 0, 2]]).to(getattr(L, dt))))
        same(lambda L: getattr(L, f)(L.tensor([[1, 0, 2]]).to(getattr(L, dt)), 1))
        same(lambda L: getattr(L.ones(0, 2).to(getattr(L, dt)), f)(0))


# a Python number that does not fit the tensor's dtype (fill_, full, masked_fill, clamp bounds):
# torch's checked conversion; and ints beyond 64 bits are an OverflowError
@pytest.mark.parametrize("dt", ["uint8", "int8", "int16", "int32", "int64", "float32", "bool"])
@pytest.mark.parametrize("v", [300, -129, -255, -256, 2**31, -1.0, -0.5, 300.7, 1e40, float("nan"), float("inf"), 2**64, -2**63 - 1])
def test_out_of_range_python_numbers(dt, v):
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)).fill_(v))
    same(lambda L: L.full((2,), v, dtype=getattr(L, dt)))
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)).masked_fill(L.tensor([True, False]), v))
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)).masked_fill_(L.tensor([True, False]), v))
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)).clamp(max=v))
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)) + v)
    same(lambda L: L.tensor([1, 2]).to(getattr(L, dt)) == v)


# gather: torch's shape check (skipped for an empty index; 0-d counts as 1-d) and no negative
# indices; a 0-d result of a 1-d input read an uninitialised coordinate
@pytest.mark.parametrize("fn", [
    lambda L: L.gather(L.ones(2, 3), 1, L.zeros(3, 3, dtype=L.int64)),
    lambda L: L.gather(L.ones(2, 3), 0, L.zeros(2, 5, dtype=L.int64)),
    lambda L: L.gather(L.ones(2, 3), 1, L.zeros(2, 5, dtype=L.int64)),
    lambda L: L.gather(L.ones(2, 3), 1, L.tensor([0, 1])), lambda L: L.gather(L.ones(2, 3), 1, L.zeros(0, dtype=L.int64)),
    lambda L: L.gather(L.ones(2, 3), 1, L.zeros(2, 0, dtype=L.int64)), lambda L: L.gather(L.tensor(1.0), 0, L.tensor(0)),
    lambda L: L.gather(L.tensor([1.0, 2.0, 3.0]), 0, L.tensor(2)), lambda L: L.gather(L.tensor(1.5), 0, L.tensor([0, 0, 0])),
    lambda L: L.gather(L.ones(3), 0, L.tensor([-1])), lambda L: L.gather(L.ones(3), 0, L.tensor([3])),
    lambda L: L.ones(3).scatter(0, L.tensor([-1]), L.tensor([5.0])),
])
def test_gather_shape_and_index_checks(fn):
    same(fn)


# var / std gradient where the variance is 0 (std: torch masks to 0), and of a single element
@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("x,kw", [([2.0, 2.0, 2.0], {}), ([[2.0, 2.0], [1.0, 3.0]], {"dim": 1}), ([2.0], {}),
                                  ([2.0, 2.0], {"correction": 0}), ([5.0], {"correction": 0})])
def test_var_std_grad_at_zero_variance(name, x, kw):
    def g(L):
        t = L.tensor(x, requires_grad=True)
        y = getattr(L, name)(t, **kw)
        y.backward(L.ones_like(y) * 1.5)
        return str(y.tolist()), str(t.grad.tolist())
    assert g(mag) == g(torch)


# linspace: torch's kernel (first half from start, second from end, a fused multiply-add each)
def test_linspace_bit_exact():
    rng = np.random.default_rng(3)
    for dt in ["float32", "float64", "int64", "uint8"]:
        for _ in range(60):
            a, b = rng.uniform(-1000, 1000, 2) * 10 ** rng.uniform(-3, 1)
            if dt == "uint8":
                a, b = abs(a) % 250, abs(b) % 250
            n = int(rng.integers(1, 400))
            t = torch.linspace(a, b, n, dtype=getattr(torch, dt)).numpy()
            m = mag.linspace(a, b, n, dtype=getattr(mag, dt)).numpy()
            assert np.array_equal(t, m), (dt, a, b, n)


# floor_divide has no derivative: torch's node is torch::autograd::NotImplemented
def test_floor_divide_backward_not_implemented():
    def g(L):
        x = L.tensor([3.5, -2.0], requires_grad=True)
        y = x // 2.0
        try:
            L.autograd.grad(y.sum(), x)
        except RuntimeError as e:
            return y.grad_fn.name(), str(e)
    assert g(mag) == g(torch)


# fill_ on a non-leaf: torch names fill_.Scalar FillBackward2 and fill_.Tensor FillBackward3; the
# tensor value gets grad.sum() and self's old values zeros
def test_fill_on_non_leaf_names_and_grads():
    def g(L, value):
        x = L.ones(3, requires_grad=True)
        y = x * 2
        y.fill_(value(L))
        (y * L.tensor([1.0, 2.0, 3.0])).sum().backward()
        v = value(L)
        return y.grad_fn.name(), str(x.grad.tolist()), getattr(v, "grad", None) is None
    for value in (lambda L: 2.0, lambda L: L.tensor(3.0), lambda L: 7):
        assert g(mag, value) == g(torch, value)

    def gv(L):
        x = L.ones(3, requires_grad=True)
        v = L.tensor(3.0, requires_grad=True)
        y = x * 2
        y.fill_(v)
        (y * L.tensor([1.0, 2.0, 3.0])).sum().backward()
        return y.grad_fn.name(), x.grad.tolist(), v.grad.item()
    assert gv(mag) == gv(torch)


# Tensor._base: the tensor a view was made from (the root of a chain), None for non-views
def test_tensor_base():
    def g(L):
        x = L.ones(2, 3)
        v = x[0]
        return (x._base is None, v._base is x, v[1:]._base is x, x.t()._base is x, x.reshape(6)._base is x,
                x.clone()._base is None, x.detach()._base is None, x.view(3, 2)._base is x,
                x.unsqueeze(0)._base is x, (x * 2)._base is None, x.contiguous()._base is None)
    assert g(mag) == g(torch)


# ---- found by the long fuzz run (15 minutes), fixed ----

# addmm of integer tensors with an empty inner dim: torch computes result.mul_(beta), so a float
# beta is a cast error there
@pytest.mark.parametrize("beta", [0.5, 2, 0, 0.0, 2.0])
@pytest.mark.parametrize("shapes", [((1,), (4, 0), (0, 1)), ((1,), (4, 2), (2, 1)), ((1,), (0, 0), (0, 1))])
def test_addmm_int_empty_inner_dim(beta, shapes):
    a, b, c = shapes
    same(lambda L: L.addmm(L.ones(a, dtype=L.int64), L.ones(b, dtype=L.int64), L.ones(c, dtype=L.int64), beta=beta))


# clamp of bool (no kernel) and clamp_ whose bounds promote past self's dtype (torch's cast
# error, worded with the C++ type name)
@pytest.mark.parametrize("lo,hi", [(-1, 1), (True, None), (None, False), (True, True), (0, 1), (0.5, None), (None, 2)])
@pytest.mark.parametrize("dt", ["bool", "int8", "float32"])
def test_clamp_dtype_rules(lo, hi, dt):
    same(lambda L: L.tensor([1, 0]).to(getattr(L, dt)).clamp(lo, hi))
    same(lambda L: L.tensor([1, 0]).to(getattr(L, dt)).clamp_(lo, hi))


# index_select along dim 1 checks indices in torch's kernel (its RuntimeError wording)
@pytest.mark.parametrize("shape", [(2,), (2, 2), (2, 2, 2), (3, 2, 2, 2), (0, 3), (2, 3, 0)])
@pytest.mark.parametrize("idx", [[-1], [5], [0, 5]])
def test_index_select_out_of_range_wording(shape, idx):
    for d in range(len(shape)):
        same(lambda L: L.ones(shape).index_select(d, L.tensor(idx)))
        same(lambda L: L.ones(shape).transpose(0, -1).index_select(d, L.tensor(idx)))


# pow of an integer tensor: the integer exponent must fit the tensor's dtype
@pytest.mark.parametrize("dt", ["int8", "int32", "int64", "uint8", "bool", "float32"])
@pytest.mark.parametrize("e", [2**40, 300, -300, 2**31, 3])
def test_pow_integer_exponent_range(dt, e):
    same(lambda L: L.pow(L.tensor([1, 2]).to(getattr(L, dt)), e))


# the legacy constructor: torch.Tensor(sizes / torch.Size / data / tensor) and its errors
@pytest.mark.parametrize("args", [(), (0,), (2, 3), (4,), ([1, 2],), ((1, 2),), ([[1], [2]],), ([],), ([1.5, 2],),
                                  ([True],), (2.5,), (-1,), (2, -3), ("a",), (2, 3.0), (3, [1])])
def test_legacy_tensor_constructor(args):
    def build(L):
        r = L.Tensor(*args)
        return str(r.dtype), tuple(r.shape), r.tolist() if any(isinstance(a, (list, tuple)) for a in args) else None
    assert outcome(build, mag) == outcome(build, torch)


def test_legacy_tensor_constructor_from_size_tensor_and_array():
    def build(L):
        t = L.tensor([1, 2])
        a = L.Tensor(t)
        x = L.ones(2, requires_grad=True)
        return (tuple(L.Tensor(L.Size([2, 3])).shape), str(a.dtype), a.tolist(), L.Tensor(x).grad_fn.name(),
                L.Tensor(np.ones(2)).tolist(), str(L.Tensor([1]).dtype))
    assert build(mag) == build(torch)


# cat: 1-D empty tensors are skipped (torch's legacy rule); when all are, dim is never wrapped
@pytest.mark.parametrize("fn", [
    lambda L: L.cat([L.ones(2, 3), L.ones(0)], 1), lambda L: L.cat([L.ones(0), L.ones(2, 3)], 1),
    lambda L: L.cat([L.ones(0), L.ones(2, 3)], -1), lambda L: L.cat([L.ones(2, 3), L.ones(0)], 2),
    lambda L: L.cat([L.ones(0), L.ones(0, dtype=L.float64)], 1), lambda L: L.cat([L.ones(0), L.ones(0)], 5),
    lambda L: L.cat([L.ones(0), L.ones(0)], -3), lambda L: L.cat([L.ones(2, 3, dtype=L.int64), L.ones(0)], 1),
    lambda L: L.cat([L.ones(2, 3), L.ones(0, 0)], 1),
])
def test_cat_skips_1d_empty(fn):
    same(fn)


def test_cat_of_only_empty_has_grad():
    def g(L):
        x = L.ones(0, requires_grad=True)
        y = L.cat([x, L.ones(0)], 1)
        return y.grad_fn.name(), tuple(L.autograd.grad(y.sum(), x)[0].shape)
    assert g(mag) == g(torch)


# relu's gradient passes through a nan result (torch's threshold_backward: result <= 0 ? 0 : g)
def test_relu_grad_at_nan():
    def g(L):
        x = L.tensor([float("nan"), -1.0, 0.0, 2.0, -0.0], requires_grad=True)
        L.relu(x).backward(L.tensor([0.5, 1.0, 2.0, 3.0, 4.0]))
        return str(x.grad.tolist())
    assert g(mag) == g(torch)


# 0 ** x: the gradient is zero where x >= 0 (decided on x, not on the result) and grad * -inf
# elsewhere; the zero keeps the upstream gradient's sign
def test_rpow_zero_base_grad():
    def g(L):
        x = L.tensor([1.5, -2.0, 0.0, float("nan"), float("inf"), -float("inf")], requires_grad=True)
        (0 ** x).backward(L.tensor([-0.5, 1.0, 2.0, 3.0, 4.0, 5.0]))
        return str(x.grad.tolist())
    assert g(mag) == g(torch)


# addmm words its operand checks itself ("mat1 must be a matrix, got 1-D tensor")
@pytest.mark.parametrize("a,b", [((2,), (2, 2)), ((2, 2), (2,)), ((), (2, 2)), ((2, 2, 2), (2, 2)), ((0, 0), ())])
def test_addmm_operand_dims(a, b):
    same(lambda L: L.addmm(L.ones(2), L.ones(a), L.ones(b)))
    same(lambda L: L.addmm(L.ones(1, dtype=L.int64), L.ones(a, dtype=L.int64), L.ones(b, dtype=L.int64), beta=0.5))


# ---- known, not fixed (strict xfails: each passes the day the behaviour matches torch) ----

# a subnormal float32 input to norm: torch's gradient is 0 (its vectorised backward treats the
# subnormal norm as 0), ours is x / |x|; found by the long fuzz run
@pytest.mark.xfail(strict=True, reason="norm backward at a subnormal input: torch 0, ours grad * x / norm")
def test_norm_grad_at_subnormal_input():
    def g(L):
        x = L.tensor(9.999999350456404e-39, requires_grad=True)
        L.norm(x, 2, dim=-1, keepdim=True).backward(L.tensor(0.5))
        return x.grad.item()
    assert g(mag) == g(torch)


# a Python int in [2**63, 2**64) is a uint64 Scalar in torch (int64 fill_ rejects it); ours wraps
# it to int64 (Scalar has no unsigned kind)
@pytest.mark.xfail(strict=True, reason="Scalar has no uint64 kind: 2**63 wraps instead of failing the range check")
def test_int64_fill_with_2_pow_63():
    same(lambda L: L.zeros(2, dtype=L.int64).fill_(2**63))


# 1-D @ batched with mixed dtypes and an empty batch: torch reaches addmv's dtype check, our
# folded path returns an empty result
@pytest.mark.xfail(strict=True, reason="matmul's folded 1-D @ batched path skips the dtype check when empty")
def test_matmul_1d_batched_mixed_dtype_empty():
    same(lambda L: L.matmul(L.ones(2, dtype=L.float64), L.ones(0, 2, 4)))


# 2-D @ batched with mixed dtypes, all empty, the batched operand requiring grad: torch returns
# an empty float32 result, our folded (mm) path raises mm's dtype error; found by the second
# long fuzz run
@pytest.mark.xfail(strict=True, reason="matmul's folded 2-D @ batched path (grad) checks dtypes even when empty")
def test_matmul_2d_batched_mixed_dtype_empty_with_grad():
    same(lambda L: L.matmul(L.ones(0, 0, dtype=L.float64), L.ones(0, 0, 0, requires_grad=True)))
