"""The CPU kernels' fast paths give the same values as the paths they shortcut.

- map_elements' contiguous loops (vectorised), its stride-0 operand loops and in-place
  aliasing (out == an input) against torch, bit for bit (IEEE add/mul/div are exact per
  element), at sizes around the parallel grain and vector widths;
- the fused sigmoid/tanh backward kernels against the composite formula that a recorded
  (create_graph) backward uses: identical bits;
- matrix products split over the pool's threads (rows of C, or whole matrices of a batch, or
  a product's two input gradients side by side) against the single-threaded product:
  identical bits; and against torch within tolerance.
"""
import numpy as np
import pytest
import torch

import myautograd as mag

SIZES = [1, 3, 7, 8, 9, 17, 1000, 32767, 32768, 32769, 100003]


def _pair(shape, seed, dtype="float32"):
    t = torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=getattr(torch, dtype))
    return t, mag.from_numpy(t.numpy().copy())


def _same(t, m):
    assert t.dtype == getattr(torch, str(m.dtype).split(".")[1])
    np.testing.assert_array_equal(m.numpy(), t.numpy())


@pytest.fixture
def threads():
    saved = mag.get_num_threads()
    yield mag.set_num_threads
    mag.set_num_threads(saved)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", ["add", "mul", "sub", "div"])
def test_binary_contiguous_and_stride0_operands_match_torch(n, op):
    ta, ma = _pair((n,), n)
    tb, mb = _pair((n,), n + 1)
    f = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
         "div": lambda a, b: a / b}[op]
    _same(f(ta, tb), f(ma, mb))                                  # both contiguous
    _same(f(ta, tb[:1].expand(n)), f(ma, mb[:1].expand(n)))      # second operand stride 0
    _same(f(ta[:1].expand(n), tb), f(ma[:1].expand(n), mb))      # first operand stride 0
    _same(f(ta, 2.5), f(ma, 2.5))                                # wrapped number
    _same(f(3.0, tb), f(3.0, mb))


@pytest.mark.parametrize("n", [9, 32769])
def test_in_place_ops_alias_their_output(n):
    ta, ma = _pair((n,), 1)
    tb, mb = _pair((n,), 2)
    ta.mul_(tb), ma.mul_(mb)
    _same(ta, ma)
    ta.add_(ta), ma.add_(ma)
    _same(ta, ma)
    ta.sigmoid_(), ma.sigmoid_()
    assert np.abs(ma.numpy() - ta.numpy()).max() <= 1.2e-7   # 1 ulp: torch's exp is Sleef


@pytest.mark.parametrize("n", [5, 32769])
def test_copy_and_fill_of_a_stride0_source(n):
    t, m = _pair((1,), 3)
    _same(t.expand(n).clone(), m.expand(n).clone())
    _same(t.expand(n, 3).contiguous(), m.expand(n, 3).contiguous())
    _same(t.double().expand(n).float(), m.double().expand(n).float())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", ["sigmoid", "tanh"])
@pytest.mark.parametrize("upstream", ["random", "expanded"])
def test_fused_backward_equals_the_recorded_composite(dtype, fn, upstream):
    n = 40000
    _, x = _pair((n,), 5, dtype)
    x.requires_grad_()
    _, g = _pair((n,), 6, dtype)
    if upstream == "expanded":
        g = g[:1].expand(n)
    y = getattr(x, fn)()
    fused, = mag.autograd.grad(y, x, g, retain_graph=True)
    composite, = mag.autograd.grad(y, x, g, create_graph=True)
    assert composite.grad_fn is not None
    np.testing.assert_array_equal(fused.numpy(), composite.detach().numpy())
    # and against torch (torch's sigmoid/tanh differ from ours by an ulp)
    tx = torch.from_numpy(x.detach().numpy()).requires_grad_()
    tg = torch.from_numpy(g.contiguous().numpy())
    tgrad, = torch.autograd.grad(getattr(tx, fn)(), tx, tg)
    np.testing.assert_allclose(fused.numpy(), tgrad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shapes,transpose", [
    (((300, 200), (200, 100)), ""), (((200, 300), (200, 100)), "a"), (((200, 300), (100, 200)), "ab"),
    (((1000, 64), (70, 64)), "b"), (((33, 257), (257, 65)), ""), (((257, 129), (129, 131)), ""),
    (((513, 200), (513, 67)), "a"), (((1024, 256), (256, 256)), "b"),
])
def test_matmul_split_over_threads_matches_one_thread(threads, dtype, shapes, transpose):
    (sa, sb) = shapes
    ta, ma = _pair(sa, 7, dtype)
    tb, mb = _pair(sb, 8, dtype)
    if "a" in transpose:
        ta, ma = ta.t(), ma.t()
    if "b" in transpose:
        tb, mb = tb.t(), mb.t()
    threads(1)
    one = (ma @ mb).numpy()
    threads(2)
    two = (ma @ mb).numpy()
    np.testing.assert_array_equal(one, two)
    tol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(two, (ta @ tb).numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("batch", [1, 2, 7])
def test_bmm_split_over_threads_matches_one_thread(threads, batch):
    ta, ma = _pair((batch, 96, 80), 9)
    tb, mb = _pair((batch, 80, 72), 10)
    threads(1)
    one = mag.bmm(ma, mb).numpy()
    threads(2)
    two = mag.bmm(ma, mb).numpy()
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(two, torch.bmm(ta, tb).numpy(), rtol=1e-4, atol=1e-4)


def test_matmul_backward_of_a_sum_matches_torch():
    ta, ma = _pair((130, 120), 11)
    tb, mb = _pair((120, 110), 12)
    for t in (ta, tb, ma, mb):
        t.requires_grad_()
    (ta @ tb).sum().backward()
    (ma @ mb).sum().backward()
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mb.grad.numpy(), tb.grad.numpy(), rtol=1e-4, atol=1e-4)


