"""The autograd engine against torch 2.13: accumulation, retain_graph, create_graph, hooks,
autograd.grad, backward(inputs=...), ready order, grad modes across threads, error texts.

Every scenario is one function `scenario(lib)` run with real torch and with myautograd; the
values it returns (numbers, lists, names, messages) must be equal. Leak and long-chain tests
at the end check that graphs are freed by reference counting alone (gc disabled).
"""
import gc
import sys
import threading
import weakref

import numpy as np
import pytest
import torch

import myautograd as mag

RNG = np.random.default_rng(1234)


def data(*shape):
    return RNG.standard_normal(shape).tolist()


def both(scenario, *args):
    """Run scenario(lib, *args) on both libraries; return (torch_result, myautograd_result)."""
    return scenario(torch, *args), scenario(mag, *args)


def same(scenario, *args):
    theirs, ours = both(scenario, *args)
    assert_same(_plain(ours), _plain(theirs))


def assert_same(ours, theirs, path="result"):
    """Same structure; floats within float32 tolerance; everything else exactly equal."""
    if isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), path
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_same(o, t, f"{path}[{i}]")
    elif isinstance(theirs, float):
        assert ours == pytest.approx(theirs, rel=1.3e-6, abs=1e-5), path
    else:
        assert ours == theirs, path


def _plain(x):
    if hasattr(x, "tolist") and not isinstance(x, (list, tuple)):
        return x.detach().tolist()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def error_of(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type and text are what is compared
        return type(e).__name__, str(e)
    return None


def same_error(fn):
    theirs, ours = error_of(fn, torch), error_of(fn, mag)
    assert theirs is not None, "torch did not raise: the scenario is wrong"
    assert ours == theirs


# ---- accumulation and retain_graph --------------------------------------------------------

X3 = data(3)
W23 = data(2, 3)
G2 = data(2)


def test_accumulates_across_backward_calls():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        for k in range(3):
            ((x * x).sum() * (k + 1)).backward()
        return x.grad
    same(s)


def test_accumulation_from_several_paths_into_one_leaf():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y = x.exp()
        z = (y * x + y.sin() + x).sum() + (x * 3).prod()
        z.backward()
        return x.grad
    same(s)



def _grad_storage_reuse(lib, keep_a_reference):
    """AccumulateGrad takes a fresh gradient nobody else holds as .grad (no copy), as torch does."""
    seen = []

    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, go):
            r = go * 5
            seen.append((r.data_ptr(), r if keep_a_reference else None))
            return r
    x = lib.randn(1000, requires_grad=True)
    Scale.apply(x).sum().backward()
    return x.grad.data_ptr() == seen[-1][0]


@pytest.mark.parametrize("keep_a_reference", [False, True])
def test_accumulate_grad_steals_a_fresh_gradient_like_torch(keep_a_reference):
    assert _grad_storage_reuse(mag, keep_a_reference) == _grad_storage_reuse(torch, keep_a_reference)

def test_retain_graph_allows_a_second_backward():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y = (x.tanh() * x).sum()
        y.backward(retain_graph=True)
        first = x.grad.clone()
        y.backward()
        return first, x.grad
    same(s)


def test_second_backward_without_retain_graph_fails():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    same_error(s)


def test_non_leaf_grad_is_none_unless_retained():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        h = x * 2
        k = h * h
        k.retain_grad()
        (k * x).sum().backward()
        return k.retains_grad, h.retains_grad, k.grad, x.grad
    same(s)


# ---- gradients with random upstream gradients, backward(inputs=...), autograd.grad ---------

def test_backward_with_random_upstream_gradient():
    def s(lib):
        w = lib.tensor(W23, requires_grad=True)
        x = lib.tensor(X3, requires_grad=True)
        y = (w @ x).sigmoid()
        y.backward(lib.tensor(G2))
        return w.grad, x.grad
    same(s)


