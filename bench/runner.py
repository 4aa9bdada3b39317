"""bench.runner: times each workload under real torch and under myautograd in one process,
alternating the two libraries repeat by repeat, and reports torch_time / myautograd_time.

Method (W1-W6, W8): for each library, one warm-up call (absorbs one-time initialisation,
e.g. torch's first LSTM call), then a calibration that picks an inner iteration count n
so that one timed chunk takes about CHUNK_S seconds (timeit-style autorange). Then
`repeats` rounds; each round times one chunk per library, the order alternating
(torch first in even rounds, myautograd first in odd ones). The figure is the median
over rounds of chunk_time / (n * ops per iteration). The garbage collector stays enabled
(as in real scripts); gc.collect() runs before every chunk.

W7 runs child processes (alternating libraries): each child times `import <lib>` with
perf_counter, then runs W3 for W7_STEPS steps and reports its peak RSS (VmHWM).
"""
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

from . import workloads as W

CHUNK_S = 0.15          # target duration of one timed chunk
SLOW_ITER_S = 1.0       # an iteration slower than this gets fewer repeats (at most SLOW_REPEATS)
SLOW_REPEATS = 3
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ------------------------------------------------------------------------------ helpers

def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def fmt_bytes(b):
    return f"{b / 2**20:.1f} MiB"


class Row:
    def __init__(self, wid, title, unit, target):
        self.id, self.title, self.unit, self.target = wid, title, unit, target
        self.torch = self.ours = None        # median seconds (or bytes for RSS)
        self.torch_spread = self.ours_spread = None
        self.ratio = None
        self.error = None
        self.note = ""
        self.kind = "time"                   # "time" or "rss"

    @property
    def status(self):
        if self.error:
            return "ERROR"
        if self.ratio is None:
            return "-"
        return "PASS" if self.ratio >= self.target else "FAIL"

    def cells(self):
        f = fmt_bytes if self.kind == "rss" else fmt_time
        return [self.id, self.title, f"per {self.unit}",
                f(self.torch) if self.torch is not None else "-",
                f(self.ours) if self.ours is not None else "-",
                f"{self.ratio:.2f}" if self.ratio is not None else "-",
                f">= {self.target:g}", self.status]


HEADER = ["id", "workload", "unit", "torch", "myautograd", "ratio", "target", "status"]


def table_lines(rows, markdown=False):
    cells = [r.cells() for r in rows]
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
        out += ["| " + " | ".join(c) + " |" for c in cells]
        return out
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(HEADER)]
    line = lambda c: "  ".join(v.ljust(w) if i < 3 else v.rjust(w) for i, (v, w) in enumerate(zip(c, widths)))
    return [line(HEADER), line(["-" * w for w in widths])] + [line(c) for c in cells]


def _sync(lib, device):
    if device == "cuda":
        lib.cuda.synchronize()


def _chunk(run, n, lib, device):
    gc.collect()
    t0 = time.perf_counter()
    run(n)
    _sync(lib, device)
    return time.perf_counter() - t0


def _calibrate(run, lib, device):
    """Warm up, then return (n, seconds per iteration estimate)."""
    _chunk(run, 1, lib, device)                 # warm-up: one-time init
    n = 1
    while True:
        dt = _chunk(run, n, lib, device)
        if dt >= CHUNK_S / 3 or n >= 10**7:
            break
        n *= 10 if dt < CHUNK_S / 30 else 2
    per = dt / n
    return max(1, int(round(CHUNK_S / per))) if per < CHUNK_S else 1, per


# ----------------------------------------------------------------------------- W1-W6/W8

def bench_workload(libs, spec, repeats, device, log):
    wid, title, make, ops, unit, target, _cuda = spec
    if device == "cuda":
        wid, title = "W8-" + wid, title + " [cuda]"
    row = Row(wid, title, unit, target)
    runs, ns, pers = {}, {}, {}
    for name, lib in libs:
        try:
            runs[name] = make(lib, device)
            ns[name], pers[name] = _calibrate(runs[name], lib, device)
        except Exception as e:  # noqa: BLE001 - a missing API is reported, not fatal
            row.error = f"{name}: {type(e).__name__}: {e}".replace("\n", " ")[:300]
            log(f"  {wid}: ERROR under {name}: {row.error}")
            return row
    reps = repeats
    if max(pers.values()) > SLOW_ITER_S and repeats > SLOW_REPEATS:
        reps = SLOW_REPEATS
        row.note = f"{reps} repeats (an iteration takes > {SLOW_ITER_S:g} s)"
    times = {name: [] for name, _ in libs}
    for r in range(reps):
        order = libs if r % 2 == 0 else libs[::-1]
        for name, lib in order:
            times[name].append(_chunk(runs[name], ns[name], lib, device) / (ns[name] * ops))
    med = {k: statistics.median(v) for k, v in times.items()}
    row.torch, row.ours = med["torch"], med["myautograd"]
    row.torch_spread = (min(times["torch"]), max(times["torch"]))
    row.ours_spread = (min(times["myautograd"]), max(times["myautograd"]))
    row.ratio = row.torch / row.ours
    row.note = (row.note + "; " if row.note else "") + f"n={ns['torch']}/{ns['myautograd']} per chunk"
    log(f"  {wid}: torch {fmt_time(row.torch)}  myautograd {fmt_time(row.ours)}  ratio {row.ratio:.2f}")
    return row


