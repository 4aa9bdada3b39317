"""nn.init against torch: every initialiser bit-exact after manual_seed (orthogonal_ to
rounding: its QR goes through numpy), the stream left in the same place, calculate_gain and
the fan/mode errors."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as m

SHAPES = [(5, 7), (7, 5), (4, 3, 2, 2)]

INITS = [
    ("uniform_", dict(a=-0.3, b=0.7)), ("normal_", dict(mean=2.0, std=3.0)), ("constant_", dict(val=0.25)),
    ("zeros_", {}), ("ones_", {}), ("xavier_uniform_", dict(gain=2.0)), ("xavier_normal_", {}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", dict(a=0.1, mode="fan_out", nonlinearity="relu")),
    ("kaiming_normal_", {}), ("kaiming_normal_", dict(mode="fan_out", nonlinearity="tanh")),
    ("trunc_normal_", {}), ("trunc_normal_", dict(mean=0.5, std=0.2, a=0.0, b=1.0)),
    ("trunc_normal_", dict(a=1.0, b=3.0)),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,kw", INITS, ids=[f"{n}{kw}" for n, kw in INITS])
def test_init_bit_exact(name, kw, shape):
    for seed in (0, 5):
        torch.manual_seed(seed)
        t = getattr(torch.nn.init, name)(torch.empty(shape), **kw)
        m.manual_seed(seed)
        x = getattr(m.nn.init, name)(m.empty(shape), **kw)
        assert x.numpy().tobytes() == t.numpy().tobytes()
        assert m.rand(2).numpy().tobytes() == torch.rand(2).numpy().tobytes()


@pytest.mark.parametrize("shape", SHAPES + [(3, 3)])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal(shape, gain):
    torch.manual_seed(3)
    t = torch.nn.init.orthogonal_(torch.empty(shape), gain=gain)
    m.manual_seed(3)
    x = m.nn.init.orthogonal_(m.empty(shape), gain=gain)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-5, atol=2e-6)
    assert m.rand(2).numpy().tobytes() == torch.rand(2).numpy().tobytes()


def test_eye():
    for shape in [(3, 5), (4, 2)]:
        assert np.array_equal(m.nn.init.eye_(m.empty(shape)).numpy(), torch.nn.init.eye_(torch.empty(shape)).numpy())


def test_init_on_parameter_keeps_leaf():
    p = m.nn.Parameter(m.empty(3, 4))
    m.nn.init.kaiming_uniform_(p)
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                                  ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",)])
def test_calculate_gain(args):
    assert m.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


@pytest.mark.parametrize("case", ["gain_bad", "gain_slope", "fan_1d", "mode", "eye_3d", "orth_1d"])
def test_errors_match_torch(case):
    def run(lib):
        init = lib.nn.init
        try:
            if case == "gain_bad":
                init.calculate_gain("swish")
            elif case == "gain_slope":
                init.calculate_gain("leaky_relu", True)
            elif case == "fan_1d":
                init.xavier_uniform_(lib.empty(3))
            elif case == "mode":
                init.kaiming_normal_(lib.empty(3, 2), mode="fan_avg")
            elif case == "eye_3d":
                init.eye_(lib.empty(2, 2, 2))
            elif case == "orth_1d":
                init.orthogonal_(lib.empty(3))
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch)


def test_zero_element_warning():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        m.nn.init.kaiming_uniform_(m.empty(0, 3))