def test_backward_inputs_restricts_accumulation():
    def s(lib):
        w = lib.tensor(W23, requires_grad=True)
        x = lib.tensor(X3, requires_grad=True)
        (w @ x).pow(2).sum().backward(inputs=[x])
        return w.grad is None, x.grad
    same(s)


def test_autograd_grad_with_grad_outputs_does_not_touch_dot_grad():
    def s(lib):
        w = lib.tensor(W23, requires_grad=True)
        x = lib.tensor(X3, requires_grad=True)
        y = (w @ x).tanh()
        gw, gx = lib.autograd.grad(y, (w, x), grad_outputs=lib.tensor(G2))
        return gw, gx, w.grad is None, x.grad is None
    same(s)


def test_autograd_grad_allow_unused():
    def s(lib):
        a = lib.tensor(X3, requires_grad=True)
        b = lib.tensor(X3, requires_grad=True)
        ga, gb = lib.autograd.grad((a * a).sum(), (a, b), allow_unused=True)
        return ga, gb is None
    same(s)


def test_autograd_grad_unused_input_error():
    def s(lib):
        a = lib.tensor(X3, requires_grad=True)
        b = lib.tensor(X3, requires_grad=True)
        lib.autograd.grad((a * a).sum(), (b, a))
    same_error(s)


def test_autograd_backward_function_with_several_roots():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y1 = (x * 2).sum()
        y2 = x.exp()
        lib.autograd.backward([y1, y2], [lib.tensor(1.5), lib.tensor(X3)])
        return x.grad
    same(s)


# ---- create_graph: higher order -----------------------------------------------------------

def test_second_and_third_derivative():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y = (x ** 3 * x.sin()).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = lib.autograd.grad((gg * gg).sum(), x)
        return g, gg, ggg
    same(s)


def test_backward_create_graph_then_backward_of_grad():
    def s(lib):
        w = lib.tensor(W23, requires_grad=True)
        x = lib.tensor(X3, requires_grad=True)
        loss = (w @ x).sigmoid().pow(2).sum()
        loss.backward(create_graph=True)
        gnorm = (w.grad * w.grad).sum() + (x.grad * x.grad).sum()
        w.grad = None
        x.grad = None
        gnorm.backward()
        return w.grad, x.grad, gnorm
    same(s)


def test_create_graph_grad_has_grad_fn():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        (g,) = lib.autograd.grad((x * x).sum(), x, create_graph=True)
        (g0,) = lib.autograd.grad((x * x).sum(), x)
        return g.requires_grad, g0.requires_grad, g0.grad_fn is None
    same(s)


# ---- hooks --------------------------------------------------------------------------------

def test_tensor_hooks_modify_and_observe_in_order():
    def s(lib):
        seen = []
        x = lib.tensor(X3, requires_grad=True)
        h = x * x
        h.register_hook(lambda g: seen.append(("h1", g.tolist())))
        h.register_hook(lambda g: g * 10)
        h.register_hook(lambda g: seen.append(("h3", g.tolist())))
        x.register_hook(lambda g: seen.append(("x", g.tolist())))
        (h * 2).sum().backward()
        return seen, x.grad
    same(s)


def test_removed_hook_is_not_called():
    def s(lib):
        seen = []
        x = lib.tensor(X3, requires_grad=True)
        handle = x.register_hook(lambda g: seen.append(1))
        handle.remove()
        (x * 2).sum().backward()
        return seen, x.grad
    same(s)


def test_node_hooks_and_prehooks():
    def s(lib):
        seen = []
        x = lib.tensor(X3, requires_grad=True)
        y = x.exp()
        y.grad_fn.register_prehook(lambda gout: seen.append(("pre", gout[0].tolist())))
        y.grad_fn.register_hook(lambda gin, gout: seen.append(("post", gin[0].tolist())))
        y.backward(lib.tensor(X3))
        return seen, x.grad
    same(s)


