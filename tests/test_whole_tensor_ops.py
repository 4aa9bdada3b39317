"""isclose / allclose / equal / repeat_interleave against torch 2.13: values, dtypes, grad_fn
names, gradients with random upstream gradients, and error types and texts."""
import numpy as np
import pytest
import torch

import myautograd as mag

NAN, INF = float("nan"), float("inf")
A = [1.0, 2.0, NAN, INF, -INF, 0.0, 1e-9, 100.0]
B = [1.0, 2.00001, NAN, INF, INF, -0.0, 0.0, 100.001]


def both(fn):
    out = []
    for lib in (torch, mag):
        try:
            r = fn(lib)
            out.append(r.tolist() if hasattr(r, "tolist") else r)
        except Exception as e:  # noqa: BLE001 - compared as (type, text)
            out.append((type(e).__name__, str(e)))
    return out


@pytest.mark.parametrize("kw", [{}, {"equal_nan": True}, {"rtol": 1e-3}, {"atol": 0.01, "rtol": 0}])
def test_isclose_allclose(kw):
    t, m = both(lambda lib: lib.isclose(lib.tensor(A), lib.tensor(B), **kw))
    assert m == t
    t, m = both(lambda lib: lib.allclose(lib.tensor(A[:2]), lib.tensor(B[:2]), **kw))
    assert m == t


@pytest.mark.parametrize("case", [
    lambda lib: lib.isclose(lib.tensor([1, 2]), lib.tensor([1, 3])),
    lambda lib: lib.isclose(lib.tensor(A), lib.tensor(B).double()),
    lambda lib: lib.isclose(lib.tensor(A), 1.0),
    lambda lib: lib.equal(lib.tensor(A), lib.tensor(A)),
    lambda lib: lib.equal(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 2.0])),
    lambda lib: lib.equal(lib.tensor([1.0, 2.0]), lib.tensor([1.0])),
    lambda lib: lib.tensor([1.0, 2.0]).equal(lib.tensor([1.0, 3.0])),
    lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 3])),
    lambda lib: lib.tensor([1, 2]).repeat_interleave(-1),
])
def test_cases(case):
    t, m = both(case)
    assert m == t


@pytest.mark.parametrize("repeats,dim", [(2, None), (3, 0), (2, 1), (1, -1), ("tensor", 0), ("tensor1", 1)])
def test_repeat_interleave_forward_backward(repeats, dim):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3)).tolist()
    results = []
    for lib in (torch, mag):
        xt = lib.tensor(x, dtype=lib.float64, requires_grad=True)
        r = {"tensor": lib.tensor([1, 2]) if dim == 0 else None, "tensor1": lib.tensor([2, 0, 1])}.get(repeats, repeats)
        y = xt.repeat_interleave(r, dim=dim) if dim is not None else xt.repeat_interleave(r)
        g = np.random.default_rng(7).standard_normal(tuple(y.shape)).tolist()
        y.backward(lib.tensor(g, dtype=lib.float64))
        results.append((y.tolist(), type(y.grad_fn).__name__, xt.grad.tolist()))
    assert results[1] == results[0]
