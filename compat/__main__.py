"""`python -m compat [CASE|GLOB|script.py ...]`: runs the compatibility cases (or any user
script) with real torch and with myautograd, prints the matrix and, last, the line
`compat: N cases, S same, C close, D differ, E error`; exit status 1 when any cell differs
or errors. A full default run (no positional arguments) rewrites REPORT.md and report.html.
"""
import argparse
import os
import sys

from . import discover, report, runner
from .compare import exit_status, summary_line, tolerance_text

COMPAT_DIR = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m compat", description=__doc__.split("\n")[0])
    p.add_argument("targets", nargs="*", metavar="CASE|GLOB|script.py",
                   help="case names or globs (seed003_0*), or paths of scripts to compare")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="subprocesses at once (default: all cores)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed for both sides")
    p.add_argument("--device", choices=("cpu", "cuda", "all"), default="cpu")
    p.add_argument("--timeout", type=float, default=runner.DEFAULT_TIMEOUT,
                   help="seconds per case and side (default 120)")
    p.add_argument("--show-diff", action="store_true",
                   help="unified diff of torch vs myautograd output for non-same cells")
    p.add_argument("--torch-python", metavar="PATH", default=None,
                   help="interpreter for the torch side (default: this one)")
    p.add_argument("--report-dir", metavar="DIR", default=None,
                   help="write REPORT.md and report.html there (also for filtered runs)")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    return p.parse_args(argv)


def resolve_targets(targets):
    """(cases, user scripts present?) from positional arguments; exits 2 on no match."""
    cases = discover.all_cases()
    if not targets:
        return cases, False
    chosen, patterns, users = [], [], False
    for t in targets:
        script = discover.user_script(t)
        if script is not None:
            chosen.append(script)
            users = True
        else:
            patterns.append(t)
    if patterns:
        picked, unmatched = discover.select(cases, patterns)
        if unmatched:
            print(f"python -m compat: no case or file matches {', '.join(unmatched)}",
                  file=sys.stderr)
            sys.exit(2)
        chosen += picked
    return chosen, users


def main(argv=None):
    ns = parse_args(sys.argv[1:] if argv is None else argv)
    cases, users = resolve_targets(ns.targets)
    if ns.list:
        for c in cases:
            print(f"{c.name:45} {', '.join(c.features):40} {tolerance_text(c.tolerance)}")
        return 0
    columns = {"cpu": ["cpu"], "cuda": ["cuda"], "all": ["cpu", "cuda"]}[ns.device]
    torch_version, cuda = runner.probe_torch(ns.torch_python)
    meta = {"seed": ns.seed, "columns": ", ".join(columns),
            "torch side": f"torch {torch_version}"
                          + (f" ({ns.torch_python})" if ns.torch_python else ""),
            "myautograd side": f"{runner.mine_label()} {runner.probe_mine()}",
            "cuda on the torch side": cuda, "timeout per case": f"{ns.timeout:g} s"}
    print(f"compat: running {len(cases)} case(s) x {len(columns)} column(s), "
          f"{ns.jobs} job(s), seed {ns.seed}; torch side: torch {torch_version}; "
          f"other side: {meta['myautograd side']}", flush=True)
    cells = runner.run_matrix(cases, columns, seed=ns.seed, timeout=ns.timeout, jobs=ns.jobs,
                              torch_python=ns.torch_python, cuda=cuda)
    print(report.table(cells, columns))
    if "cuda" in columns and not cuda:
        print("compat: cuda column skipped: torch.cuda.is_available() is False on the torch side")
    if ns.show_diff or users:
        text = report.diffs(cells)
        print(text if text else "compat: no differences (every cell is same or skip)")
    full = not ns.targets
    out_dir = ns.report_dir or (COMPAT_DIR if full and not runner.both_torch() else None)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        for name, content in (("REPORT.md", report.markdown(cells, columns, meta)),
                              ("report.html", report.html_page(cells, columns, meta))):
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(content)
        print(f"compat: wrote {os.path.join(out_dir, 'REPORT.md')} and report.html")
    elif full:
        print("compat: COMPAT_BOTH_TORCH=1 self-check: REPORT.md not rewritten "
              "(pass --report-dir to write one)")
    verdicts = [c.verdict for c in cells]
    print(summary_line(verdicts))
    return exit_status(verdicts)


if __name__ == "__main__":
    sys.exit(main())
