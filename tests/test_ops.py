"""test_ops: the per-op checks driven by the OpInfo table (tests/opinfo/table.py), each against
torch 2.13 computing the expectation: forward values/dtype/shape per dtype; backward with random
upstream gradients and grad_fn names; float64 gradcheck of myautograd itself; non-contiguous ==
contiguous; function / method / in-place variants; error inputs (same exception type and message)."""
import numpy as np
import pytest
import torch

import myautograd as mag
from opinfo.core import FLOAT, T, build, compare, rebuild, run, same_error, tensors_of
from opinfo.table import OPS

GRAD_OPS = [o for o in OPS if o.grad]


def _params(ops, dtypes_of):
    return [pytest.param(o, d, id=f"{o.name}-{d}") for o in ops for d in dtypes_of(o)]


def _both(info, sample, dtype, requires_grad=False, layout=None):
    """Run the op on torch and myautograd: ((leaves, result, exc) for torch, same for mag)."""
    out = []
    for lib in (torch, mag):
        leaves, args, kwargs = build(lib, sample, dtype, requires_grad, layout)
        r, e = run(lambda: info.op(lib, *args, **kwargs))
        out.append((leaves, r, e))
    return out


def _as_torch(x):
    if isinstance(x, mag.Tensor):
        return torch.from_numpy(np.array(x.detach().numpy(), copy=True))
    if isinstance(x, (tuple, list)):
        items = [_as_torch(a) for a in x]
        return type(x)(items) if type(x) in (tuple, list) else type(x)(*items)  # keeps named tuples
    return x


def _check_backward(info, s, t, m, rng):
    """Random upstream gradients (same values to both), grads of every leaf compared with torch."""
    (tl, rt, _), (ml, rm, _) = t, m
    touts, mouts = tensors_of(rt), tensors_of(rm)
    pairs = []
    for k, (a, b) in enumerate(zip(mouts, touts)):
        assert a.requires_grad == b.requires_grad, f"{s.name}: output {k} requires_grad {a.requires_grad} vs torch {b.requires_grad}"
        if b.grad_fn is not None:
            assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__, f"{s.name}: grad_fn {type(a.grad_fn).__name__} vs torch {type(b.grad_fn).__name__}"
            pairs.append((a, b))
    leaves = [(a, b) for a, b in zip(ml, tl) if b.requires_grad]
    if not pairs or not leaves:
        return
    ups = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    gt, et = run(lambda: torch.autograd.grad([b for _, b in pairs], [b for _, b in leaves], [
        torch.from_numpy(u).to(b.dtype) for u, (_, b) in zip(ups, pairs)], allow_unused=True))
    gm, em = run(lambda: mag.autograd.grad([a for a, _ in pairs], [a for a, _ in leaves], [
        mag.from_numpy(u).to(a.dtype) for u, (a, _) in zip(ups, pairs)], allow_unused=True))
    if et is not None or em is not None:  # e.g. floor_divide: torch has no derivative
        same_error(em, et)
        return
    for k, (a, b) in enumerate(zip(gm, gt)):
        if b is None:
            assert a is None or not a.any().item(), f"{s.name}: grad of input {k} should be None"
            continue
        assert a is not None, f"{s.name}: grad of input {k} is None, torch has one"
        compare(a, b, info, f"{s.name}: grad of input {k}")


@pytest.mark.parametrize("info,dtype", _params(OPS, lambda o: o.dtypes))
def test_forward(info, dtype):
    for s in info.samples(info.rng(dtype), dtype):
        (_, rt, et), (_, rm, em) = _both(info, s, dtype)
        if et is not None or em is not None:
            same_error(em, et)
            continue
        compare(rm, rt, info, s.name)


@pytest.mark.parametrize("info,dtype", _params(GRAD_OPS, lambda o: [d for d in FLOAT if d in o.dtypes]))
def test_backward(info, dtype):
    rng = np.random.default_rng(7)
    for s in info.samples(info.rng(dtype), dtype):
        t, m = _both(info, s, dtype, requires_grad=True)
        if t[2] is not None or m[2] is not None:
            same_error(m[2], t[2])
            continue
        _check_backward(info, s, t, m, rng)


