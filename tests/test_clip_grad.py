"""nn.utils gradient clipping and parameter/vector conversion against torch 2.13.

Norms go through the core's reductions, whose summation order differs from torch's (sums of
many elements then differ in the last bits), so total norms and clipped grads are compared
with a tolerance; max-abs norms (inf), clip_grad_value_ and the conversions are exact.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import myautograd as mag

SHAPES = [(7,), (3, 5), (), (40, 3)]
NORMS = [2.0, 1.0, 3.0, 0.5, float("inf"), "2"]


def M(a):
    return mag.from_numpy(np.array(a))


def params(seed=0, scale=1.0, shapes=SHAPES, skip=None):
    rng = np.random.default_rng(seed)
    tp, mp = [], []
    for i, s in enumerate(shapes):
        a = rng.standard_normal(s).astype(np.float32)
        g = (rng.standard_normal(s) * scale).astype(np.float32)
        t, m = torch.nn.Parameter(torch.tensor(a)), mag.nn.Parameter(M(a))
        if i != skip:
            t.grad, m.grad = torch.tensor(g), M(g)
        tp.append(t)
        mp.append(m)
    return tp, mp


def grads_close(tp, mp, exact=False):
    for t, m in zip(tp, mp):
        if t.grad is None:
            assert m.grad is None
            continue
        got = torch.from_numpy(np.array(m.grad.tolist(), dtype=np.float32).reshape(t.shape))
        if exact:
            assert torch.equal(got, t.grad)
        else:
            torch.testing.assert_close(got, t.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("norm_type", NORMS)
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e6])
@pytest.mark.parametrize("foreach", [None, False, True])
def test_clip_grad_norm(norm_type, max_norm, foreach):
    tp, mp = params(seed=1, scale=3.0, skip=1)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm, norm_type=norm_type, foreach=foreach)
    mn = mag.nn.utils.clip_grad_norm_(mp, max_norm, norm_type=norm_type, foreach=foreach)
    assert isinstance(mn, mag.Tensor) and mn.dim() == 0 and str(mn.dtype) == str(tn.dtype)
    if float(norm_type) == math.inf:
        assert mn.item() == tn.item()
    else:
        assert mn.item() == pytest.approx(tn.item(), rel=1e-6)
    grads_close(tp, mp, exact=float(norm_type) == math.inf)


def test_single_tensor_and_generator_inputs():
    tp, mp = params(seed=2)
    tn = torch.nn.utils.clip_grad_norm_(tp[0], 0.5)
    mn = mag.nn.utils.clip_grad_norm_(mp[0], 0.5)
    assert mn.item() == pytest.approx(tn.item(), rel=1e-6)
    grads_close(tp[:1], mp[:1])
    tn = torch.nn.utils.clip_grad_norm_((p for p in tp), 0.5)
    mn = mag.nn.utils.clip_grad_norm_((p for p in mp), 0.5)
    assert mn.item() == pytest.approx(tn.item(), rel=1e-6)
    grads_close(tp, mp)


def test_no_grads_and_empty_generator():
    for lib in (mag, torch):
        p = lib.nn.Parameter(lib.ones(3))
        n = lib.nn.utils.clip_grad_norm_([p], 1.0)
        assert n.item() == 0.0 and n.dim() == 0
        with pytest.warns(UserWarning, match="empty generator"):
            lib.nn.utils.clip_grad_norm_((q for q in []), 1.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
@pytest.mark.parametrize("norm_type", [2.0, float("inf")])
def test_error_if_nonfinite(bad, norm_type):
    msgs = []
    for lib in (mag, torch):
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.tensor([1.0, bad, 2.0])
        with pytest.raises(RuntimeError) as ei:
            lib.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type, error_if_nonfinite=True)
        msgs.append(str(ei.value))
        n = lib.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type)  # no error: scales by the norm
        msgs.append(repr(n.item()))
    assert msgs[:2] == msgs[2:]


def test_get_total_norm_and_clip_grads_with_norm():
    tp, mp = params(seed=4, scale=2.0)
    tn = torch.nn.utils.get_total_norm([p.grad for p in tp], 2.0)
    mn = mag.nn.utils.get_total_norm([p.grad for p in mp], 2.0)
    assert mn.item() == pytest.approx(tn.item(), rel=1e-6)
    torch.nn.utils.clip_grads_with_norm_(tp, 1.0, tn)
    mag.nn.utils.clip_grads_with_norm_(mp, 1.0, mag.tensor(tn.item()))
    grads_close(tp, mp, exact=True)


def test_clip_grad_norm_deprecated_alias():
    tp, mp = params(seed=5)
    with pytest.warns(FutureWarning):
        mag.nn.utils.clip_grad_norm(mp, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.nn.utils.clip_grad_norm(tp, 1.0)
    grads_close(tp, mp)


@pytest.mark.parametrize("clip", [0.1, 1, 2.5])
def test_clip_grad_value(clip):
    tp, mp = params(seed=6, scale=2.0, skip=2)
    assert torch.nn.utils.clip_grad_value_(tp, clip) is None
    assert mag.nn.utils.clip_grad_value_(mp, clip) is None
    grads_close(tp, mp, exact=True)
    tp, mp = params(seed=7)
    torch.nn.utils.clip_grad_value_(tp[0], clip)
    mag.nn.utils.clip_grad_value_(mp[0], clip)
    grads_close(tp, mp, exact=True)


def test_parameters_to_vector_roundtrip():
    tp, mp = params(seed=8)
    tv, mv = torch.nn.utils.parameters_to_vector(tp), mag.nn.utils.parameters_to_vector(mp)
    assert mv.tolist() == tv.tolist()
    assert tuple(mv.shape) == tuple(tv.shape)
    new = np.arange(tv.numel(), dtype=np.float32) * 0.5
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tp)
    mag.nn.utils.vector_to_parameters(M(new), mp)
    for t, m in zip(tp, mp):
        assert tuple(m.shape) == tuple(t.shape)
        assert np.array(m.tolist(), dtype=np.float32).reshape(t.shape).tolist() == t.detach().numpy().tolist()
        assert m.requires_grad and m.is_leaf


def test_vector_to_parameters_type_error():
    msgs = []
    for lib in (mag, torch):
        with pytest.raises(TypeError) as ei:
            lib.nn.utils.vector_to_parameters([1.0, 2.0], [lib.nn.Parameter(lib.ones(2))])
        msgs.append(str(ei.value))
    assert msgs[0] == msgs[1]
