"""RNN / LSTM / GRU and the cells against torch: parameter names and shapes, init bit-exact
after manual_seed, repr, forward outputs and final states, gradients of inputs, initial
states and every parameter under random upstream gradients (float64), error messages."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as m
from _nn_util import compare, module_pair, param_pairs, same_state

F64 = np.float64

CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, batch_first=True),
    dict(bias=False),
    dict(num_layers=3, dropout=0.4),
]


def _ctor(kind, cfg, nonlinearity=None):
    def build(nn):
        kw = dict(cfg)
        if nonlinearity:
            kw["nonlinearity"] = nonlinearity
        return getattr(nn, kind)(3, 5, **kw)
    return build


KINDS = [("LSTM", None), ("GRU", None), ("RNN", None), ("RNN", "relu")]


@pytest.mark.parametrize("cfg", CONFIGS, ids=[str(c) for c in CONFIGS])
@pytest.mark.parametrize("kind,nl", KINDS)
def test_init_names_repr(kind, nl, cfg):
    for seed in (0, 7):
        mm, mt = module_pair(_ctor(kind, cfg, nl), seed=seed)
        same_state(mm, mt, exact=True)
        assert [(n, tuple(p.shape)) for n, p in mm.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in mt.named_parameters()]
        assert repr(mm) == repr(mt)


@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("cfg", CONFIGS, ids=[str(c) for c in CONFIGS])
@pytest.mark.parametrize("kind,nl", KINDS)
def test_forward_backward(kind, nl, cfg, with_state):
    rng = np.random.default_rng(len(str(cfg)) + 10 * with_state)
    mm, mt = module_pair(_ctor(kind, cfg, nl), seed=1, dtype=F64)
    if cfg.get("dropout"):
        mm.eval()
        mt.eval()
    T, N = 4, 2
    x = rng.standard_normal((N, T, 3) if cfg.get("batch_first") else (T, N, 3))
    L = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
    inputs = [x]
    if with_state:
        inputs.append(rng.standard_normal((L, N, 5)))
        if kind == "LSTM":
            inputs.append(rng.standard_normal((L, N, 5)))
    if kind == "LSTM" and with_state:
        fm, ft = (lambda x, h, c: mm(x, (h, c))), (lambda x, h, c: mt(x, (h, c)))
    else:
        fm, ft = mm, mt
    compare(fm, ft, inputs, rng, params=param_pairs(mm, mt), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("kind,nl", KINDS)
def test_unbatched_input(kind, nl):
    rng = np.random.default_rng(3)
    mm, mt = module_pair(_ctor(kind, dict(num_layers=2, bidirectional=True), nl), dtype=F64)
    x, h = rng.standard_normal((5, 3)), rng.standard_normal((4, 5))
    if kind == "LSTM":
        compare(lambda x, h: mm(x, (h, h * 2)), lambda x, h: mt(x, (h, h * 2)), [x, h], rng,
                params=param_pairs(mm, mt), rtol=1e-9, atol=1e-11)
    else:
        compare(mm, mt, [x, h], rng, params=param_pairs(mm, mt), rtol=1e-9, atol=1e-11)


def test_float32_lstm_close_to_torch():
    rng = np.random.default_rng(4)
    mm, mt = module_pair(lambda nn: nn.LSTM(3, 6, num_layers=2, batch_first=True))
    compare(mm, mt, [rng.standard_normal((2, 7, 3)).astype(np.float32)], rng, params=param_pairs(mm, mt),
            rtol=2e-5, atol=2e-6)


def test_dropout_between_layers_train_mode():
    mm, _ = module_pair(lambda nn: nn.GRU(3, 5, num_layers=2, dropout=0.5))
    x = m.randn(4, 2, 3)
    m.manual_seed(0)
    a = mm(x)[0]
    m.manual_seed(0)
    b = mm(x)[0]
    m.manual_seed(1)
    c = mm(x)[0]
    assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert not np.array_equal(a.detach().numpy(), c.detach().numpy())
    mm.eval()
    assert np.array_equal(mm(x)[0].detach().numpy(), mm(x)[0].detach().numpy())


CELLS = [("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
         ("LSTMCell", {"bias": False}), ("GRUCell", {"bias": False})]


@pytest.mark.parametrize("kind,kw", CELLS)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cells(kind, kw, batched, with_state):
    rng = np.random.default_rng(5)
    mm, mt = module_pair(lambda nn: getattr(nn, kind)(3, 4, **kw), seed=2)
    same_state(mm, mt, exact=True)
    assert repr(mm) == repr(mt)
    mm, mt = mm.double(), mt.double()
    x = rng.standard_normal((2, 3) if batched else (3,))
    hs = (2, 4) if batched else (4,)
    inputs = [x]
    if with_state:
        inputs += [rng.standard_normal(hs)] * (2 if kind == "LSTMCell" else 1)
    if kind == "LSTMCell" and with_state:
        fm, ft = (lambda x, h, c: mm(x, (h, c))), (lambda x, h, c: mt(x, (h, c)))
    else:
        fm, ft = mm, mt
    compare(fm, ft, inputs, rng, params=param_pairs(mm, mt), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("case", ["input_4d", "rnn_4d", "cell_3d", "input_size", "hidden_shape", "unbatched_h", "nonlinearity",
                                  "proj_rnn", "dropout_range"])
def test_errors_match_torch(case):
    def run(lib):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if case == "input_4d":
                    lib.nn.LSTM(3, 4)(lib.ones(1, 2, 3, 4))
                elif case == "rnn_4d":
                    lib.nn.RNN(3, 4)(lib.ones(1, 2, 3, 4))
                elif case == "cell_3d":
                    lib.nn.LSTMCell(3, 4)(lib.ones(2, 3), (lib.ones(1, 2, 4), lib.ones(2, 4)))
                elif case == "input_size":
                    lib.nn.GRU(3, 4)(lib.ones(2, 2, 5))
                elif case == "hidden_shape":
                    lib.nn.LSTM(3, 4, num_layers=2)(lib.ones(2, 2, 3), (lib.zeros(1, 2, 4), lib.zeros(1, 2, 4)))
                elif case == "unbatched_h":
                    lib.nn.RNN(3, 4)(lib.ones(2, 3), lib.zeros(1, 1, 4))
                elif case == "nonlinearity":
                    lib.nn.RNN(3, 4, nonlinearity="gelu")
                elif case == "proj_rnn":
                    lib.nn.GRU(3, 4, proj_size=2)
                elif case == "dropout_range":
                    lib.nn.LSTM(3, 4, dropout=1.5)
        except Exception as e:
            return type(e).__name__, str(e)
    assert run(m) == run(torch)


def test_dropout_single_layer_warns():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        m.nn.LSTM(3, 4, dropout=0.5)