def _torch_backward_runs(info, s):
    leaves, args, kwargs = build(torch, s, "float64", requires_grad=True, layout="plain")
    r, e = run(lambda: info.op(torch, *args, **kwargs))
    if e is not None:
        return False  # an error sample: the forward test compares it
    outs = [t for t in tensors_of(r) if t.requires_grad]
    return run(lambda: torch.autograd.grad([o.sum() for o in outs], [x for x in leaves if x.requires_grad],
                                           allow_unused=True))[1] is None


@pytest.mark.parametrize("info", [pytest.param(o, id=o.name) for o in GRAD_OPS if o.gradcheck and "float64" in o.dtypes])
def test_gradcheck(info):
    checked = 0
    for s in info.samples(info.rng("gc"), "float64"):
        if s.kink:
            continue
        leaves, _, _ = build(mag, s, "float64", requires_grad=True, layout="plain")
        if not any(x.requires_grad and x.numel() for x in leaves) or any(
                x.dtype.is_floating_point and x.dtype != mag.float64 for x in leaves):
            continue

        if not _torch_backward_runs(info, s):
            continue  # e.g. scatter with an index smaller than src: torch's backward raises too

        def fn(*ls, s=s):
            args, kwargs = rebuild(s, ls, layout="plain")
            return info.op(mag, *args, **kwargs)
        r, e = run(lambda: fn(*leaves))
        if e is not None or not any(t.requires_grad for t in tensors_of(r)) or any(
                type(t.grad_fn).__name__ == "NotImplemented" for t in tensors_of(r)) or not all(
                t.isfinite().all().item() for t in tensors_of(r) if t.dtype.is_floating_point):
            # errors are the forward test's business, missing derivatives (floor_divide, Scalar % Tensor)
            # the backward test's; nan/inf outputs have no finite differences
            continue
        assert mag.autograd.gradcheck(fn, tuple(leaves), eps=1e-6, atol=1e-5, rtol=1e-3), s.name
        checked += 1
    assert checked, "no sample was gradchecked"


@pytest.mark.parametrize("info", [pytest.param(o, id=o.name) for o in OPS])
def test_noncontiguous(info):
    dtype = info.dtypes[0]
    rng = np.random.default_rng(11)
    for s in info.samples(info.rng("nc"), dtype):
        rg = info.grad and dtype in FLOAT
        t, m = _both(info, s, dtype, requires_grad=rg, layout="step")
        _, rc, ec = build_run(info, s, dtype)
        if t[2] is not None or m[2] is not None:
            same_error(m[2], t[2])
            continue
        assert ec is None, f"{s.name}: contiguous inputs raise {ec!r}, strided ones do not"
        compare(m[1], _as_torch(rc), info, f"{s.name}: strided vs contiguous")
        compare(m[1], t[1], info, f"{s.name}: strided vs torch")
        if rg:
            _check_backward(info, s, t, m, rng)


def build_run(info, s, dtype):
    leaves, args, kwargs = build(mag, s, dtype, layout="plain")
    r, e = run(lambda: info.op(mag, *args, **kwargs))
    return leaves, r, e


def _forms(name):
    yield "function", lambda lib, a, k: getattr(lib, name)(*a, **k), hasattr(torch, name)
    yield "method", lambda lib, a, k: getattr(a[0], name)(*a[1:], **k), hasattr(torch.Tensor, name)
    yield "inplace", lambda lib, a, k: getattr(a[0].clone(), name + "_")(*a[1:], **k), hasattr(torch.Tensor, name + "_")


