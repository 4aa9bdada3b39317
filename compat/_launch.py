"""Starts one case for one backend, in the subprocess the runner spawns:
  python -m compat._launch --backend torch|myautograd --seed N --device cpu|cuda case.py
For myautograd, `import torch` is first aliased (myautograd._drop_in.install()); then
torch.manual_seed(seed) (and set_default_device("cuda")), then the case runs as __main__.
"""
import argparse
import os
import runpy
import sys


def _filename(tb):
    name = tb.tb_frame.f_code.co_filename
    return name if name.startswith("<") else os.path.abspath(name)


def _print_uncaught(exc):
    """Prints exc as the interpreter would, without this launcher's and runpy's frames."""
    own = {os.path.abspath(__file__), os.path.abspath(runpy.__file__), "<frozen runpy>"}
    tb = exc.__traceback__
    while tb is not None and _filename(tb) in own:
        tb = tb.tb_next
    if tb is None:  # raised by the launcher itself (e.g. the backend failed to import)
        tb = exc.__traceback__
    sys.excepthook(type(exc), exc.with_traceback(tb), tb)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m compat._launch")
    p.add_argument("--backend", choices=("torch", "myautograd"), required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("script")
    p.add_argument("args", nargs=argparse.REMAINDER)
    ns = p.parse_args(argv)
    try:
        if ns.backend == "myautograd":
            from myautograd import _drop_in
            _drop_in.install()
        import torch
        torch.manual_seed(ns.seed)
        if ns.device == "cuda":
            torch.set_default_device("cuda")
        sys.argv = [ns.script, *ns.args]
        sys.path[0] = os.path.dirname(os.path.abspath(ns.script))
        runpy.run_path(os.path.abspath(ns.script), run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        _print_uncaught(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
