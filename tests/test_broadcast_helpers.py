"""torch.broadcast_tensors / torch.broadcast_shapes against torch 2.13: result shapes, which
results are the input tensors themselves (ATen's expand_outplace returns a tensor that already
has the common shape unchanged: no view, no ExpandBackward0 in the graph), the graphs the
losses built on them record, and the error types and texts."""
import warnings

import numpy as np
import pytest
import torch

import myautograd as m


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 - the type and text are what is compared
        return type(e).__name__, str(e)


def _graph(t):
    """grad_fn names, depth first, as a nested tuple (None for leaves/constants)."""
    if t is None:
        return None
    return (type(t).__name__, tuple(_graph(f) for f, _ in t.next_functions))


TENSOR_SHAPES = [
    [(16, 1), (16, 1)],
    [(3,), (3,)],
    [(), ()],
    [(2, 1), (3,)],
    [(2, 3), (3,)],
    [(3,), (2, 3)],
    [(1, 3), (2, 1), (2, 3)],
    [(0,), (1,)],
    [(4, 0, 2), (1, 2)],
    [(2, 3)],
    [],
]


@pytest.mark.parametrize("shapes", TENSOR_SHAPES, ids=str)
def test_broadcast_tensors_shapes_identity_and_graph(shapes):
    rng = np.random.default_rng(len(shapes))
    arrays = [rng.standard_normal(s) for s in shapes]
    results = {}
    for lib in (m, torch):
        leaves = [lib.tensor(a.copy()).reshape(a.shape).requires_grad_() for a in arrays]
        inputs = [x * 2 for x in leaves]
        out = lib.broadcast_tensors(*inputs)
        assert isinstance(out, tuple)
        results[lib] = ([tuple(o.shape) for o in out], [o is i for o, i in zip(out, inputs)],
                        [_graph(o.grad_fn) for o in out], [o.tolist() for o in out])
    assert results[m] == results[torch]


@pytest.mark.parametrize("shapes", [[(2, 3), (4,)], [(2, 3), (2, 3), (4,)], [(2, 1), (3,), (4, 1, 1), (5, 1)],
                                    [(5,), (2, 3)], [(0,), (2,)]], ids=str)
def test_broadcast_tensors_errors(shapes):
    outs = [_outcome(lambda lib=lib: lib.broadcast_tensors(*[lib.zeros(s) for s in shapes])) for lib in (m, torch)]
    assert outs[0][0] != "ok"
    assert outs[0] == outs[1]


@pytest.mark.parametrize("bad", ["int", "list", "ndarray", "single_list"])
def test_broadcast_tensors_type_errors(bad):
    def call(lib):
        x = lib.zeros(2, 1)
        if bad == "single_list":
            return lib.broadcast_tensors([x, x])
        other = {"int": 3, "list": [1.0], "ndarray": np.zeros(3)}[bad]
        return lib.broadcast_tensors(x, other)
    assert _outcome(lambda: call(m)) == _outcome(lambda: call(torch))


SHAPE_ARGS = [
    ((2,), (3, 1), (1, 1, 1)),
    ((2, 3), 3),
    (3, 3),
    (),
    ((), ()),
    ((0,), (1,)),
    ((2, 3), (4,)),
    ((2, 3), [1, 1, 3], (5, 1, 1)),
    ((0,), (2,)),
    ((2, -1), (2,)),
    ((1,), (-1,)),
    ((2, 3), None, (3,)),
    ((2, 3), {"a": 1}),
]


@pytest.mark.parametrize("args", SHAPE_ARGS, ids=str)
def test_broadcast_shapes(args):
    def call(lib):
        r = lib.broadcast_shapes(*args)
        return type(r).__name__, str(r)
    assert _outcome(lambda: call(m)) == _outcome(lambda: call(torch))


def test_broadcast_shapes_of_sizes_in_message():
    def call(lib):
        return lib.broadcast_shapes(lib.zeros(2, 3).shape, lib.zeros(4).shape)
    out = _outcome(lambda: call(m))
    assert out[0] == "RuntimeError" and out == _outcome(lambda: call(torch))


@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("shapes", [((16, 1), (16, 1)), ((16,), (16, 1)), ((4, 1), (4,)), ((3, 4), (4,))], ids=str)
def test_loss_graph_matches_torch(loss, shapes):
    """The loss's graph (ExpandBackward0 only where torch has one) and its gradients."""
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    res = {}
    for lib in (m, torch):
        xl = lib.tensor(x.copy()).requires_grad_()
        yl = lib.tensor(y.copy()).requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = getattr(lib.nn.functional, loss)(xl * 1, yl * 1)
        out.backward()
        res[lib] = (_graph(out.grad_fn), xl.grad.tolist(), yl.grad.tolist(), out.item())
    assert res[m][0] == res[torch][0]
    np.testing.assert_allclose(np.array(res[m][1]), np.array(res[torch][1]), rtol=1e-12)
    np.testing.assert_allclose(np.array(res[m][2]), np.array(res[torch][2]), rtol=1e-12)
    assert res[m][3] == pytest.approx(res[torch][3], rel=1e-12)


def test_masked_select_broadcast_error():
    def call(lib):
        return lib.masked_select(lib.zeros(2, 3), lib.zeros(4, dtype=lib.bool))
    out = _outcome(lambda: call(m))
    assert out[0] == "RuntimeError" and out == _outcome(lambda: call(torch))
