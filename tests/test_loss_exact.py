"""nll_loss / cross_entropy reductions bit-exact against torch 2.13 (Note [nll cascade] in
csrc/autograd/ops_linalg.cpp): the printed loss of a tutorial is torch's to the last bit."""
import numpy as np
import pytest
import torch

import myautograd as mag


@pytest.mark.parametrize("n", [1, 2, 5, 16, 17, 33, 100, 257, 1000])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nll_loss_reduction_is_bit_exact(n, reduction, weighted, dtype):
    # the same log-probabilities on both sides (torch's log_softmax), so only the reduction
    # order is compared; log_softmax itself may differ by an ulp (exp/log implementations)
    rng = np.random.default_rng(n)
    x = torch.log_softmax(torch.tensor(rng.standard_normal((n, 7)).astype(dtype)), 1).numpy()
    t = rng.integers(0, 7, n)
    t[::5] = -100  # some ignored targets
    w = rng.random(7).astype(dtype) if weighted else None
    out = []
    for lib in (torch, mag):
        kw = {"weight": lib.tensor(w)} if weighted else {}
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.nll_loss(xt, lib.tensor(t), reduction=reduction, **kw)
        loss.backward()
        out.append((loss.item(), xt.grad.tolist()))
    assert out[1][0] == out[0][0] or (np.isnan(out[1][0]) and np.isnan(out[0][0]))
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-6, atol=1e-7)
