"""torch's UserWarnings (TORCH_WARN in ATen) from myautograd: the same category, text and
attribution (the user's file and line: stacklevel), compared with real torch. Warnings that
torch emits once per process (TORCH_WARN_ONCE) are tested in test_engine / test_legacy_types."""
import sys
import warnings

import pytest
import torch

import myautograd as mag


def record(fn, lib):
    """(result or error, [(category, message, file, line)]) of fn(lib) with every warning kept."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn(lib)
            out = [str(t.dtype).replace("torch.", "") + str(tuple(t.shape)) + str(t.tolist())
                   for t in (r if isinstance(r, tuple) else (r,))]
        except Exception as e:  # noqa: BLE001 - type and text are compared
            out = (type(e).__name__, str(e))
    return out, [(x.category.__name__, str(x.message), x.filename, x.lineno) for x in w]


# var/std: "degrees of freedom is <= 0" when input numel / output numel - correction <= 0
# (reduction factor 0 for an empty output); no warning otherwise
@pytest.mark.parametrize("fn", [
    lambda L: L.tensor([1.]).var(), lambda L: L.tensor([1.]).std(), lambda L: L.var(L.tensor([1.])),
    lambda L: L.std(L.tensor([1.]), dim=0), lambda L: L.zeros(0, 3).var(1), lambda L: L.zeros(0, 3).var(0),
    lambda L: L.zeros(3, 0).var(0), lambda L: L.zeros(3, 0).var(), lambda L: L.zeros(2).var(correction=1.5),
    lambda L: L.zeros(2).var(correction=2), lambda L: L.zeros(1).var(correction=-1),
    lambda L: L.zeros(1).var(unbiased=False), lambda L: L.zeros(1).var(dim=()), lambda L: L.zeros(2, 1).var(dim=[]),
    lambda L: L.tensor(3.).var(), lambda L: L.tensor(3.).std(0), lambda L: L.zeros(3, 1).var(1, keepdim=True),
    lambda L: L.zeros(1).std(False), lambda L: L.zeros(1).std(True), lambda L: L.var(L.zeros(1), True),
    lambda L: L.tensor([1]).var(), lambda L: L.zeros(4, 2, dtype=L.float64).std((0, 1), correction=8),
    lambda L: L.zeros(2, 3).var(1),
])
def test_var_std_degrees_of_freedom_warning(fn):
    assert record(fn, mag) == record(fn, torch)


def test_var_warning_once_even_with_backward():
    def fn(L):
        x = L.zeros(1, requires_grad=True)
        x.var().backward()
        return x.grad
    assert record(fn, mag) == record(fn, torch)


def test_non_leaf_grad_access_warning():
    def fn(L):
        y = L.ones(2, requires_grad=True) * 2
        return y.grad is None and y
    got, want = record(fn, mag), record(fn, torch)
    assert want[1] and got == want
    assert got[1][0][2] == sys.modules[__name__].__file__
