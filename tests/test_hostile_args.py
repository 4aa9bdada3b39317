"""Bad input never crashes: every public function and Tensor method is called with hostile
arguments in a subprocess (_hostile_worker.py); a signal/abort is counted, the worker resumes
after the crashing call, and the test requires zero crashes. Targeted cases below compare the
exception type and message with torch (indices, huge sizes, in-place on expanded memory)."""
import os
import subprocess
import sys

import pytest
import torch

import myautograd as mag

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "_hostile_worker.py")


def sweep(tmp_path, budget_s=540):
    """Run the worker to the end, restarting after each crash; return [(index, signal)]."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    progress = str(tmp_path / "progress")
    crashes, start = [], 0
    while True:
        p = subprocess.run([sys.executable, WORKER, progress, str(start)], cwd=tmp_path, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=budget_s)
        last = open(progress).read().strip()
        if p.returncode == 0 and last == "done":
            return crashes
        assert last != "done", p.stderr[-2000:]
        crashes.append((int(last), p.returncode, p.stderr.decode(errors="replace")[-300:]))
        start = int(last) + 1


def describe(index):
    sys.path.insert(0, HERE)
    import _hostile_worker as w
    (ns, name), build = list(w.calls())[index]
    return f"{ns}.{name}({', '.join(repr(a)[:40] for a in build())})"


def test_sweep_has_no_crashes(tmp_path):
    crashes = sweep(tmp_path)
    assert crashes == [], "\n".join(f"{describe(i)} -> rc {rc}: {err}" for i, rc, err in crashes)


# ---- targeted cases: same exception type and message as torch --------------------------------

def outcome(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type and text are what is compared
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("fn", [
    lambda L: L.ones(3)[5],
    lambda L: L.ones(3)[-4],
    lambda L: L.ones(2, 3)[:, 3],
    lambda L: L.ones(3).select(0, -4),
    lambda L: L.ones(3).narrow(0, 2, 2),
    lambda L: L.ones(2, 3).sum(2),
    lambda L: L.ones(2, 3).transpose(0, -3),
    lambda L: L.index_select(L.ones(3), 0, L.tensor([3])),
    lambda L: L.index_select(L.ones(3), 0, L.tensor([-1])),
    lambda L: L.gather(L.ones(3), 0, L.tensor([5])),
    lambda L: L.ones(3).expand(3, 3).add_(1),
    lambda L: L.ones(3).expand(2, 3).mul_(L.ones(2, 3)),
    lambda L: L.ones(1, 3).expand(2, 3).neg_(),
    lambda L: L.ones(3).expand(2, 3).copy_(L.zeros(2, 3)),
    lambda L: L.zeros(3).unsqueeze(1).expand(3, 2).exp_(),
    lambda L: L.empty(-1),
    lambda L: L.ones(2).reshape(-1, -1),
], ids=lambda f: "")
def test_bad_index_and_inplace_errors_match_torch(fn):
    theirs = outcome(fn, torch)
    assert theirs is not None
    assert outcome(fn, mag) == theirs


@pytest.mark.parametrize("sizes", [(2**40, 2**20), (2**62,), (2**31, 2**31, 4)])
def test_huge_allocation_is_a_runtime_error_naming_the_size(sizes):
    with pytest.raises(RuntimeError) as ours:
        mag.empty(*sizes)
    with pytest.raises(RuntimeError) as theirs:
        torch.empty(*sizes)
    assert str(ours.value) == str(theirs.value)  # names the byte count or the sizes


@pytest.mark.parametrize("fn", [
    lambda L: L.tensor([1.0, float("nan"), float("inf"), -float("inf"), -0.0]).log().tolist(),
    lambda L: L.tensor([float("nan"), 1.0]).max().item(),
    lambda L: L.tensor([float("inf"), 1.0]).softmax(0).tolist(),
    lambda L: L.tensor([-0.0, 0.0]).reciprocal().tolist(),
    lambda L: (L.tensor([float("nan")]) > 0).tolist(),
    lambda L: L.tensor([float("inf")]).long().dtype,
    lambda L: L.tensor([1, 2]) // L.tensor([0, 1]),
    lambda L: L.tensor([1, 2]) % L.tensor([0, 1]),
], ids=lambda f: "")
def test_nan_inf_through_ops_match_torch(fn):
    def res(lib):
        try:
            return ("ok", str(fn(lib)).replace("torch.", ""))
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e)
    assert res(mag) == res(torch)