def _product_grads(op, ma, mb, mg, mbias=None, create_graph=False):
    for t in (ma, mb, mbias):
        if t is not None:
            t.grad = None
    out = op(ma, mb) if mbias is None else op(mbias, ma, mb, beta=0.5, alpha=1.5)
    out.backward(mg, create_graph=create_graph)
    return ma.grad.detach().numpy().copy(), mb.grad.detach().numpy().copy()


# A product's two input gradients run side by side when both are large and of similar size
# (one whole BLAS call per thread; kernels/cpu/linalg.cpp cpu_bmm_pair), else one after the
# other, each split over the threads. Either way the bits of a one-thread run, and torch's
# values; a recorded backward (create_graph) takes the sequential path.
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sa,sb,transpose_a", [
    ((256, 192), (192, 224), False), ((192, 256), (192, 224), True), ((40, 1000), (1000, 30), False),
    ((700, 64), (64, 3), False), ((9, 5), (5, 7), False),
])
@pytest.mark.parametrize("op", ["mm", "addmm"])
def test_matmul_input_grads_side_by_side_match_one_thread_and_torch(threads, dtype, sa, sb, transpose_a, op):
    ta, ma = _pair(sa, 21, dtype)
    tb, mb = _pair(sb, 22, dtype)
    if transpose_a:
        ta, ma = ta.t(), ma.t()
    m, n = ta.shape[0], tb.shape[1]
    tg, mg = _pair((m, n), 23, dtype)
    tbias, mbias = _pair((m, n), 24, dtype) if op == "addmm" else (None, None)
    for t in (ta, tb, ma, mb):
        t.requires_grad_()
    mop = getattr(mag, op)
    threads(1)
    one = _product_grads(mop, ma, mb, mg, mbias)
    threads(2)
    two = _product_grads(mop, ma, mb, mg, mbias)
    recorded = _product_grads(mop, ma, mb, mg, mbias, create_graph=True)
    for x, y, z in zip(one, two, recorded):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    tref = _product_grads(getattr(torch, op), ta, tb, tg, tbias)
    tol = 1e-4 if dtype == "float32" else 1e-12
    for x, y in zip(two, tref):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


# torch's mm_mat1_backward / mm_mat2_backward: an input stored column-major (a transposed
# leaf, e.g. Linear's weight.t()) gets its gradient in that layout, so the leaf's .grad has
# torch's strides (and is taken without a copy); values as torch's.
@pytest.mark.parametrize("op,alpha", [("mm", 1), ("addmm", 1), ("addmm", 1.5)])
@pytest.mark.parametrize("transposed", ["", "a", "b", "ab"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_matmul_input_grads_take_the_inputs_layout_like_torch(op, alpha, transposed, create_graph):
    def grads(lib, seed):
        gen = np.random.default_rng(seed)
        def leaf(*shape):
            return lib.tensor(gen.standard_normal(shape)).requires_grad_()
        big_a, big_b = leaf(6, 4), leaf(5, 6)
        a = big_a.t() if "a" in transposed else leaf(4, 6)
        b = big_b.t() if "b" in transposed else leaf(6, 5)
        up = lib.tensor(gen.standard_normal((4, 5)))
        out = lib.mm(a, b) if op == "mm" else lib.addmm(lib.tensor(gen.standard_normal((4, 5))), a, b, alpha=alpha)
        out.backward(up, create_graph=create_graph)
        leaves = (big_a if "a" in transposed else a, big_b if "b" in transposed else b)
        return [(x.grad.stride(), x.grad.detach().numpy()) for x in leaves]
    for (ts, tv), (ms, mv) in zip(grads(torch, 5), grads(mag, 5)):
        assert ms == ts
        np.testing.assert_allclose(mv, tv, rtol=1e-12, atol=1e-12)


def test_large_blocks_reused_after_free_hold_new_values():
    # freed large storages are cached and handed out again: a new tensor must not see stale
    # state through its own API (values are whatever the op writes), and bytes in use return
    before = mag._C._cpu_bytes_in_use()
    a = mag.full((1 << 20,), 3.0)
    del a
    b = mag.zeros(1 << 20)
    assert float(b.sum()) == 0.0
    c = mag.ones(1 << 20) * 2
    assert float(c.sum()) == 2.0 * (1 << 20)
    del b, c
    assert mag._C._cpu_bytes_in_use() <= before


@pytest.mark.parametrize("n", [3, 40000])
def test_integer_division_by_zero_in_a_contiguous_row_raises_like_torch(n):
    # the vectorised (omp simd) rows are only used for float inputs: an exception thrown
    # inside one would terminate the process instead of reaching Python
    for lib in (torch, mag):
        a = lib.arange(n)
        b = lib.ones(n, dtype=lib.int64)
        b[n // 2] = 0
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            a // b
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            a % b
