"""Helpers shared by the nn tests: build the same inputs for myautograd and torch, copy a
torch module's state into ours (through numpy), and compare forward values plus backward
gradients (inputs and parameters) under a random upstream gradient."""
import numpy as np
import torch

import myautograd as m

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-7, atol=1e-9)}


def arrays(rng, *shapes, dtype=np.float64):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def both(a, requires_grad=False):
    """The same numpy array as (myautograd tensor, torch tensor)."""
    # m.tensor of a 0-d numpy array gives shape (1,) (reported); reshape to the array's shape
    ours = m.tensor(a.copy()).reshape(a.shape).detach().requires_grad_(requires_grad)
    return ours, torch.tensor(a.copy(), requires_grad=requires_grad)


def np_of(t):
    return t.detach().numpy() if t is not None else None


def close(a, b, rtol=1e-5, atol=1e-6, msg=""):
    a, b = np_of(a), np_of(b)
    assert a.shape == b.shape, (msg, a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg)


def load_from_torch(mod_m, mod_t):
    """Copy torch's state_dict into ours via numpy (no shared memory)."""
    sd = {k: m.tensor(v.detach().numpy().copy()) for k, v in mod_t.state_dict().items()}
    res = mod_m.load_state_dict(sd)
    assert not res.missing_keys and not res.unexpected_keys


def load_into_torch(mod_m, mod_t):
    sd = {k: torch.tensor(v.numpy().copy()) for k, v in mod_m.state_dict().items()}
    mod_t.load_state_dict(sd)


def _flat_outputs(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat_outputs(o))
        return res
    return [out]


def compare(fn_m, fn_t, inputs, rng, grad_inputs=None, params=(), rtol=1e-6, atol=1e-8):
    """Run fn on both libraries with the same inputs (numpy arrays or non-array objects),
    compare outputs, then backprop random upstream gradients and compare the grads of the
    float inputs listed in grad_inputs and of the (m_param, t_param) pairs in params."""
    grad_inputs = range(len(inputs)) if grad_inputs is None else grad_inputs
    ms, ts = [], []
    for i, x in enumerate(inputs):
        if isinstance(x, np.ndarray):
            a, b = both(x, requires_grad=(i in grad_inputs and x.dtype.kind == "f"))
        else:
            a, b = x, x
        ms.append(a)
        ts.append(b)
    out_m, out_t = _flat_outputs(fn_m(*ms)), _flat_outputs(fn_t(*ts))
    assert len(out_m) == len(out_t)
    for om, ot in zip(out_m, out_t):
        close(om, ot, rtol, atol, "forward")
    diff = [(om, ot) for om, ot in zip(out_m, out_t) if ot.requires_grad]
    if not diff:
        return out_m, out_t
    total_m, total_t = 0, 0
    for om, ot in diff:
        g = rng.standard_normal(tuple(ot.shape)).astype(np_of(ot).dtype)
        total_m = total_m + (om * m.tensor(g)).sum()
        total_t = total_t + (ot * torch.tensor(g)).sum()
    total_m.backward()
    total_t.backward()
    for i in grad_inputs:
        if isinstance(inputs[i], np.ndarray) and inputs[i].dtype.kind == "f":
            close(ms[i].grad, ts[i].grad, rtol, atol, f"grad of input {i}")
    for pm, pt in params:
        if pt.grad is None:
            assert pm.grad is None
        else:
            close(pm.grad, pt.grad, rtol, atol, "param grad")
    return out_m, out_t


def module_pair(ctor, seed=0, dtype=None):
    """Construct the same module in both libraries after the same manual_seed; returns (ours, torch's)."""
    torch.manual_seed(seed)
    mt = ctor(torch.nn)
    m.manual_seed(seed)
    mm = ctor(m.nn)
    if dtype == np.float64:
        mt, mm = mt.double(), mm.double()
    return mm, mt


def same_state(mm, mt, exact=True):
    sm, st = mm.state_dict(), mt.state_dict()
    assert list(sm) == list(st)
    for k in st:
        a, b = sm[k].numpy(), st[k].numpy()
        assert a.dtype == b.dtype and a.shape == b.shape, k
        if exact:
            assert a.tobytes() == b.tobytes(), k
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7, err_msg=k)


def param_pairs(mm, mt):
    pm, pt = dict(mm.named_parameters()), dict(mt.named_parameters())
    assert list(pm) == list(pt)
    return [(pm[k], pt[k]) for k in pt]


def compare_graph_and_double_backward(fn_m, fn_t, inputs, rng, grad_inputs, rtol=1e-7, atol=1e-9):
    """The output's grad_fn name and edge count as torch's, then second derivatives: the first
    gradients are taken with create_graph=True under a random upstream gradient, weighted by
    random vectors and differentiated again w.r.t. the same inputs (float64)."""
    ms, ts = [], []
    for i, x in enumerate(inputs):
        a, b = both(x, requires_grad=i in grad_inputs) if isinstance(x, np.ndarray) else (x, x)
        ms.append(a)
        ts.append(b)
    om, ot = fn_m(*ms), fn_t(*ts)
    assert type(om.grad_fn).__name__ == type(ot.grad_fn).__name__
    assert len(om.grad_fn.next_functions) == len(ot.grad_fn.next_functions)
    u = rng.standard_normal(tuple(ot.shape))
    xm, xt = [ms[i] for i in grad_inputs], [ts[i] for i in grad_inputs]
    gm = m.autograd.grad((om * m.tensor(u)).sum(), xm, create_graph=True)
    gt = torch.autograd.grad((ot * torch.tensor(u)).sum(), xt, create_graph=True)
    vs = [rng.standard_normal(tuple(g.shape)) for g in gt]
    sm = sum((g * m.tensor(v)).sum() for g, v in zip(gm, vs))
    st = sum((g * torch.tensor(v)).sum() for g, v in zip(gt, vs))
    ggm = m.autograd.grad(sm, xm, allow_unused=True)
    ggt = torch.autograd.grad(st, xt, allow_unused=True)
    for k, (a, b) in enumerate(zip(ggm, ggt)):
        if b is None:
            assert a is None or not a.any().item(), f"second derivative {k} should be None"
        else:
            close(a, b, rtol, atol, f"second derivative {k}")