@pytest.mark.parametrize("info", [pytest.param(o, id=o.name) for o in OPS if o.variant])
def test_variants(info):
    dtype = info.dtypes[0]
    for s in info.samples(info.rng("var"), dtype):
        if not isinstance(s.args[0], T):
            continue  # a Python scalar first: no method form
        _, ta, tk = build(torch, s, dtype)
        _, ma, mk = build(mag, s, dtype)
        results = {}
        for form, call, exists in _forms(info.variant):
            if not exists:
                continue
            rt, et = run(lambda: call(torch, ta, tk))
            rm, em = run(lambda: call(mag, ma, mk))
            if et is not None or em is not None:
                same_error(em, et)
                continue
            compare(rm, rt, info, f"{s.name}: {form}")
            results[form] = rm
        if "function" in results and "method" in results:
            compare(results["method"], _as_torch(results["function"]), info, f"{s.name}: method vs function")


@pytest.mark.parametrize("info", [pytest.param(o, id=o.name) for o in OPS if o.errors])
def test_errors(info):
    cases_t, cases_m = info.errors(torch), info.errors(mag)
    assert len(cases_t) == len(cases_m) and cases_t
    for k, (ct, cm) in enumerate(zip(cases_t, cases_m)):
        _, et = run(ct)
        _, em = run(cm)
        assert et is not None, f"error case {k}: torch does not raise (the case is wrong)"
        same_error(em, et)


def _cuda_leaves(leaves, requires_grad):
    return [x.detach().cuda().requires_grad_(requires_grad and x.requires_grad) for x in leaves]


@pytest.mark.parametrize("info,dtype", _params(OPS, lambda o: o.dtypes))
def test_cuda_matches_cpu(info, dtype):
    """Every sample run on cuda and compared with the same sample on the CPU: outputs and, for
    differentiable ops, the gradients of every leaf under the same random upstream gradients."""
    from _cuda_util import cpu_all, require_cuda
    require_cuda()
    rng = np.random.default_rng(5)
    rg = info.grad and dtype in FLOAT
    for s in info.samples(info.rng(dtype), dtype):
        cl, args, kwargs = build(mag, s, dtype, requires_grad=rg, layout="step")
        rc, ec = run(lambda: info.op(mag, *args, **kwargs))
        gl = _cuda_leaves(cl, rg)
        gargs, gkwargs = rebuild(s, gl, layout="step")
        rg_, eg = run(lambda: info.op(mag, *gargs, **gkwargs))
        if ec is not None or eg is not None:
            assert ec is not None and eg is not None and type(ec) is type(eg), f"{s.name}: cpu {ec!r} vs cuda {eg!r}"
            continue
        for t in tensors_of(rg_):
            assert t.device.type == "cuda", f"{s.name}: result on {t.device}"
        compare(cpu_all(rg_), _as_torch(rc), info, f"{s.name}: cuda vs cpu")
        outs_c = [t for t in tensors_of(rc) if t.requires_grad]
        outs_g = [t for t in tensors_of(rg_) if t.requires_grad]
        leaves_c = [x for x in cl if x.requires_grad]
        if not rg or not outs_c or not leaves_c:
            continue
        ups = [rng.standard_normal(tuple(o.shape)) for o in outs_c]
        gc, e1 = run(lambda: mag.autograd.grad(outs_c, leaves_c, [mag.from_numpy(u).to(o.dtype) for u, o in zip(ups, outs_c)],
                                               allow_unused=True))
        gg, e2 = run(lambda: mag.autograd.grad(outs_g, [x for x in gl if x.requires_grad],
                                               [mag.from_numpy(u).to(o.dtype).cuda() for u, o in zip(ups, outs_g)],
                                               allow_unused=True))
        if e1 is not None or e2 is not None:
            assert e1 is not None and e2 is not None and type(e1) is type(e2), f"{s.name}: backward cpu {e1!r} vs cuda {e2!r}"
            continue
        for k, (a, b) in enumerate(zip(gg, gc)):
            assert (a is None) == (b is None), f"{s.name}: grad {k} None on one device only"
            if a is not None:
                assert a.device.type == "cuda", f"{s.name}: grad {k} on {a.device}"
                compare(a.cpu(), _as_torch(b), info, f"{s.name}: grad of input {k}, cuda vs cpu")
