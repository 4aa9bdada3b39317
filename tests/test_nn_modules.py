"""nn.Module API and the non-recurrent layers, each compared with real torch: registration,
traversal, modes, state_dict round trips through torch, load errors, repr, hooks, dtype
moves, containers; layers' init (bit-exact after manual_seed), forward and backward."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import myautograd as m
from _nn_util import close, compare, load_from_torch, load_into_torch, module_pair, param_pairs, same_state

F64 = np.float64


def _net(nn):
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 3), nn.Tanh()), nn.Dropout(0.2))


# ---------------------------------------------------------------- registration and traversal
def test_named_members_match_torch():
    mm, mt = module_pair(_net)
    assert [n for n, _ in mm.named_parameters()] == [n for n, _ in mt.named_parameters()]
    assert [n for n, _ in mm.named_modules()] == [n for n, _ in mt.named_modules()]
    assert [n for n, _ in mm.named_children()] == [n for n, _ in mt.named_children()]
    assert [n for n, _ in mm.named_parameters(prefix="net")] == [n for n, _ in mt.named_parameters(prefix="net")]
    assert [n for n, _ in mm.named_parameters(recurse=False)] == []
    assert [n for n, _ in mm[0].named_parameters(recurse=False)] == ["weight", "bias"]
    assert len(list(mm.modules())) == len(list(mt.modules())) == 7
    assert len(list(mm.children())) == 4


def test_shared_submodule_and_remove_duplicate():
    def build(nn):
        lin = nn.Linear(2, 2)
        return nn.Sequential(lin, nn.ReLU(), lin)
    mm, mt = module_pair(build)
    for kw in ({}, {"remove_duplicate": False}):
        assert [n for n, _ in mm.named_parameters(**kw)] == [n for n, _ in mt.named_parameters(**kw)]
        assert [n for n, _ in mm.named_modules(**kw)] == [n for n, _ in mt.named_modules(**kw)]
    assert list(mm.state_dict()) == list(mt.state_dict())


def test_attribute_registration_and_delattr():
    for lib in (m, torch):
        mod = lib.nn.Module()
        mod.w = lib.nn.Parameter(lib.ones(2))
        mod.register_buffer("b", lib.zeros(3))
        mod.register_buffer("tmp", lib.zeros(1), persistent=False)
        mod.sub = lib.nn.Linear(2, 2)
        mod.plain = lib.ones(1)
        assert list(mod._parameters) == ["w"] and list(mod._buffers) == ["b", "tmp"]
        assert list(mod.state_dict()) == ["w", "b", "sub.weight", "sub.bias"]
        assert [n for n, _ in mod.named_buffers()] == ["b", "tmp"]
        del mod.w
        del mod.sub
        del mod.b
        assert list(mod.state_dict()) == []
        with pytest.raises(AttributeError):
            mod.w


@pytest.mark.parametrize("case", ["param_plain_tensor", "buffer_exists", "param_dot", "module_type", "buffer_type"])
def test_registration_errors_match_torch(case):
    def run(lib):
        mod = lib.nn.Linear(2, 2)
        try:
            if case == "param_plain_tensor":
                mod.weight = lib.ones(2)
            elif case == "buffer_exists":
                mod.register_buffer("weight", lib.ones(1))
            elif case == "param_dot":
                mod.register_parameter("a.b", None)
            elif case == "module_type":
                mod.add_module("x", 3)
            elif case == "buffer_type":
                mod.register_buffer("x", 3)
        except Exception as e:
            return type(e), str(e)
    assert run(m) == run(torch)


def test_get_submodule_and_parameter():
    mm, mt = module_pair(_net)
    assert repr(mm.get_submodule("2.0")) == repr(mt.get_submodule("2.0"))
    assert mm.get_parameter("2.0.bias") is mm[2][0].bias
    for target in ("2.5", "0.weight.x"):
        errs = []
        for mod in (mm, mt):
            try:
                mod.get_submodule(target)
            except AttributeError as e:
                errs.append(str(e))
        assert errs[0] == errs[1]


# ---------------------------------------------------------------- modes, grads, apply, dtype
def test_train_eval_requires_grad_zero_grad_apply():
    mm, _ = module_pair(_net)
    mm.eval()
    assert not any(x.training for x in mm.modules())
    mm.train()
    assert all(x.training for x in mm.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        mm.train("yes")
    mm(m.ones(2, 4)).sum().backward()
    assert all(p.grad is not None for p in mm.parameters())
    mm.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in mm.parameters())
    mm.zero_grad()
    assert all(p.grad is None for p in mm.parameters())
    mm.requires_grad_(False)
    assert not any(p.requires_grad for p in mm.parameters())
    seen = []
    mm.apply(lambda x: seen.append(type(x).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Tanh", "Sequential", "Dropout", "Sequential"]


def test_dtype_moves_keep_parameter_identity():
    mm, mt = module_pair(lambda nn: nn.BatchNorm1d(3))
    w = mm.weight
    mm.double()
    mt.double()
    assert mm.weight is w and mm.weight.dtype is m.float64 and isinstance(mm.weight, m.nn.Parameter)
    assert mm.num_batches_tracked.dtype is m.int64
    assert [str(v.dtype) for v in mm.state_dict().values()] == [str(v.dtype) for v in mt.state_dict().values()]
    mm.half()
    assert mm.weight.dtype is m.float16
    mm.to(m.float32)
    assert mm.running_mean.dtype is m.float32
    mm.to("cpu")
    mm.cpu()
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        mm.to(m.int32)
    if not m.cuda.is_available():  # torch's error for this build: no CUDA code, or no driver
        built = m._C._cuda_is_built()
        with pytest.raises(RuntimeError if built else AssertionError,
                           match="Found no NVIDIA driver" if built else "Torch not compiled with CUDA enabled"):
            mm.cuda()


# ---------------------------------------------------------------- state_dict
def test_state_dict_metadata_and_keep_vars():
    mm, mt = module_pair(lambda nn: nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)))
    sm, st = mm.state_dict(), mt.state_dict()
    assert type(sm) is OrderedDict and list(sm) == list(st)
    assert dict(sm._metadata) == dict(st._metadata)
    assert all(v.grad_fn is None and not v.requires_grad for v in sm.values())
    kv = mm.state_dict(keep_vars=True)
    assert kv["0.weight"] is mm[0].weight
    assert list(mm.state_dict(prefix="p.")) == list(mt.state_dict(prefix="p."))


def test_state_dict_round_trip_through_torch():
    mm, mt = module_pair(_net, seed=5)
    _, other = module_pair(_net, seed=6)
    load_into_torch(mm, other)
    same_state(mm, other)
    mm2, _ = module_pair(_net, seed=7)
    load_from_torch(mm2, mt)
    same_state(mm2, mt)


@pytest.mark.parametrize("case", ["missing", "unexpected", "both", "size", "nonstrict"])
def test_load_state_dict_errors_match_torch(case):
    def run(lib):
        mod = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Linear(3, 1))
        sd = {k: v.clone() for k, v in mod.state_dict().items()}
        if case in ("missing", "both", "nonstrict"):
            del sd["1.bias"]
        if case in ("unexpected", "both", "nonstrict"):
            sd["1.extra"] = lib.ones(1)
            sd["2.weight"] = lib.ones(1)
        if case == "size":
            sd["0.weight"] = lib.ones(4, 2)
        try:
            res = mod.load_state_dict(sd, strict=case != "nonstrict")
            return repr(res), res.missing_keys, res.unexpected_keys
        except RuntimeError as e:
            return str(e)
    assert run(m) == run(torch)


def test_load_state_dict_result_repr():
    mm, mt = module_pair(lambda nn: nn.Linear(2, 2))
    assert repr(mm.load_state_dict(mm.state_dict())) == repr(mt.load_state_dict(mt.state_dict()))


# ---------------------------------------------------------------- hooks and call
def test_forward_hooks_and_removal():
    for lib in (m, torch):
        lin = lib.nn.Linear(2, 2)
        calls = []
        h1 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = lin.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
        x = lib.ones(1, 2)
        out = lin(x)
        expect = lib.nn.functional.linear(x * 2, lin.weight, lin.bias) + 1
        assert float((out - expect).abs().max()) == 0 and calls == [(1, 2)]
        h1.remove()
        h2.remove()
        assert float((lin(x) - lin.forward(x)).abs().max()) == 0 and len(calls) == 1


def test_forward_hook_with_kwargs():
    lin = m.nn.Linear(2, 2)
    seen = []
    lin.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs), with_kwargs=True)
    lin(m.ones(2))
    assert seen == [{}]


def test_full_backward_hook_matches_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    got = []
    for lib in (m, torch):
        lib.manual_seed(0)
        lin = lib.nn.Linear(4, 2).double()
        rec = []
        lin.register_full_backward_hook(lambda mod, gi, go: rec.append((gi, go)))
        xi = lib.tensor(x, requires_grad=True)
        (lin(xi) * lib.tensor([[1.0, -2.0]], dtype=lib.float64)).sum().backward()
        assert len(rec) == 1
        got.append([t.detach().numpy() for t in rec[0][0] + rec[0][1]] + [xi.grad.numpy()])
    for a, b in zip(*got):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_forward_not_implemented_message():
    for lib in (m, torch):
        with pytest.raises(NotImplementedError, match=r'Module \[ModuleList\] is missing the required "forward" function'):
            lib.nn.ModuleList()(1)


# ---------------------------------------------------------------- repr
REPR_CASES = [
    lambda nn: _net(nn),
    lambda nn: nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Linear(2, 3), nn.Linear(2, 3), nn.Tanh()]),
    lambda nn: nn.ModuleList(),
    lambda nn: nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.GELU("tanh")}),
    lambda nn: nn.ParameterList([nn.Parameter(torch.ones(2, 3)) if nn is torch.nn else m.nn.Parameter(m.ones(2, 3))]),
    lambda nn: nn.Sequential(OrderedDict([("fc", nn.Linear(3, 3, bias=False)), ("act", nn.LeakyReLU(0.2, True))])),
    lambda nn: nn.Sequential(nn.ELU(0.5), nn.SiLU(), nn.Sigmoid(), nn.Softplus(2, 10), nn.Softmax(1),
                             nn.LogSoftmax(-1), nn.Identity(), nn.Flatten(), nn.Unflatten(1, (2, 3)),
                             nn.Embedding(5, 3, padding_idx=-1), nn.LayerNorm(4), nn.LayerNorm([2, 3], bias=False),
                             nn.BatchNorm1d(3), nn.BatchNorm1d(3, momentum=None, affine=False), nn.Dropout(0.3),
                             nn.ReLU(inplace=True), nn.Hardtanh()),
    lambda nn: nn.Sequential(nn.MSELoss(), nn.CrossEntropyLoss(label_smoothing=0.1), nn.BCEWithLogitsLoss(),
                             nn.KLDivLoss(), nn.HuberLoss(), nn.SmoothL1Loss(), nn.NLLLoss(), nn.L1Loss(), nn.BCELoss()),
]


@pytest.mark.parametrize("i", range(len(REPR_CASES)))
def test_repr_matches_torch(i):
    mm, mt = module_pair(REPR_CASES[i])
    assert repr(mm) == repr(mt)


def test_parameter_repr_and_dict_repr():
    assert repr(m.nn.Parameter(m.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    assert str(m.nn.Parameter(m.ones(2), requires_grad=False)) == str(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    pm = m.nn.ParameterDict({"a": m.ones(2, 3, dtype=m.float64), "b": m.zeros(1)})
    pt = torch.nn.ParameterDict({"a": torch.ones(2, 3, dtype=torch.float64), "b": torch.zeros(1)})
    assert repr(pm) == repr(pt)


# ---------------------------------------------------------------- containers
def test_sequential_indexing_and_mutation():
    mm, mt = module_pair(lambda nn: nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Tanh(), nn.Sigmoid()))
    assert repr(mm[-1]) == repr(mt[-1]) and repr(mm[1:3]) == repr(mt[1:3])
    assert type(mm[1:3]) is m.nn.Sequential and len(mm) == 4
    for s in (mm, mt):
        lib_nn = m.nn if s is mm else torch.nn
        s.append(lib_nn.GELU())
        s.insert(1, lib_nn.SiLU())
        s.extend([lib_nn.ELU()])
        del s[0]
        s[0] = lib_nn.Identity()
    assert repr(mm) == repr(mt)
    assert [type(x).__name__ for x in mm] == [type(x).__name__ for x in mt]
    with pytest.raises(IndexError, match="index 10 is out of range"):
        mm[10]


def test_sequential_forward_matches_torch():
    rng = np.random.default_rng(1)
    mm, mt = module_pair(_net)
    mm.eval()
    mt.eval()
    compare(mm, mt, [rng.standard_normal((5, 4)).astype(np.float32)], rng, params=param_pairs(mm, mt))


def test_module_list_and_dict():
    ml = m.nn.ModuleList([m.nn.ReLU()])
    ml.append(m.nn.Tanh()).extend([m.nn.Sigmoid()])
    ml.insert(0, m.nn.Identity())
    assert [type(x).__name__ for x in ml] == ["Identity", "ReLU", "Tanh", "Sigmoid"]
    assert type(ml[1:]) is m.nn.ModuleList and type(ml[-1]).__name__ == "Sigmoid"
    md = m.nn.ModuleDict([("a", m.nn.ReLU()), ("b", m.nn.Tanh())])
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    md["c"] = m.nn.Linear(1, 1)
    assert [n for n, _ in md.named_parameters()] == ["c.weight", "c.bias"]
    assert type(md.pop("a")).__name__ == "ReLU" and list(md) == ["b", "c"]


def test_parameter_list_and_dict():
    pl = m.nn.ParameterList([m.ones(2), m.nn.Parameter(m.zeros(3))])
    pl.append(m.ones(1))
    assert len(pl) == 3 and all(isinstance(p, m.nn.Parameter) for p in pl)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2"]
    pd = m.nn.ParameterDict({"b": m.ones(1), "a": m.ones(2)})
    assert list(pd.keys()) == ["a", "b"]
    assert [n for n, _ in pd.named_parameters()] == ["a", "b"]
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()


# ---------------------------------------------------------------- layers
def _x(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


LAYERS = [
    ("linear", lambda nn: nn.Linear(4, 3), [(5, 4)]),
    ("linear_1d", lambda nn: nn.Linear(4, 3), [(4,)]),
    ("linear_3d", lambda nn: nn.Linear(4, 3), [(2, 5, 4)]),
    ("linear_nobias", lambda nn: nn.Linear(4, 3, bias=False), [(2, 5, 4)]),
    ("identity", lambda nn: nn.Identity(), [(3, 2)]),
    ("flatten", lambda nn: nn.Flatten(), [(2, 3, 4)]),
    ("unflatten", lambda nn: nn.Unflatten(1, (2, 3)), [(4, 6)]),
    ("layernorm", lambda nn: nn.LayerNorm(5), [(3, 5)]),
    ("layernorm2", lambda nn: nn.LayerNorm([3, 4], eps=1e-3), [(2, 3, 4)]),
    ("layernorm_noaffine", lambda nn: nn.LayerNorm(4, elementwise_affine=False), [(3, 4)]),
    ("layernorm_nobias", lambda nn: nn.LayerNorm(4, bias=False), [(3, 4)]),
    ("relu", lambda nn: nn.ReLU(), [(4, 5)]),
    ("leaky", lambda nn: nn.LeakyReLU(0.2), [(4, 5)]),
    ("elu", lambda nn: nn.ELU(0.7), [(4, 5)]),
    ("gelu", lambda nn: nn.GELU(), [(4, 5)]),
    ("gelu_tanh", lambda nn: nn.GELU("tanh"), [(4, 5)]),
    ("silu", lambda nn: nn.SiLU(), [(4, 5)]),
    ("tanh", lambda nn: nn.Tanh(), [(4, 5)]),
    ("sigmoid", lambda nn: nn.Sigmoid(), [(4, 5)]),
    ("softplus", lambda nn: nn.Softplus(2.0, 1.0), [(4, 5)]),
    ("softmax", lambda nn: nn.Softmax(dim=1), [(4, 5)]),
    ("logsoftmax", lambda nn: nn.LogSoftmax(dim=0), [(4, 5)]),
    ("hardtanh", lambda nn: nn.Hardtanh(-0.5, 0.5), [(4, 5)]),
]


@pytest.mark.parametrize("dtype", [np.float32, F64])
@pytest.mark.parametrize("name,ctor,shapes", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(name, ctor, shapes, dtype):
    rng = np.random.default_rng(hash(name) % 1000)
    mm, mt = module_pair(ctor, seed=3, dtype=dtype)
    same_state(mm, mt)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    compare(mm, mt, [_x(rng, *s, dtype=dtype) for s in shapes], rng, params=param_pairs(mm, mt), **tol)


@pytest.mark.parametrize("seed", [0, 1, 123])
@pytest.mark.parametrize("ctor", [lambda nn: nn.Linear(10, 5), lambda nn: nn.Linear(7, 1, bias=False),
                                  lambda nn: nn.Embedding(11, 4), lambda nn: nn.Embedding(6, 3, padding_idx=2),
                                  lambda nn: nn.LayerNorm(6), lambda nn: nn.BatchNorm1d(4),
                                  lambda nn: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))])
def test_init_bit_exact(ctor, seed):
    mm, mt = module_pair(ctor, seed=seed)
    same_state(mm, mt, exact=True)
    # the global stream is left in the same place
    assert m.rand(3).numpy().tobytes() == torch.rand(3).numpy().tobytes()


@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_matches_torch(padding_idx):
    rng = np.random.default_rng(0)
    mm, mt = module_pair(lambda nn: nn.Embedding(6, 3, padding_idx=padding_idx), dtype=F64)
    idx = np.array([[0, 1, 5], [1, 1, 3]])
    compare(mm, mt, [idx], rng, params=param_pairs(mm, mt))


def test_embedding_from_pretrained():
    w = np.arange(12, dtype=np.float32).reshape(4, 3)
    em = m.nn.Embedding.from_pretrained(m.tensor(w))
    et = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert not em.weight.requires_grad and repr(em) == repr(et)
    close(em(m.tensor([3, 0])), et(torch.tensor([3, 0])))
    assert m.nn.Embedding.from_pretrained(m.tensor(w), freeze=False).weight.requires_grad


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
@pytest.mark.parametrize("kw", [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False}])
def test_batchnorm_matches_torch(shape, kw):
    rng = np.random.default_rng(2)
    mm, mt = module_pair(lambda nn: nn.BatchNorm1d(3, **kw), dtype=F64)
    for step in range(3):
        compare(mm, mt, [_x(rng, *shape, dtype=F64) * 2 + 1], rng, params=param_pairs(mm, mt), rtol=1e-9, atol=1e-10)
        same_state(mm, mt, exact=False)
    mm.eval()
    mt.eval()
    compare(mm, mt, [_x(rng, *shape, dtype=F64)], rng, params=param_pairs(mm, mt), rtol=1e-9, atol=1e-10)
    if mt.track_running_stats:
        assert int(mm.num_batches_tracked) == int(mt.num_batches_tracked) == 3


def test_batchnorm_errors_and_old_state_dict():
    bn = m.nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        bn(m.ones(1, 3, 1, 1))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 3\]\)"):
        bn(m.ones(1, 3))
    sd = bn.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    assert not bn.load_state_dict(sd).missing_keys


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_dropout_stream_matches_torch(p):
    rng = np.random.default_rng(0)
    x = _x(rng, 7, 9)
    mm, mt = module_pair(lambda nn: nn.Dropout(p))
    m.manual_seed(11)
    torch.manual_seed(11)
    compare(mm, mt, [x], rng, rtol=0, atol=0)
    mm.eval()
    xm = m.tensor(x)
    assert mm(xm) is xm


def test_module_call_fast_path_and_kwargs():
    class Two(m.nn.Module):
        def forward(self, a, b=1):
            return a * b
    assert float(Two()(m.ones(1), b=3)) == 3.0


LINEAR_SETUPS = ["plain", "no_bias", "weight_reassigned_plain_tensor", "weight_as_buffer", "instance_dict_shadow",
                 "subclass_property", "bias_deleted_then_none_attr"]


@pytest.mark.parametrize("setup", LINEAR_SETUPS)
def test_linear_forward_reads_weight_like_torch(setup):
    """Linear.forward's direct read of _parameters applies only where `self.weight` would give the
    same object; every other arrangement of weight/bias takes the ordinary attribute lookup and
    the result is torch's."""
    rng = np.random.default_rng(4)
    w2, x = rng.standard_normal((2, 3)), rng.standard_normal((5, 3))
    outs = []
    for lib in (m, torch):
        class Scaled(lib.nn.Linear):  # a class property shadowing the registered parameter
            @property
            def weight(self):
                return self._parameters["weight"] * 2
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 2, bias=setup != "no_bias").double()
        other = lib.tensor(w2)
        if setup == "subclass_property":  # as torch.nn.utils.parametrize swaps the class
            lin.__class__ = Scaled
        elif setup == "weight_reassigned_plain_tensor":
            del lin.weight
            lin.weight = other
        elif setup == "weight_as_buffer":
            del lin.weight
            lin.register_buffer("weight", other)
        elif setup == "instance_dict_shadow":
            object.__setattr__(lin, "weight", other)
        elif setup == "bias_deleted_then_none_attr":
            del lin.bias
            lin.bias = None
        outs.append(lin(lib.tensor(x)).tolist())
    np.testing.assert_allclose(np.array(outs[0]), np.array(outs[1]), rtol=1e-12, atol=1e-12)


