"""Loss modules and their nn.functional forms against torch: every reduction, weights,
ignore_index, label smoothing, probability targets, K-dim inputs; forward values, input
gradients under random upstream gradients (float64), grad_fn names and error messages."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as m
from _nn_util import compare, compare_graph_and_double_backward

REDS = ["mean", "sum", "none"]


def _rng(*key):
    return np.random.default_rng(abs(hash(key)) % (2 ** 32))


def _loss(name, **kw):
    return lambda nn_or_f: getattr(nn_or_f, name)(**kw)


def _run_module(ctor_name, kwargs, inputs, grad_inputs=(0,), buffers=()):
    rng = _rng(ctor_name, str(kwargs), len(inputs))
    kw_m = {k: (m.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    kw_t = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    lm, lt = getattr(m.nn, ctor_name)(**kw_m), getattr(torch.nn, ctor_name)(**kw_t)
    assert list(lm.state_dict()) == list(lt.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compare(lm, lt, inputs, rng, grad_inputs=grad_inputs, rtol=1e-9, atol=1e-11)


def _x(rng, *shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("name,extra", [("MSELoss", {}), ("L1Loss", {}), ("SmoothL1Loss", {}),
                                        ("SmoothL1Loss", {"beta": 0.5}), ("SmoothL1Loss", {"beta": 0.0}),
                                        ("HuberLoss", {}), ("HuberLoss", {"delta": 0.3})])
def test_regression_losses(name, extra, reduction):
    rng = _rng(name, reduction)
    x, y = _x(rng, 4, 5), _x(rng, 4, 5)
    x[0, 0] = y[0, 0]  # a kink at zero difference
    _run_module(name, dict(extra, reduction=reduction), [x, y], grad_inputs=(0, 1))


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(5, 4), (4,), (3, 4, 2), (2, 4, 2, 3)])
def test_nll_loss(shape, weighted, reduction):
    rng = _rng("nll", shape, weighted, reduction)
    x = _x(rng, *shape)
    c = shape[1] if len(shape) > 1 else shape[0]
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = np.asarray(rng.integers(0, c, tshape))
    if t.ndim:
        t.flat[0] = -100
    kw = dict(reduction=reduction)
    if weighted:
        kw["weight"] = rng.random(c) + 0.1
    _run_module("NLLLoss", kw, [x, t])


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("kw", [{}, {"weight": True}, {"ignore_index": 1}, {"label_smoothing": 0.2},
                                {"label_smoothing": 0.1, "weight": True, "ignore_index": 0}])
@pytest.mark.parametrize("shape", [(6, 4), (4,), (3, 4, 5)])
def test_cross_entropy_class_indices(shape, kw, reduction):
    rng = _rng("ce", shape, str(kw), reduction)
    c = shape[1] if len(shape) > 1 else shape[0]
    kw = dict(kw, reduction=reduction)
    if kw.get("weight"):
        kw["weight"] = rng.random(c) + 0.1
    x = _x(rng, *shape)
    t = np.asarray(rng.integers(0, c, (shape[0],) + shape[2:] if len(shape) > 1 else ()))
    if t.ndim == 0 and int(t) == kw.get("ignore_index"):
        t = np.asarray(c - 1)  # all-ignored batches: core NllLossBackward0 gives nan (reported), torch 0
    _run_module("CrossEntropyLoss", kw, [x, t])


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("kw", [{}, {"weight": True}, {"label_smoothing": 0.3}])
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4)])
def test_cross_entropy_probabilities(shape, kw, reduction):
    rng = _rng("cep", shape, str(kw), reduction)
    kw = dict(kw, reduction=reduction)
    if kw.get("weight"):
        kw["weight"] = rng.random(shape[1]) + 0.1
    x = _x(rng, *shape)
    p = rng.random(shape)
    p = p / p.sum(1, keepdims=True)
    _run_module("CrossEntropyLoss", kw, [x, p], grad_inputs=(0, 1))


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce(weighted, reduction):
    rng = _rng("bce", weighted, reduction)
    x = rng.random((4, 3)) * 0.9 + 0.05
    y = rng.random((4, 3))
    kw = dict(reduction=reduction)
    if weighted:
        kw["weight"] = rng.random(3)
    _run_module("BCELoss", kw, [x, y], grad_inputs=(0, 1))


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("kw", [{}, {"weight": True}, {"pos_weight": True}, {"weight": True, "pos_weight": True}])
def test_bce_with_logits(kw, reduction):
    rng = _rng("bcel", str(kw), reduction)
    kw = dict(kw, reduction=reduction)
    for k in ("weight", "pos_weight"):
        if kw.get(k):
            kw[k] = rng.random(3) + 0.2
    _run_module("BCEWithLogitsLoss", kw, [_x(rng, 4, 3) * 3, rng.random((4, 3))], grad_inputs=(0, 1))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    rng = _rng("kl", reduction, log_target)
    x = np.log(rng.random((4, 5)) + 0.01)
    t = rng.random((4, 5))
    if log_target:
        t = np.log(t + 0.05)
    _run_module("KLDivLoss", dict(reduction=reduction, log_target=log_target), [x, t], grad_inputs=(0, 1))
    if not log_target:
        t[0, 0] = 0.0  # xlogy(0, 0) = 0 (torch's target gradient there is nan; only the input's is compared)
        _run_module("KLDivLoss", dict(reduction=reduction), [x, t], grad_inputs=(0,))


@pytest.mark.parametrize("fname,args", [
    ("mse_loss", ()), ("l1_loss", ()), ("smooth_l1_loss", ()), ("huber_loss", ()),
    ("binary_cross_entropy_with_logits", ())])
def test_functional_forms(fname, args):
    rng = _rng(fname)
    x, y = _x(rng, 3, 4), rng.random((3, 4))
    for red in REDS:
        compare(lambda a, b: getattr(m.nn.functional, fname)(a, b, reduction=red),
                lambda a, b: getattr(torch.nn.functional, fname)(a, b, reduction=red), [x, y], rng, rtol=1e-9)


def test_cross_entropy_functional_and_reduction_error():
    rng = _rng("cef")
    x, t = _x(rng, 4, 3), rng.integers(0, 3, 4)
    compare(lambda a, b: m.nn.functional.cross_entropy(a, b), lambda a, b: torch.nn.functional.cross_entropy(a, b),
            [x, t], rng, grad_inputs=(0,), rtol=1e-9)
    for lib in (m, torch):
        with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
            lib.nn.functional.mse_loss(lib.ones(2), lib.ones(2), reduction="bogus")


def test_grad_fn_names_from_core():
    x = m.randn(4, 3, requires_grad=True)
    t = m.tensor([0, 2, 1, 0])
    p = m.rand(4, 3)
    F = m.nn.functional
    assert type(F.mse_loss(x, p).grad_fn).__name__ == "MseLossBackward0"
    assert type(F.l1_loss(x, p).grad_fn).__name__ == "MeanBackward0"
    assert type(F.nll_loss(x, t).grad_fn).__name__ == "NllLossBackward0"
    assert type(F.cross_entropy(x, t).grad_fn).__name__ == "NllLossBackward0"
    assert type(F.cross_entropy(x, t).grad_fn.next_functions[0][0]).__name__ == "LogSoftmaxBackward0"
    assert type(F.binary_cross_entropy(x.sigmoid(), p).grad_fn).__name__ == "BinaryCrossEntropyBackward0"
    assert type(F.binary_cross_entropy_with_logits(x, p).grad_fn).__name__ == "BinaryCrossEntropyWithLogitsBackward0"


@pytest.mark.parametrize("case", ["bce_size", "bcel_size", "ce_oob", "nll_batch"])
def test_loss_errors_match_torch(case):
    def run(lib):
        F = lib.nn.functional
        try:
            if case == "bce_size":
                F.binary_cross_entropy(lib.ones(2, 3) * 0.5, lib.ones(3))
            elif case == "bcel_size":
                F.binary_cross_entropy_with_logits(lib.ones(2, 3), lib.ones(3))
            elif case == "ce_oob":
                F.cross_entropy(lib.ones(2, 3), lib.tensor([0, 5]))
            elif case == "nll_batch":
                F.nll_loss(lib.ones(2, 3), lib.tensor([0, 1, 2]))
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch)


def test_size_mismatch_warning():
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[3\]\)\) that is different to the input size"):
        m.nn.functional.mse_loss(m.ones(2, 3), m.ones(3))


LOSS_NODES = [("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.4}), ("huber_loss", {}), ("huber_loss", {"delta": 0.3}),
              ("binary_cross_entropy", {}), ("binary_cross_entropy_with_logits", {}),
              ("binary_cross_entropy_with_logits", {"pos_weight": True}), ("mse_loss", {})]


@pytest.mark.parametrize("reduction", REDS)
@pytest.mark.parametrize("name,kw", LOSS_NODES, ids=[f"{n}{k}" for n, k in LOSS_NODES])
def test_loss_nodes_target_grad_and_double_backward(name, kw, reduction):
    """grad_fn name and edges as torch's, gradients for input and target (torch gives the target one
    for bce too), and second derivatives, with random upstream gradients in float64."""
    rng = _rng("lossnode", name, str(kw), reduction)
    x, y = _x(rng, 4, 3), rng.random((4, 3))
    if name == "binary_cross_entropy":
        x = rng.random((4, 3)) * 0.9 + 0.05
    if name in ("smooth_l1_loss", "huber_loss"):
        x[0, 1] = y[0, 1] + 2.0  # the linear piece (the boundary itself is a kink torch resolves by x <= -beta)
    extra = {"pos_weight": rng.random(3) + 0.2} if kw.get("pos_weight") else dict(kw)

    def f(F):
        return lambda a, b: getattr(F, name)(a, b, reduction=reduction, **{
            k: (m.tensor(v) if F is m.nn.functional else torch.tensor(v)) if isinstance(v, np.ndarray) else v
            for k, v in extra.items()})
    compare(f(m.nn.functional), f(torch.nn.functional), [x, y], rng, grad_inputs=(0, 1), rtol=1e-9, atol=1e-11)
    compare_graph_and_double_backward(f(m.nn.functional), f(torch.nn.functional), [x, y], rng, (0, 1), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_all_targets_ignored(weighted):
    """mean over no valid target: forward nan (0 / 0) and, as torch, zero gradients everywhere."""
    rng = _rng("nll_ignored", weighted)
    x = _x(rng, 3, 4)
    w = rng.random(4) if weighted else None
    for t in ([-100, -100, -100], [2, -100, 2]):
        def f(F, lib):
            wt = None if w is None else lib.tensor(w * (0 if t[0] == 2 else 1))  # all-zero weight: nan grads in torch
            return lambda a: F.nll_loss(a, lib.tensor(t), weight=wt)
        compare(f(m.nn.functional, m), f(torch.nn.functional, torch), [x], rng, grad_inputs=(0,), rtol=1e-12)


@pytest.mark.parametrize("fname,arg", [("binary_cross_entropy", "weight"), ("binary_cross_entropy_with_logits", "weight"),
                                       ("binary_cross_entropy_with_logits", "pos_weight")])
def test_bce_weight_requiring_grad_is_an_error(fname, arg):
    def run(lib):
        try:
            getattr(lib.nn.functional, fname)(lib.rand(3) * 0.5 + 0.2, lib.rand(3), **{arg: lib.rand(3, requires_grad=True)})
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch) and run(m) is not None
