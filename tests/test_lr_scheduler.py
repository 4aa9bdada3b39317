"""lr_scheduler against torch 2.13: the same scheduler built on both libraries' optimizers,
stepped side by side; every lr (and momentum/betas for OneCycleLR) must be the same float.
Also state_dict round trips (and between libraries), initial_lr, last_epoch resume, the
closed form via step(epoch), and torch's warnings.
"""
import math
import warnings

import pytest
import torch

import myautograd as mag

STEPS = 300


def make(lib, opt="SGD", groups=2, **kw):
    ps = [lib.nn.Parameter(lib.ones(2)) for _ in range(groups)]
    pg = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ps)]
    return getattr(lib.optim, opt)(pg, **kw)


class Scale:
    """A callable object (its __dict__ is saved by LambdaLR.state_dict)."""

    def __init__(self, f):
        self.f = f

    def __call__(self, epoch):
        return self.f ** epoch


SCHEDS = [
    ("StepLR", dict(step_size=7, gamma=0.5), "SGD"),
    ("StepLR", dict(step_size=1, gamma=0.9), "SGD"),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 100], gamma=0.3), "SGD"),
    ("ExponentialLR", dict(gamma=0.97), "SGD"),
    ("CosineAnnealingLR", dict(T_max=50), "SGD"),
    ("CosineAnnealingLR", dict(T_max=17, eta_min=0.001), "Adam"),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95 ** e), "SGD"),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: e // 10]), "SGD"),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.99), "SGD"),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=STEPS + 1), "SGD"),
    ("OneCycleLR", dict(max_lr=[0.5, 1.0], total_steps=STEPS + 1, anneal_strategy="linear", three_phase=True),
     "SGD"),
    ("OneCycleLR", dict(max_lr=0.01, epochs=10, steps_per_epoch=31, pct_start=0.25), "Adam"),
]
IDS = [f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDS)]


def _opt_kw(opt):
    return dict(lr=0.1, momentum=0.9) if opt == "SGD" else dict(lr=0.1)


def _snapshot(opt):
    return [(g["lr"], g.get("momentum"), g.get("betas"), g.get("initial_lr")) for g in opt.param_groups]


@pytest.mark.parametrize("name,kw,opt", SCHEDS, ids=IDS)
def test_sequence(name, kw, opt):
    mo, to = make(mag, opt, **_opt_kw(opt)), make(torch, opt, **_opt_kw(opt))
    ms, ts = getattr(mag.optim.lr_scheduler, name)(mo, **kw), getattr(torch.optim.lr_scheduler, name)(to, **kw)
    assert _snapshot(mo) == _snapshot(to)
    assert ms.get_last_lr() == ts.get_last_lr()
    for _ in range(STEPS):
        mo.step()
        to.step()
        ms.step()
        ts.step()
        assert ms.get_last_lr() == ts.get_last_lr()
        assert _snapshot(mo) == _snapshot(to)
        assert ms.last_epoch == ts.last_epoch


@pytest.mark.parametrize("name,kw,opt", SCHEDS, ids=IDS)
def test_state_dict(name, kw, opt):
    mo, to = make(mag, opt, **_opt_kw(opt)), make(torch, opt, **_opt_kw(opt))
    ms, ts = getattr(mag.optim.lr_scheduler, name)(mo, **kw), getattr(torch.optim.lr_scheduler, name)(to, **kw)
    for _ in range(40):
        mo.step()
        to.step()
        ms.step()
        ts.step()
    msd, tsd = ms.state_dict(), ts.state_dict()
    assert sorted(msd) == sorted(tsd)
    for k in tsd:
        if k not in ("lr_lambdas", "anneal_func"):
            assert msd[k] == tsd[k], k
    # torch's state_dict loads into a fresh scheduler of ours and continues identically
    mo2 = make(mag, opt, **_opt_kw(opt))
    mo2.load_state_dict({"state": {}, "param_groups": [dict(g, params=[i]) for i, g in enumerate(
        to.state_dict()["param_groups"])]})
    ms2 = getattr(mag.optim.lr_scheduler, name)(mo2, **kw)
    ms2.load_state_dict(dict(tsd))
    for _ in range(30):
        ms2.step()
        ts.step()
        assert ms2.get_last_lr() == ts.get_last_lr()


def test_lambda_state_dict_callable_object():
    for lib in (mag, torch):
        opt = make(lib, groups=1, lr=0.1)
        s = lib.optim.lr_scheduler.LambdaLR(opt, Scale(0.9))
        sd = s.state_dict()
        assert sd["lr_lambdas"] == [{"f": 0.9}]
        s.load_state_dict({**sd, "lr_lambdas": [{"f": 0.5}]})
        assert s.lr_lambdas[0].f == 0.5
    opt = make(mag, groups=1, lr=0.1)
    assert mag.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