def test_global_forward_hooks_match_torch():
    """torch.nn.modules.module.register_module_forward_[pre_]hook: called for every module,
    before the module's own hooks, their results replace inputs/outputs, and after removal the
    hook-free fast path runs again (also inside Sequential)."""
    def run(lib):
        from importlib import import_module
        mod = import_module(lib.__name__ + ".nn.modules.module")
        calls = []
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
        net[0].register_forward_pre_hook(lambda mo, a: calls.append(("own_pre", type(mo).__name__)))
        net[2].register_forward_hook(lambda mo, a, o: calls.append(("own_post", type(mo).__name__)))
        h1 = mod.register_module_forward_pre_hook(lambda mo, a: calls.append(("pre", type(mo).__name__)))
        h2 = mod.register_module_forward_hook(lambda mo, a, o: (calls.append(("post", type(mo).__name__)), o * 2)[1])
        h3 = mod.register_module_forward_hook(lambda mo, a, k, o: calls.append(("kw", sorted(k))), with_kwargs=True)
        x = lib.tensor([[1.0, -2.0, 0.5]])
        try:
            y1 = net(x).tolist()
        finally:
            for h in (h1, h2, h3):
                h.remove()
        y2 = net(x).tolist()
        return calls, y1, y2
    (cm, ym1, ym2), (ct, yt1, yt2) = run(m), run(torch)
    assert cm == ct
    np.testing.assert_allclose(ym1, yt1, rtol=1e-6)
    np.testing.assert_allclose(ym2, yt2, rtol=1e-6)


def test_sequential_runs_children_through_their_call():
    """Sequential's direct forward call is taken only where __call__ would do just that: a child
    with its own __call__, or with a full backward hook, is called as in torch."""
    def run(lib):
        class Doubling(lib.nn.Module):
            def forward(self, x):
                return x + 1

            def __call__(self, x):
                return super().__call__(x) * 2
        lib.manual_seed(0)
        lin = lib.nn.Linear(3, 3)
        seen = []
        lin.register_full_backward_hook(lambda mo, gi, go: seen.append(tuple(go[0].shape)))
        net = lib.nn.Sequential(Doubling(), lin)
        x = lib.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        y = net(x)
        y.sum().backward()
        return y.tolist(), x.grad.tolist(), seen
    (ym, gm, sm), (yt, gt, st) = run(m), run(torch)
    np.testing.assert_allclose(ym, yt, rtol=1e-6)
    np.testing.assert_allclose(gm, gt, rtol=1e-6)
    assert sm == st == [(1, 3)]
