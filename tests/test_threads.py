"""Threads: the GIL is released inside long kernels (another Python thread makes progress while
one big op runs), grad mode is thread-local, two threads training separate models give
bit-identical results to running them one after the other, and concurrent backward on
independent graphs is safe. No timing thresholds: progress is counted, not timed."""
import threading

import numpy as np

import myautograd as mag
import myautograd.nn as nn


def _progress_during(op):
    """Counter increments made by a pure-Python thread while `op()` runs in another thread."""
    started, done = threading.Event(), threading.Event()
    count = [0]

    def spin():
        started.set()
        while not done.is_set():
            count[0] += 1
    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    before = count[0]
    op()
    during = count[0] - before
    done.set()
    t.join()
    return during


def _held_ticks():
    """Ticks a GIL-holding C call (builtin sum over a range) lets through: at most the one
    switch-interval slice the spinner may get as the call starts. The bar for 'released'."""
    return max(10_000, max(_progress_during(lambda: sum(range(2_000_000))) for _ in range(3)))


def test_gil_released_in_big_matmul():
    # With the GIL held through the product the spinner gets about one slice (as the control);
    # released, it runs for the whole product: far more increments.
    a, b = mag.randn(2500, 2500), mag.randn(2500, 2500)
    ref = _held_ticks()
    ticks = max(_progress_during(lambda: a @ b) for _ in range(2))
    assert ticks > 4 * ref, (ticks, ref)


def test_gil_released_in_big_elementwise():
    x = mag.randn(16_000_000)
    ref = _held_ticks()
    ticks = max(_progress_during(lambda: (x.exp(), x * x, x.sum())) for _ in range(2))
    assert ticks > 4 * ref, (ticks, ref)


def test_gil_released_in_big_recording_matmul():
    # recording ops release the GIL inside the kernel too (Note [GIL release] in
    # kernels/cpu/parallel.h: only the kernel's raw-pointer loops run without it; recording
    # and handle copies keep it), so the spinner runs for the whole product
    w = mag.randn(2500, 2500, requires_grad=True)
    ref = _held_ticks()
    results = []
    ticks = max(_progress_during(lambda: results.append(w @ w)) for _ in range(2))
    assert ticks > 4 * ref, (ticks, ref)
    assert type(results[-1].grad_fn).__name__ == "MmBackward0"


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["thread_enabled"] = mag.is_grad_enabled()
        seen["records"] = (mag.ones(2, requires_grad=True) * 2).requires_grad
    with mag.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["main"] = (mag.ones(2, requires_grad=True) * 2).requires_grad
    assert seen == {"thread_enabled": True, "records": True, "main": False}


def test_modes_stay_per_thread_after_a_thread_ends_with_them_set():
    # grad mode and inference mode are read without a thread-local lookup while no thread has
    # them set (core/thread_flag.h); a thread that ends with both set must not leak them
    def leave_set():
        mag.set_grad_enabled(False)
        mag.inference_mode().__enter__()
        assert not mag.is_grad_enabled() and mag.is_inference_mode_enabled()
    t = threading.Thread(target=leave_set)
    t.start()
    t.join()
    assert mag.is_grad_enabled() and not mag.is_inference_mode_enabled()
    y = mag.ones(2, requires_grad=True) * 2
    assert y.requires_grad and not y.is_inference()
    with mag.no_grad():
        assert (mag.ones(2, requires_grad=True) * 2).requires_grad is False
    with mag.inference_mode():
        assert mag.ones(2).is_inference()
    assert mag.is_grad_enabled() and not mag.ones(2).is_inference()


def _train(seed, steps=150):
    g = mag.Generator().manual_seed(seed)
    w1 = mag.randn(6, 16, generator=g).requires_grad_()
    w2 = mag.randn(16, 1, generator=g).requires_grad_()
    x, y = mag.randn(32, 6, generator=g), mag.randn(32, 1, generator=g)
    opt = mag.optim.SGD([w1, w2], lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = (((x @ w1).tanh() @ w2 - y) ** 2).mean()
        loss.backward()
        opt.step()
    return w1.detach().numpy().copy(), w2.detach().numpy().copy(), loss.item()


def test_two_threads_training_match_sequential_bitwise():
    seq = [_train(1), _train(2)]
    par = [None, None]

    def run(i):
        par[i] = _train(i + 1)
    ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for s, p in zip(seq, par):
        assert np.array_equal(s[0], p[0]) and np.array_equal(s[1], p[1]) and s[2] == p[2]


def test_concurrent_backward_on_independent_graphs():
    errors, grads = [], {}

    def run(i):
        try:
            for _ in range(50):
                x = mag.full((300,), float(i + 1), requires_grad=True)
                y = (x * x).sin().sum() + (x.exp() * 0).sum()
                y.backward()
            grads[i] = x.grad.detach().numpy().copy()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    ts = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    for i in range(4):
        v = float(i + 1)
        np.testing.assert_allclose(grads[i], np.full(300, 2 * v * np.cos(v * v), np.float32), rtol=1e-5)


def test_concurrent_module_forward_backward():
    mag.manual_seed(0)
    models = [nn.Linear(32, 32) for _ in range(3)]
    x = mag.randn(64, 32)
    ref = []
    for m in models:
        m.zero_grad()
        m(x).square().sum().backward()
        ref.append(m.weight.grad.numpy().copy())
    out = [None] * 3

    def run(i):
        models[i].zero_grad()
        for _ in range(20):
            models[i].zero_grad()
            models[i](x).square().sum().backward()
        out[i] = models[i].weight.grad.numpy().copy()
    ts = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for r, o in zip(ref, out):
        assert np.array_equal(r, o)


def test_shared_tensors_across_threads_while_kernels_release_the_gil():
    # Handles' reference counts are not atomic (core/rc.h): this is safe only because no
    # handle is copied or dropped while the GIL is released. Two threads hammer the same
    # leaves, one with big products (GIL released inside the kernel), one with tiny recorded
    # ops and views of the same tensors; counts stay exact, so everything frees and the
    # gradients equal the sequential ones.
    mag.manual_seed(0)
    big = mag.randn(700, 700, requires_grad=True)
    scale = mag.randn(1, requires_grad=True)
    errors = []

    def big_products():
        try:
            for _ in range(6):
                (big @ big).sum().backward()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def tiny_ops():
        try:
            for _ in range(3000):
                v = big[0, :4]
                (v * scale + scale).sum().backward()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=big_products), threading.Thread(target=tiny_ops)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    got_big, got_scale = big.grad.clone(), scale.grad.clone()

    big.grad, scale.grad = None, None
    big_products()
    tiny_ops()
    np.testing.assert_allclose(got_big.numpy(), big.grad.numpy(), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(got_scale.numpy(), scale.grad.numpy(), rtol=1e-5)
    bytes_before = mag._C._cpu_bytes_in_use()
    del got_big, got_scale
    big.grad, scale.grad = None, None
    assert mag._C._cpu_bytes_in_use() < bytes_before