def test_hook_call_order_across_branches():
    # which branch's hooks run first follows the engine's ready order (sequence numbers)
    def s(lib):
        seen = []
        x = lib.tensor(X3, requires_grad=True)
        a = x * 2
        b = x.exp()
        c = a.sin()
        for name, t in (("a", a), ("b", b), ("c", c)):
            t.register_hook(lambda g, n=name: seen.append(n))
        (c + b * a).sum().backward()
        return seen
    same(s)


def test_grad_fn_names_and_next_functions():
    def s(lib):
        w = lib.tensor(W23, requires_grad=True)
        x = lib.tensor(X3, requires_grad=True)
        y = (w @ x + 1).sum()
        names = []
        stack = [y.grad_fn]
        while stack:
            fn = stack.pop()
            names.append(fn.name())
            stack.extend(f for f, _ in fn.next_functions if f is not None)
        return names
    same(s)


# ---- grad modes ---------------------------------------------------------------------------

def test_grad_mode_is_thread_local():
    def s(lib):
        seen = {}

        def worker():
            seen["thread"] = lib.is_grad_enabled()
            x = lib.tensor(X3, requires_grad=True)
            seen["records"] = (x * 2).requires_grad

        with lib.no_grad():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            seen["main"] = lib.is_grad_enabled()
        return seen["thread"], seen["records"], seen["main"]
    same(s)


def test_grad_mode_decorators_and_nesting():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)

        @lib.no_grad()
        def f():
            with lib.enable_grad():
                inner = (x * 2).requires_grad
            return inner, (x * 2).requires_grad

        with lib.inference_mode():
            t = x * 2
            mode = lib.is_inference_mode_enabled()
        lib.set_grad_enabled(False)
        off = (x * 2).requires_grad
        lib.set_grad_enabled(True)
        return f(), t.is_inference(), mode, off, (x * 2).requires_grad
    same(s)


# ---- errors -------------------------------------------------------------------------------

ERROR_SCENARIOS = {
    "int_requires_grad_ctor": lambda lib: lib.tensor([1, 2], requires_grad=True),
    "int_requires_grad_method": lambda lib: lib.tensor([1, 2]).requires_grad_(),
    "int_requires_grad_attr": lambda lib: setattr(lib.tensor([1, 2]), "requires_grad", True),
    "non_scalar_implicit": lambda lib: (lib.tensor(X3, requires_grad=True) * 2).backward(),
    "no_grad_fn": lambda lib: lib.tensor(X3).sum().backward(),
    "leaf_inplace": lambda lib: lib.tensor(X3, requires_grad=True).add_(1),
    "leaf_view_inplace": lambda lib: lib.tensor(X3, requires_grad=True)[0:2].mul_(2),
    "wrong_grad_shape": lambda lib: (lib.tensor(X3, requires_grad=True) * 2).backward(
        lib.tensor([1.0, 2.0])),
}


@pytest.mark.parametrize("name", sorted(ERROR_SCENARIOS))
def test_error_texts(name):
    same_error(ERROR_SCENARIOS[name])


def test_saved_tensor_modified_in_place():
    def s(lib):
        x = lib.tensor(X3, requires_grad=True)
        y = x.exp()
        z = y * y
        y.add_(1)
        z.sum().backward()
    same_error(s)


def test_inference_tensor_saved_for_backward():
    def s(lib):
        with lib.inference_mode():
            t = lib.tensor(X3)
        x = lib.tensor(X3, requires_grad=True)
        (x * t).sum().backward()
        return x.grad
    # torch allows using an inference tensor as a saved *input* of mul when it is not the one
    # needing grad; the result and any error must match either way.
    theirs, ours = error_of(s, torch), error_of(s, mag)
    assert ours == theirs


# ---- memory: freed by reference counting, long chains ---------------------------------------

