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


# --- the fused native layer (one node per layer and direction; csrc/kernels/cpu/rnn.cpp)

def _outputs(out, kind):
    return [out[0], out[1][0], out[1][1]] if kind == "LSTM" else [out[0], out[1]]


@pytest.mark.parametrize("cfg", CONFIGS, ids=[str(c) for c in CONFIGS])
@pytest.mark.parametrize("kind,nl", KINDS)
def test_forward_backward_float32(kind, nl, cfg):
    rng = np.random.default_rng(11 + len(str(cfg)))
    mm, mt = module_pair(_ctor(kind, cfg, nl), seed=3)
    if cfg.get("dropout"):
        mm.eval()
        mt.eval()
    T, N = 6, 3
    x = rng.standard_normal((N, T, 3) if cfg.get("batch_first") else (T, N, 3)).astype(np.float32)
    L = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
    h = rng.standard_normal((L, N, 5)).astype(np.float32)
    if kind == "LSTM":
        c = rng.standard_normal((L, N, 5)).astype(np.float32)
        compare(lambda x, h, c: mm(x, (h, c)), lambda x, h, c: mt(x, (h, c)), [x, h, c], rng,
                params=param_pairs(mm, mt), rtol=3e-5, atol=3e-6)
    else:
        compare(mm, mt, [x, h], rng, params=param_pairs(mm, mt), rtol=3e-5, atol=3e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cfg", [dict(), dict(num_layers=2), dict(bidirectional=True), dict(batch_first=True),
                                 dict(bias=False)], ids=str)
