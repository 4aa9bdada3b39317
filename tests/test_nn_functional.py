"""nn.functional forms against torch: linear (and its grad_fn names), activations including
in-place variants, softmax/log_softmax (dim, dtype, implicit dim), dropout's stream, one_hot,
pad (constant, reflect, replicate, circular), normalize, embedding, layer_norm, batch_norm (with
torch's node names, edges and second derivatives)."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as m
from _nn_util import close, compare, compare_graph_and_double_backward

Fm, Ft = m.nn.functional, torch.nn.functional


def _rng(*k):
    return np.random.default_rng(abs(hash(k)) % (2 ** 32))


@pytest.mark.parametrize("xshape,bias", [((5, 4), True), ((5, 4), False), ((4,), True), ((2, 3, 4), True),
                                         ((2, 3, 4), False)])
def test_linear(xshape, bias):
    rng = _rng("lin", xshape, bias)
    ins = [rng.standard_normal(xshape), rng.standard_normal((3, 4))] + ([rng.standard_normal(3)] if bias else [])
    out_m, out_t = compare(Fm.linear, Ft.linear, ins, rng, rtol=1e-10, atol=1e-12)
    assert type(out_m[0].grad_fn).__name__ == type(out_t[0].grad_fn).__name__


def test_linear_noncontiguous_input():
    rng = _rng("lin_nc")
    compare(lambda x, w, b: Fm.linear(x.transpose(0, 1), w, b), lambda x, w, b: Ft.linear(x.transpose(0, 1), w, b),
            [rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)], rng, rtol=1e-10)


ACTS = [("relu", {}), ("leaky_relu", {"negative_slope": 0.3}), ("elu", {"alpha": 0.5}), ("gelu", {}),
        ("gelu", {"approximate": "tanh"}), ("silu", {}), ("tanh", {}), ("sigmoid", {}),
        ("softplus", {"beta": 2.0, "threshold": 3.0}), ("hardtanh", {}), ("relu6", {})]


@pytest.mark.parametrize("name,kw", ACTS, ids=[f"{n}{kw}" for n, kw in ACTS])
def test_activation_functional(name, kw):
    rng = _rng(name, str(kw))
    x = rng.standard_normal((4, 6)) * 3
    x[0, :3] = [0.0, 1.0, -1.0]
    out_m, out_t = compare(lambda a: getattr(Fm, name)(a, **kw), lambda a: getattr(Ft, name)(a, **kw), [x], rng,
                           rtol=1e-9, atol=1e-12)
    if name not in ("hardtanh", "relu6"):
        assert type(out_m[0].grad_fn).__name__ == type(out_t[0].grad_fn).__name__


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "silu", "hardtanh"])
def test_inplace_activation_values(name):
    rng = _rng("inpl", name)
    x = rng.standard_normal((3, 4))
    a, b = m.tensor(x), torch.tensor(x)
    ra, rb = getattr(Fm, name)(a, inplace=True), getattr(Ft, name)(b, inplace=True)
    assert ra is a
    close(a, b, 1e-12, 1e-12)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax(fn, dim):
    rng = _rng(fn, dim)
    compare(lambda a: getattr(Fm, fn)(a, dim=dim), lambda a: getattr(Ft, fn)(a, dim=dim),
            [rng.standard_normal((3, 4, 5))], rng, rtol=1e-10, atol=1e-12)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    close(getattr(Fm, fn)(m.tensor(x), dim, dtype=m.float64), getattr(Ft, fn)(torch.tensor(x), dim, dtype=torch.float64),
          1e-12, 1e-12)


def test_softmax_implicit_dim_warns_like_torch():
    for shape in [(3,), (2, 3), (2, 3, 4), (2, 2, 3, 4)]:
        x = np.random.default_rng(0).standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
            a = Fm.softmax(m.tensor(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            b = Ft.softmax(torch.tensor(x))
        close(a, b, 1e-12, 1e-12)


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_dropout_functional_stream(p):
    x = np.random.default_rng(1).standard_normal((6, 7)).astype(np.float32)
    m.manual_seed(4)
    torch.manual_seed(4)
    a, b = Fm.dropout(m.tensor(x), p), Ft.dropout(torch.tensor(x), p)
    assert a.numpy().tobytes() == b.numpy().tobytes()
    xm = m.tensor(x)
    assert Fm.dropout(xm, p, training=False) is xm
    m.manual_seed(0)
    assert Fm.dropout(m.ones(10), 0.5).tolist() == [0, 0, 2, 0, 0, 0, 2, 2, 0, 2]
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        Fm.dropout(m.ones(2), 1.5)


@pytest.mark.parametrize("num_classes", [-1, 6])
def test_one_hot(num_classes):
    t = np.array([[0, 3], [1, 2]])
    a, b = Fm.one_hot(m.tensor(t), num_classes), Ft.one_hot(torch.tensor(t), num_classes)
    assert a.dtype is m.int64 and np.array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("case", ["negative", "too_big", "empty", "float"])
def test_one_hot_errors_match_torch(case):
    def run(lib):
        F = lib.nn.functional
        try:
            if case == "negative":
                F.one_hot(lib.tensor([-1, 2]))
            elif case == "too_big":
                F.one_hot(lib.tensor([1, 4]), 3)
            elif case == "empty":
                F.one_hot(lib.tensor([], dtype=lib.int64))
            elif case == "float":
                F.one_hot(lib.tensor([1.0]))
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch)


PADS = [((1, 2), "constant", None), ((1, 2, 0, 3), "constant", 1.5), ((-1, 2), "constant", None),
        ((1, 2, 2, 1), "reflect", None), ((1, 1, 2, 0), "replicate", None), ((2, 1, 1, 2), "circular", None),
        ((1, 2, 0, 1, 1, 1), "replicate", None)]


@pytest.mark.parametrize("pad,mode,value", PADS, ids=[f"{p}-{mo}" for p, mo, _ in PADS])
def test_pad(pad, mode, value):
    rng = _rng("pad", pad, mode)
    x = rng.standard_normal((2, 3, 4, 5))
    kw = {} if value is None else {"value": value}
    compare(lambda a: Fm.pad(a, pad, mode=mode, **kw), lambda a: Ft.pad(a, pad, mode=mode, **kw), [x], rng,
            rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", ["size", "mode", "reflect_big"])
def test_pad_errors_match_torch(case):
    def run(lib):
        try:
            if case == "size":
                lib.nn.functional.pad(lib.ones(2, 3, 4, 5), (1, 1), mode="reflect")
            elif case == "mode":
                lib.nn.functional.pad(lib.ones(2, 3, 4, 5), (1, 1, 1, 1), mode="bogus")
            else:
                lib.nn.functional.pad(lib.ones(2, 3), (3, 3), mode="reflect")
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch)


def test_pad_3d_input_last_dim():
    rng = _rng("pad3")
    for mode in ("reflect", "replicate", "circular"):
        compare(lambda a: Fm.pad(a, (2, 1), mode=mode), lambda a: Ft.pad(a, (2, 1), mode=mode),
                [rng.standard_normal((2, 3, 5))], rng, rtol=1e-12)


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1)])
def test_normalize(p, dim):
    rng = _rng("norm", p, dim)
    x = rng.standard_normal((4, 5))
    x[1] = 0.0
    compare(lambda a: Fm.normalize(a, p=p, dim=dim), lambda a: Ft.normalize(a, p=p, dim=dim), [x], rng, rtol=1e-9)


def test_embedding_functional():
    rng = _rng("emb")
    w, idx = rng.standard_normal((7, 3)), np.array([[1, 0, 6], [1, 1, 2]])
    for pad in (None, 1):
        compare(lambda i, w: Fm.embedding(i, w, padding_idx=pad), lambda i, w: Ft.embedding(i, w, padding_idx=pad),
                [idx, w], rng, grad_inputs=(1,), rtol=1e-12)


@pytest.mark.parametrize("affine", [False, True])
def test_layer_norm_functional(affine):
    rng = _rng("ln", affine)
    ins = [rng.standard_normal((2, 3, 4))] + ([rng.standard_normal((3, 4)), rng.standard_normal((3, 4))] if affine else [])
    compare(lambda x, *wb: Fm.layer_norm(x, (3, 4), *wb, eps=1e-3), lambda x, *wb: Ft.layer_norm(x, (3, 4), *wb, eps=1e-3),
            ins, rng, rtol=1e-9, atol=1e-11)
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with shape \[\*, 5\]"):
        Fm.layer_norm(m.ones(2, 4), (5,))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_functional(training):
    rng = _rng("bn", training)
    x, w, b = rng.standard_normal((5, 3, 2)), rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.random(3) + 0.5
    stats_m = [m.tensor(rm.copy()), m.tensor(rv.copy())]
    stats_t = [torch.tensor(rm.copy()), torch.tensor(rv.copy())]
    compare(lambda x, w, b: Fm.batch_norm(x, *stats_m, w, b, training=training, momentum=0.3),
            lambda x, w, b: Ft.batch_norm(x, *stats_t, w, b, training=training, momentum=0.3),
            [x, w, b], rng, rtol=1e-9, atol=1e-11)
    for a, c in zip(stats_m, stats_t):
        close(a, c, 1e-12, 1e-12)


def test_gelu_tanh_node_and_double_backward():
    rng = _rng("gelu_tanh2")
    x = rng.standard_normal((3, 5)) * 2
    compare_graph_and_double_backward(lambda a: Fm.gelu(a, approximate="tanh"), lambda a: Ft.gelu(a, approximate="tanh"),
                                      [x], rng, (0,))


NATIVE = {
    "layer_norm": (lambda F, x, w, b: F.layer_norm(x, (3, 4), w, b, eps=1e-3), ((2, 3, 4), (3, 4), (3, 4))),
    "layer_norm_plain": (lambda F, x: F.layer_norm(x, (4,)), ((5, 4),)),
    "batch_norm_train": (lambda F, x, w, b: F.batch_norm(x, None, None, w, b, training=True), ((5, 3, 2), (3,), (3,))),
    "batch_norm_eval": (lambda F, x, w, b, rm, rv: F.batch_norm(x, rm, rv.abs() + 0.5, w, b, training=False),
                        ((4, 3), (3,), (3,), (3,), (3,))),
    "batch_norm_plain": (lambda F, x: F.batch_norm(x, None, None, training=True), ((4, 2, 3),)),
}


@pytest.mark.parametrize("case", list(NATIVE))
def test_norm_nodes_and_double_backward(case):
    fn, shapes = NATIVE[case]
    rng = _rng("native", case)
    ins = [rng.standard_normal(s) for s in shapes]
    grad_idx = tuple(range(min(len(ins), 3)))
    compare(lambda *a: fn(Fm, *a), lambda *a: fn(Ft, *a), ins, rng, grad_inputs=grad_idx, rtol=1e-9, atol=1e-11)
    compare_graph_and_double_backward(lambda *a: fn(Fm, *a), lambda *a: fn(Ft, *a), ins, rng, grad_idx, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("pad", [None, 1, -1])
def test_embedding_node_and_double_backward(pad):
    rng = _rng("emb2", pad)
    w, idx = rng.standard_normal((6, 3)), np.array([[1, 5, 1], [0, 1, 5]])
    f = lambda F: lambda i, w: F.embedding(i, w, padding_idx=pad)  # noqa: E731
    compare(f(Fm), f(Ft), [idx, w], rng, grad_inputs=(1,), rtol=1e-12)
    compare_graph_and_double_backward(lambda i, w: f(Fm)(i, w) ** 2, lambda i, w: f(Ft)(i, w) ** 2, [idx, w], rng, (1,))
    om, ot = f(Fm)(m.tensor(idx), m.tensor(w, requires_grad=True)), f(Ft)(torch.tensor(idx), torch.tensor(w, requires_grad=True))
    assert type(om.grad_fn).__name__ == type(ot.grad_fn).__name__ == "EmbeddingBackward0"
    assert len(om.grad_fn.next_functions) == len(ot.grad_fn.next_functions)
