"""Runs cases: one fresh subprocess per (case, column, side) via compat._launch, in a temp
cwd with the repo root on PYTHONPATH; captures stdout, the final exception line of stderr
and the exit status, and classifies each (case, column) cell with compare.classify.
COMPAT_BOTH_TORCH=1 runs torch on both sides (self-check: every case must be `same`).
"""
import functools
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

from .compare import Outcome, classify, final_exception_line
from .discover import Case

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TIMEOUT = 120.0


@dataclass
class Cell:
    case: Case
    column: str                       # "cpu" or "cuda"
    verdict: str                      # same / close / differs / error / skip
    torch: Optional[Outcome] = None
    mine: Optional[Outcome] = None
    note: str = ""


def both_torch():
    """True under COMPAT_BOTH_TORCH=1: the myautograd side runs real torch too."""
    return os.environ.get("COMPAT_BOTH_TORCH") == "1"


def mine_label():
    return "torch (COMPAT_BOTH_TORCH=1 self-check)" if both_torch() else "myautograd"


def child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO_ROOT, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONIOENCODING"] = "utf-8"
    # many cases run at once: one intra-op thread each, the same on both sides
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    return env


def run_process(cmd, timeout, cwd=None):
    """Runs cmd in its own session; returns Outcome. A timeout kills the whole group."""
    with tempfile.TemporaryDirectory(prefix="compat-") as tmp:
        proc = subprocess.Popen(cmd, cwd=cwd or tmp, env=child_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
            stdout = out.decode("utf-8", "replace")
            return Outcome(stdout, f"Timeout: no exit after {timeout:g} s", "timeout",
                           err.decode("utf-8", "replace"))
    stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return Outcome(stdout, final_exception_line(stderr, proc.returncode), proc.returncode, stderr)


def side_command(backend, script, seed, device, python):
    return [python, "-m", "compat._launch", "--backend", backend, "--seed", str(seed),
            "--device", device, os.path.abspath(script)]


def run_side(side, case, column, seed=0, timeout=DEFAULT_TIMEOUT, torch_python=None):
    """side: "torch" or "mine" (myautograd, or torch again under COMPAT_BOTH_TORCH=1)."""
    torch_python = torch_python or sys.executable
    if side == "torch" or both_torch():
        backend, python = "torch", torch_python
    else:
        backend, python = "myautograd", sys.executable
    return run_process(side_command(backend, case.path, seed, column, python), timeout)


@functools.lru_cache(maxsize=None)
def probe_torch(torch_python=None):
    """(torch version, cuda available) as the torch side sees them."""
    code = "import torch; print(torch.__version__); print(torch.cuda.is_available())"
    o = run_process([torch_python or sys.executable, "-c", code], 300)
    lines = o.stdout.split()
    if o.status != 0 or len(lines) < 2:
        return (f"unavailable ({o.exc_line or o.status})", False)
    return lines[0], lines[1] == "True"


def cuda_available(torch_python=None):
    return probe_torch(torch_python)[1]


def probe_mine():
    """The myautograd side's version string (or why it does not import)."""
    if both_torch():
        return probe_torch()[0]
    o = run_process([sys.executable, "-c", "import myautograd as m; "
                     "print(getattr(m, '__version__', '(no __version__)'))"], 300)
    return o.stdout.strip() if o.status == 0 else f"does not import ({o.exc_line or o.status})"


def make_cell(case, column, torch_out, mine_out):
    verdict = classify(torch_out, mine_out, case.tolerance)
    return Cell(case, column, verdict, torch_out, mine_out)


def skip_cell(case, column, note):
    return Cell(case, column, "skip", note=note)


def run_cell(case, column="cpu", seed=0, timeout=DEFAULT_TIMEOUT, torch_python=None):
    """Runs one (case, column) both ways, the two sides concurrently."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        t = pool.submit(run_side, "torch", case, column, seed, timeout, torch_python)
        m = pool.submit(run_side, "mine", case, column, seed, timeout, torch_python)
        return make_cell(case, column, t.result(), m.result())


def run_matrix(cases, columns, seed=0, timeout=DEFAULT_TIMEOUT, jobs=None, torch_python=None,
               cuda=None, progress=None):
    """Every (case, column) cell; the cuda column is skip when the torch side has no GPU.
    jobs: subprocesses at once (default: all cores)."""
    jobs = jobs or os.cpu_count() or 1
    if "cuda" in columns and cuda is None:
        cuda = cuda_available(torch_python)
    todo, cells = [], {}
    for case in cases:
        for col in columns:
            if col == "cuda" and not cuda:
                cells[(case.name, col)] = skip_cell(case, col, "no GPU on the torch side")
            else:
                todo.append((case, col))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {(case.name, col, side): pool.submit(run_side, side, case, col, seed, timeout,
                                                       torch_python)
                   for case, col in todo for side in ("torch", "mine")}
        for case, col in todo:
            cell = make_cell(case, col, futures[(case.name, col, "torch")].result(),
                             futures[(case.name, col, "mine")].result())
            cells[(case.name, col)] = cell
            if progress:
                progress(cell)
    return [cells[(case.name, col)] for case in cases for col in columns]