@pytest.mark.parametrize("kind,nl", KINDS)
def test_grad_fn_names_match_torch(kind, nl, cfg, dtype):
    """output / h_n / c_n grad_fn names as torch 2.13 prints them on CPU (LSTM float32:
    MkldnnRnnLayerBackward0 with torch's edges; otherwise the per-step stack's StackBackward0)."""
    mm, mt = module_pair(_ctor(kind, cfg, nl), seed=0)
    mm, mt = mm.to(getattr(m, dtype)), mt.to(getattr(torch, dtype))
    x = np.random.default_rng(0).standard_normal((2, 4, 3)).astype(dtype)
    for with_state in (False, True):
        xm, xt = m.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        args_m, args_t = [xm], [xt]
        if with_state:
            L = cfg.get("num_layers", 1) * (2 if cfg.get("bidirectional") else 1)
            N = 2 if cfg.get("batch_first") else 4
            hm = m.zeros(L, N, 5, dtype=getattr(m, dtype), requires_grad=True)
            ht = torch.zeros(L, N, 5, dtype=getattr(torch, dtype), requires_grad=True)
            args_m.append((hm, hm * 2) if kind == "LSTM" else hm)
            args_t.append((ht, ht * 2) if kind == "LSTM" else ht)
        om, ot = _outputs(mm(*args_m), kind), _outputs(mt(*args_t), kind)
        assert [o.grad_fn.name() for o in om] == [o.grad_fn.name() for o in ot]
        if ot[0].grad_fn.name() == "MkldnnRnnLayerBackward0":
            names = lambda fn: [type(f).__name__ if f is not None else None for f, _ in fn.next_functions]
            assert names(om[0].grad_fn) == names(ot[0].grad_fn)
            # h_n / c_n stack every layer's final state: edges (layer node, output 1 / 2)
            for k in (1, 2):
                assert [(type(f).__name__, i) for f, i in om[k].grad_fn.next_functions] == \
                    [(type(f).__name__, i) for f, i in ot[k].grad_fn.next_functions]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("mode", [0, 1, 2, 3], ids=["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
def test_fused_layer_gradcheck(mode, reverse):
    """float64 gradcheck of the fused layer op itself w.r.t. input, states, weights and biases,
    every output (sequence, h_n, c_n) in play."""
    rng = np.random.default_rng(mode * 2 + reverse)
    T, N, I, H = 4, 2, 3, 3
    G = {0: 4, 1: 3}.get(mode, 1) * H
    shapes = [(T, N, I), (N, H), (N, H), (G, I), (G, H), (G,), (G,)]
    ts = [m.tensor(rng.standard_normal(s) * (0.6 if k < 3 else 0.5), requires_grad=True) for k, s in enumerate(shapes)]
    if mode == 3:  # keep relu pre-activations away from the kink
        ts[0] = m.tensor(np.abs(rng.standard_normal(shapes[0])) + 0.5, requires_grad=True)
        ts[3] = m.tensor(np.abs(rng.standard_normal(shapes[3])) * 0.5, requires_grad=True)

    def fn(x, h, c, wi, wh, bi, bh):
        out, hy, cy = m._C._rnn_layer(mode, reverse, x, h, c if mode == 0 else None, wi, wh, bi, bh)
        return (out, hy, cy) if mode == 0 else (out, hy)
    assert m.autograd.gradcheck(fn, ts if mode == 0 else ts[:2] + [ts[2].detach()] + ts[3:], eps=1e-6, atol=1e-5,
                                rtol=1e-3)


@pytest.mark.parametrize("kind,nl", KINDS)
def test_double_backward_matches_torch(kind, nl):
    """create_graph through the fused node (recomputed with differentiable ops) gives torch's
    second derivatives."""
    rng = np.random.default_rng(21)
    mm, mt = module_pair(_ctor(kind, dict(num_layers=2, bidirectional=True), nl), seed=4, dtype=F64)
    x = rng.standard_normal((3, 2, 3))
    xm, xt = m.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    om, ot = mm(xm)[0], mt(xt)[0]
    u = rng.standard_normal(tuple(ot.shape))
    pm, pt = [xm] + list(mm.parameters()), [xt] + list(mt.parameters())
    gm = m.autograd.grad((om * m.tensor(u)).sum(), pm, create_graph=True)
    gt = torch.autograd.grad((ot * torch.tensor(u)).sum(), pt, create_graph=True)
    for a, b in zip(gm, gt):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-11)
    vs = [rng.standard_normal(tuple(g.shape)) for g in gt]
    sm = sum((g * m.tensor(v)).sum() for g, v in zip(gm, vs))
    st = sum((g * torch.tensor(v)).sum() for g, v in zip(gt, vs))
    ggm = m.autograd.grad(sm, pm, allow_unused=True)
    ggt = torch.autograd.grad(st, pt, allow_unused=True)
    for a, b in zip(ggm, ggt):
        if b is None:
            assert a is None or not a.any().item()
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("case", ["empty_seq", "input_dtype", "hx_dtype", "inplace_input", "inplace_weight"])
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fused_layer_errors_match_torch(kind, case):
    def run(lib):
        lib.manual_seed(0)
        mod = getattr(lib.nn, kind)(3, 4)
        try:
            if case == "empty_seq":
                mod(lib.ones(0, 2, 3))
            elif case == "input_dtype":
                mod(lib.ones(5, 2, 3, dtype=lib.float64))
            elif case == "hx_dtype":
                h = lib.zeros(1, 2, 4, dtype=lib.float64)
                mod(lib.ones(5, 2, 3), (h, h) if kind == "LSTM" else h)
            elif case == "inplace_input":
                x = lib.ones(5, 2, 3, requires_grad=True) * 1
                out = mod(x)[0]
                x.add_(1)
                out.sum().backward()
            elif case == "inplace_weight":
                out = mod(lib.ones(5, 2, 3))[0]
                with lib.no_grad():
                    mod.weight_hh_l0.mul_(2)
                out.sum().backward()
        except Exception as e:
            return type(e).__name__, str(e)
        return None
    got, want = run(m), run(torch)
    if case == "hx_dtype" and kind == "LSTM":
        # torch's oneDNN LSTM reports "get_mkldnn_dtype: unsupported data type"; we give the
        # per-step path's message (same type)
        assert got[0] == want[0] == "RuntimeError"
        return
    if case.startswith("inplace") and kind == "GRU":
        # torch's per-step GRU graph saves reshaped views of the tensors, so its message names
        # those ([10, 3] ... AsStrided); ours names the layer's own saved input
        assert got[0] == want[0] == "RuntimeError"
        assert got[1].split(":")[0] == want[1].split(":")[0]
        return
    assert got == want


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_bfloat16_layers_run_composed(kind):
    """bfloat16 layers take the composed per-step path (the fused kernel is float32/float64):
    values close to torch's at bfloat16 precision, gradients reach the parameters."""
    mm, mt = module_pair(lambda nn: getattr(nn, kind)(3, 4), seed=6)
    mm, mt = mm.to(m.bfloat16), mt.to(torch.bfloat16)
    x = np.random.default_rng(6).standard_normal((5, 2, 3)).astype(np.float32)
    om = mm(m.tensor(x).to(m.bfloat16))[0]
    ot = mt(torch.tensor(x).to(torch.bfloat16))[0]
    np.testing.assert_allclose(om.float().detach().numpy(), ot.float().detach().numpy(), atol=3e-2)
    om.float().sum().backward()
    assert all(p.grad is not None and str(p.grad.dtype) == "torch.bfloat16" for p in mm.parameters())