def test_graph_freed_without_gc(no_gc):
    x = mag.tensor(X3, requires_grad=True)
    y = x.exp() * x
    node = weakref.ref(y.grad_fn)
    tensor = weakref.ref(y)
    del y
    assert node() is None and tensor() is None


def test_saved_tensors_freed_after_backward(no_gc):
    # Python wrappers may die before their tensors, so count the storage bytes themselves
    big = 1 << 20
    x = mag.ones(big, requires_grad=True)
    before = mag._C._cpu_bytes_in_use()
    h = x.exp()
    loss = (h * h).sum()  # mul saves h (twice)
    del h
    held = mag._C._cpu_bytes_in_use() - before
    assert held >= 4 * big, "the graph must keep its saved tensor alive before backward"
    loss.backward()
    del loss
    x.grad = None
    assert mag._C._cpu_bytes_in_use() - before < 4096, "backward must release saved tensors"


def test_grad_and_hooks_do_not_form_cycles(no_gc):
    x = mag.tensor(X3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g)
    y.retain_grad()
    (y * y).sum().backward()
    refs = [weakref.ref(y), weakref.ref(y.grad_fn), weakref.ref(x)]
    del x, y
    assert [r() for r in refs] == [None, None, None]


def test_training_loop_leaves_no_cyclic_garbage():
    w = mag.tensor(W23, requires_grad=True)
    gc.collect()
    for _ in range(50):
        loss = (w @ mag.tensor(X3)).sigmoid().pow(2).sum()
        loss.backward()
        with mag.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert gc.collect() == 0


@pytest.mark.parametrize("depth", [100_000])
def test_long_chain_builds_backprops_and_frees(depth, no_gc):
    limit = sys.getrecursionlimit()
    x = mag.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(depth):
        y = y * 1.0
    root = weakref.ref(y.grad_fn)
    y.sum().backward(retain_graph=True)
    assert x.grad.tolist() == [1.0]
    del y
    assert root() is None
    assert sys.getrecursionlimit() == limit


_WARN_SCRIPT = """
import warnings, {lib} as lib
warnings.simplefilter("always")
x = lib.ones(3, requires_grad=True)
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    for _ in range(2):
        (x * x).sum().backward(create_graph=True)
for w in record:
    print(w.category.__name__, str(w.message).split(" (Triggered internally")[0])
"""


def test_backward_create_graph_warns_once_like_torch():
    # torch warns once per process (TORCH_WARN_ONCE), so each side runs in a fresh interpreter
    import subprocess
    out = [subprocess.run([sys.executable, "-c", _WARN_SCRIPT.format(lib=lib)], capture_output=True,
                          text=True, check=True).stdout for lib in ("torch", "myautograd")]
    assert "create_graph=True" in out[0]
    assert out[1] == out[0]


# A leaf's first gradient in a create_graph backward is torch's clone_obey_contract, recorded:
# a copy in the leaf's layout (grad_fn CopyBackwards) when that layout is dense and
# non-overlapping, else a contiguous clone (CloneBackward0); the second derivative flows
# through it.
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_create_graph_first_grad_is_a_recorded_copy_in_the_leafs_layout(layout):
    def run(lib):
        base = lib.tensor(np.random.default_rng(3).standard_normal((4, 3)))
        leaf = {"contiguous": base, "transposed": base.t(), "strided": base[:, :2].t()}[layout]
        leaf = leaf.detach().requires_grad_() if layout == "contiguous" else leaf.requires_grad_()
        (leaf * leaf * leaf).sum().backward(create_graph=True)
        g = leaf.grad
        second, = lib.autograd.grad((g * g).sum(), leaf)
        return type(g.grad_fn).__name__, g.stride(), g.detach().numpy(), second.numpy()
    t, m = run(torch), run(mag)
    assert m[:2] == t[:2]
    np.testing.assert_allclose(m[2], t[2], rtol=1e-12)
    np.testing.assert_allclose(m[3], t[3], rtol=1e-12)