@pytest.mark.parametrize("mode,threshold_mode", [("min", "rel"), ("min", "abs"), ("max", "rel"), ("max", "abs")])
def test_reduce_lr_on_plateau(mode, threshold_mode):
    metrics = [1.0 / (1 + (i % 13)) + 0.001 * math.sin(i) for i in range(200)]
    if mode == "max":
        metrics = [-m for m in metrics]
    kw = dict(mode=mode, threshold_mode=threshold_mode, patience=3, cooldown=2, factor=0.5, min_lr=[0.001, 0.01])
    mo, to = make(mag, lr=0.1), make(torch, lr=0.1)
    ms = mag.optim.lr_scheduler.ReduceLROnPlateau(mo, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(to, **kw)
    for m in metrics:
        mo.step()
        to.step()
        ms.step(mag.tensor(m))
        ts.step(torch.tensor(m))
        assert ms.get_last_lr() == ts.get_last_lr()
        assert (ms.best, ms.num_bad_epochs, ms.cooldown_counter) == (ts.best, ts.num_bad_epochs, ts.cooldown_counter)
    assert ms.state_dict() == {k: v for k, v in ts.state_dict().items()}


def test_closed_form_with_epoch_argument():
    for name, kw in [("StepLR", dict(step_size=3)), ("MultiStepLR", dict(milestones=[2, 5])),
                     ("ExponentialLR", dict(gamma=0.9)), ("CosineAnnealingLR", dict(T_max=10))]:
        mo, to = make(mag, lr=0.1), make(torch, lr=0.1)
        ms, ts = getattr(mag.optim.lr_scheduler, name)(mo, **kw), getattr(torch.optim.lr_scheduler, name)(to, **kw)
        mo.step()
        to.step()
        for e in [3, 7, 1, 12]:
            with pytest.warns(UserWarning, match="epoch parameter"):
                ms.step(e)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ts.step(e)
            assert ms.get_last_lr() == ts.get_last_lr()


def test_resume_with_last_epoch():
    for lib in (mag, torch):
        opt = make(lib, lr=0.1)
        with pytest.raises(KeyError, match="initial_lr"):
            lib.optim.lr_scheduler.StepLR(opt, 3, last_epoch=5)
    mo, to = make(mag, lr=0.1), make(torch, lr=0.1)
    for o in (mo, to):
        for g in o.param_groups:
            g["initial_lr"] = 0.2
    ms = mag.optim.lr_scheduler.CosineAnnealingLR(mo, 20, last_epoch=5)
    ts = torch.optim.lr_scheduler.CosineAnnealingLR(to, 20, last_epoch=5)
    assert ms.get_last_lr() == ts.get_last_lr() and ms.last_epoch == ts.last_epoch == 6
    for _ in range(30):
        mo.step()
        to.step()
        ms.step()
        ts.step()
        assert ms.get_last_lr() == ts.get_last_lr()


def _warnings(lib, order):
    opt = make(lib, lr=0.1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = lib.optim.lr_scheduler.StepLR(opt, 2)
        for what in order:
            (s if what == "s" else opt).step()
        s.get_lr()
    return [str(x.message) for x in w]


@pytest.mark.parametrize("order", ["so", "os", "ss"])
def test_warnings_match_torch(order):
    assert _warnings(mag, order) == _warnings(torch, order)
    if order == "so":
        assert any("before `optimizer.step()`" in m for m in _warnings(mag, order))


def test_errors_match_torch():
    def err(fn):
        out = []
        for lib in (mag, torch):
            with pytest.raises(Exception) as ei:
                fn(lib)
            out.append((ei.type, str(ei.value)))
        assert out[0] == out[1]
    err(lambda lib: lib.optim.lr_scheduler.StepLR(object(), 3))
    err(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make(lib, lr=0.1), max_lr=0.1))
    err(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make(lib, lr=0.1), max_lr=[0.1], total_steps=10))
    err(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make(lib, "Adagrad", lr=0.1), max_lr=0.1, total_steps=10))
    err(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make(lib, lr=0.1), factor=1.0))
    err(lambda lib: lib.optim.lr_scheduler.ReduceLROnPlateau(make(lib, lr=0.1), mode="avg"))
    err(lambda lib: lib.optim.lr_scheduler.LambdaLR(make(lib, lr=0.1), [lambda e: 1.0]))

    def too_many(lib):
        opt = make(lib, lr=0.1)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(4):
                s.step()
    err(too_many)