# ----------------------------------------------------------------------------------- W7

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import {lib} as lib
t1 = time.perf_counter()
from bench.workloads import w3_mlp
run = w3_mlp(lib)
loss = run({steps})
# VmHWM is this process's own peak RSS; ru_maxrss would carry the parent's peak across fork+exec
hwm = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")]
kib = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"import_s": t1 - t0, "maxrss_kib": kib, "loss": float(loss.detach())}}))
"""


def _child(libname):
    code = _CHILD.format(lib=libname, steps=W.W7_STEPS)
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def bench_w7(repeats, log):
    imp = Row("W7-import", "W7 `import` wall time (in-process perf_counter)", "process", W.W7_IMPORT_TARGET)
    rss = Row("W7-rss", f"W7 peak RSS, process running W3 x{W.W7_STEPS}", "process", W.W7_RSS_TARGET)
    rss.kind = "rss"
    res = {"torch": [], "myautograd": []}
    try:
        _child("torch"), _child("myautograd")            # warm the page cache
        for r in range(repeats):
            for name in (("torch", "myautograd") if r % 2 == 0 else ("myautograd", "torch")):
                res[name].append(_child(name))
    except Exception as e:  # noqa: BLE001
        imp.error = rss.error = f"{type(e).__name__}: {e}"[:300]
        log(f"  W7: ERROR: {imp.error}")
        return [imp, rss]
    imp.torch = statistics.median(x["import_s"] for x in res["torch"])
    imp.ours = statistics.median(x["import_s"] for x in res["myautograd"])
    imp.ratio = imp.torch / imp.ours
    rss.torch = statistics.median(x["maxrss_kib"] for x in res["torch"]) * 1024
    rss.ours = statistics.median(x["maxrss_kib"] for x in res["myautograd"]) * 1024
    rss.ratio = rss.torch / rss.ours
    imp.note = f"{repeats} child processes per library"
    lt, lo = res["torch"][0]["loss"], res["myautograd"][0]["loss"]
    rss.note = f"ratio = torch RSS / ours; W3 loss after {W.W7_STEPS} steps: torch {lt:.6g}, myautograd {lo:.6g}"
    log(f"  W7: import torch {fmt_time(imp.torch)} ours {fmt_time(imp.ours)} ratio {imp.ratio:.2f}; "
        f"RSS torch {fmt_bytes(rss.torch)} ours {fmt_bytes(rss.ours)} ratio {rss.ratio:.2f}")
    return [imp, rss]


# ------------------------------------------------------------------------------ machine

def machine_info(torch, mag):
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            models = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    info["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
        info["ram"] = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        info["ram"] = "unknown"
    try:
        info["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        info["load"] = "unknown"
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    info["torch"] = torch.__version__
    info["torch_threads"] = torch.get_num_threads()
    info["myautograd"] = mag.__version__
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip() or "unknown"
    except OSError:
        info["commit"] = "unknown"
    info["openblas_threads"] = os.environ.get("OPENBLAS_NUM_THREADS", f"unset (OpenBLAS default: {os.cpu_count()})")
    info["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    return info


def write_results(path, rows, info, summary, repeats, argv, skipped):
    L = ["# Benchmarks: torch vs myautograd", "",
         f"Generated by `python -m bench{(' ' + ' '.join(argv)) if argv else ''}` on {info['date']}.", "",
         "Ratio = torch time / myautograd time (for W7-rss: torch peak RSS / ours); above 1 means",
         "myautograd is faster (smaller). Times are medians over repeats, per op or per iteration.", "",
         "## Machine", "",
         f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram']}",
         f"- load average at the start / end of the run: {info.get('load0', '?')} / {info['load']} "
         "(1/5/15 min; the machine is shared, timings are noisy)",
         f"- OS: {info['os']}; Python {info['python']}",
         f"- torch {info['torch']}, torch.get_num_threads() = {info['torch_threads']}"
         + (" (default, left as is)" if "--torch-threads" not in " ".join(argv) else " (set by --torch-threads)"),
         f"- myautograd {info['myautograd']} (commit {info['commit']}); its elementwise/reduction kernels and "
         f"large matmuls split work over its own 2-thread pool; OpenBLAS itself is set to 1 thread",
         "", "## Results", ""]
    L += table_lines(rows, markdown=True)
    L += ["", "```", summary, "```", ""]
    L += ["## Notes", "",
          f"- {repeats} repeats per workload, libraries alternating (torch first in even repeats), a warm-up call",
          f"  and a timeit-style calibration to ~{CHUNK_S:g} s chunks; GC enabled, gc.collect() before each chunk.",
          "- W1 per-op figures divide the time of `c = a * b + a` by 2 (two ops); the Python loop overhead",
          "  (~20 ns) is included for both libraries.",
          "- W2 is the tutorial's code: x, w, b are 1-element tensors that all require grad.",
          "- W3-W6 parameters and inputs are deterministic (sin of arange), not random, so both libraries",
          "  compute the same numbers.",
          "- W7: each child process times `import <lib>` in-process, then runs W3 for "
          f"{W.W7_STEPS} steps and reports its peak RSS",
          "  (VmHWM from /proc/self/status: ru_maxrss would report the parent's peak, carried across fork+exec).",
          "- Spread: the min..max over repeats is listed below; a figure whose max/min exceeds 2 is marked NOISY.",
          "  torch's 2 OpenMP threads degrade badly when the 2 cores are also busy with other processes (W4:",
          "  a torch LSTM step measured 4 ms on a quiet machine and 0.2-3 s while compilers ran; W6 8 ms vs",
          "  100 ms), so check the load averages above before trusting a figure; `--torch-threads 1` gives",
          "  a single-threaded torch baseline that suffers less from the contention."]
    for r in rows:
        if r.note or r.error:
            noisy = r.torch_spread and max(r.torch_spread[1] / r.torch_spread[0], r.ours_spread[1] / r.ours_spread[0]) > 2
            L.append(f"- {r.id}: {r.error or r.note}" + (" — NOISY" if noisy else ""))
            if r.torch_spread:
                L.append(f"  (min..max over repeats: torch {fmt_time(r.torch_spread[0])}..{fmt_time(r.torch_spread[1])},"
                         f" myautograd {fmt_time(r.ours_spread[0])}..{fmt_time(r.ours_spread[1])})")
    for s in skipped:
        L.append(f"- {s}")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


# -------------------------------------------------------------------------------- main

def _selected(wid, only):
    if not only:
        return True
    wid = wid.lower()
    return any(wid == o or wid.startswith(o + "-") for o in only)


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", action="append", default=[],
                   help="workload id or group (W1, W1-nograd, W3, W7, W8 ...); repeatable or comma-separated")
    p.add_argument("--repeats", type=int, default=5, help="timed repeats per library (default 5)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                   help="cuda: also run W8 (W3-W6 on cuda against torch on cuda)")
    p.add_argument("--torch-threads", type=int, default=None,
                   help="torch.set_num_threads(N) before timing (default: leave torch's default)")
    p.add_argument("--write", action="store_true", help="write bench/RESULTS.md even with --only")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    a = p.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    only = [o.strip().lower() for x in a.only for o in x.split(",") if o.strip()]
    if a.repeats < 1:
        p.error("--repeats must be >= 1")

    import torch
    import myautograd
    if a.torch_threads:
        torch.set_num_threads(a.torch_threads)
    libs = [("torch", torch), ("myautograd", myautograd)]
    log = lambda s: print(s, flush=True)
    log(f"bench: torch {torch.__version__} ({torch.get_num_threads()} threads) vs myautograd "
        f"{myautograd.__version__}; {a.repeats} repeats, alternating")

    load0 = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows, skipped = [], []
    for spec in W.WORKLOADS:
        if _selected(spec[0], only):
            rows.append(bench_workload(libs, spec, a.repeats, "cpu", log))
    if _selected("W7", only):
        rows += bench_w7(a.repeats, log)
    want_w8 = a.device == "cuda" or (only and "w8" in only)
    if want_w8 or not only:
        if not torch.cuda.is_available():
            msg = "W8 SKIPPED: torch.cuda.is_available() is False on this machine, no GPU; W3-W6 on cuda not run, not counted"
            log("bench: " + msg)
            skipped.append(msg)
        elif want_w8:
            for spec in W.WORKLOADS:
                if spec[6]:
                    rows.append(bench_workload(libs, spec, a.repeats, "cuda", log))
        else:
            msg = "W8 not run: a GPU is available, pass --device cuda to run W3-W6 on it"
            log("bench: " + msg)
            skipped.append(msg)

    print()
    for line in table_lines(rows):
        print(line)
    errors = [r for r in rows if r.error]
    ok = [r for r in rows if r.ratio is not None]
    for r in errors:
        print(f"bench: {r.id} ERROR (excluded from min/geomean): {r.error}")
    fails = [r.id for r in ok if r.ratio < r.target]
    print(f"bench: {len(ok) - len(fails)} of {len(ok)} figures meet their target"
          + (f"; below target: {', '.join(fails)}" if fails else ""))
    if ok:
        mn = min(r.ratio for r in ok)
        gm = math.exp(sum(math.log(r.ratio) for r in ok) / len(ok))
        summary = f"bench: {len(ok)} workloads, min ratio {mn:.2f}, geomean {gm:.2f}"
    else:
        summary = "bench: 0 workloads, min ratio nan, geomean nan"
    if (not only or a.write) and not a.no_write:
        path = os.path.join(ROOT, "bench", "RESULTS.md")
        info = machine_info(torch, myautograd)
        info["load0"] = load0
        write_results(path, rows, info, summary, a.repeats, argv, skipped)
        print(f"bench: wrote {os.path.relpath(path)}")
    print(summary)
    return 1 if errors else 0
