"""Smoke test for the benchmark workloads (no timing: timing is never a unit test).

Each workload in bench/workloads.py runs a few iterations under real torch and under
myautograd from the same deterministic inputs; the returned loss must agree within a
float32 tolerance, and the leaves' gradients must exist where the workload uses them.
"""
import math
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import myautograd  # noqa: E402
from bench import workloads as W  # noqa: E402

# loss tolerance (relative) per workload: sums over 1M/4M float32 values differ by summation order
RTOL = {"W5": 2e-3, "W6": 5e-3, "W4": 1e-4}
ITERS = {"W5": 1, "W6": 1}


@pytest.mark.parametrize("spec", W.WORKLOADS, ids=[s[0] for s in W.WORKLOADS])
def test_workload_matches_torch(spec):
    wid, _title, make, *_ = spec
    n = ITERS.get(wid, 3)
    ref = float(make(torch)(n).detach().sum())
    ours = float(make(myautograd)(n).detach().sum())
    assert math.isfinite(ours)
    assert ours == pytest.approx(ref, rel=RTOL.get(wid, 1e-5), abs=1e-6), (wid, ref, ours)


def test_workload_ids_unique():
    ids = [s[0] for s in W.WORKLOADS]
    assert len(ids) == len(set(ids))


def test_runner_selection():
    from bench.runner import _selected
    assert _selected("W1-nograd", ["w1"])
    assert _selected("W1-nograd", ["w1-nograd"])
    assert not _selected("W1-nograd", ["w2"])
    assert not _selected("W10", ["w1"])
    assert _selected("W3", [])
