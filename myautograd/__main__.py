"""`python -m myautograd script.py [args]` (also `-c code`, `-m module`, `-` for stdin):
runs the program as `__main__` with `import torch` resolved to myautograd (see _drop_in).
sys.argv, sys.path[0], exit codes and tracebacks are those of a plain `python script.py`.
"""
import os
import runpy
import sys

from . import _drop_in

USAGE = """usage: python -m myautograd [script.py | -c code | -m module | -] [args ...]
Runs a PyTorch program with `import torch` resolved to myautograd."""


def _filename(tb):
    name = tb.tb_frame.f_code.co_filename
    return name if name.startswith("<") else os.path.abspath(name)


def _print_uncaught(exc):
    """Prints exc like the interpreter does for an uncaught exception, without the
    frames of this launcher and of runpy."""
    own = {os.path.abspath(__file__), os.path.abspath(runpy.__file__), "<frozen runpy>"}
    tb = exc.__traceback__
    while tb is not None and _filename(tb) in own:
        tb = tb.tb_next
    # the C excepthook prints exc.__traceback__ when tb is None: set it explicitly
    sys.excepthook(type(exc), exc.with_traceback(tb), tb)


def _new_main(**attrs):
    """A fresh `__main__` module (as the interpreter makes for a script); its globals."""
    import builtins
    import types
    module = types.ModuleType("__main__")
    module.__dict__.update(__builtins__=builtins, **attrs)
    sys.modules["__main__"] = module
    return module.__dict__


def _exec_as_main(code, filename):
    exec(compile(code, filename, "exec", dont_inherit=True), _new_main())


def _run_file(path):
    """`python path`: __file__ absolute, sys.argv[0] left as given (runpy would change it)."""
    from importlib.machinery import SourceFileLoader
    with open(path, "rb") as f:
        source = f.read()
    namespace = _new_main(__file__=path, __cached__=None,
                          __loader__=SourceFileLoader("__main__", path))
    exec(compile(source, path, "exec", dont_inherit=True), namespace)


def _run(argv):
    first, rest = argv[0], argv[1:]
    if first == "-c":
        if not rest:
            print("Argument expected for the -c option\n" + USAGE, file=sys.stderr)
            return 2
        sys.argv = ["-c", *rest[1:]]
        sys.path[0] = ""
        _exec_as_main(rest[0], "<string>")
    elif first == "-m":
        if not rest:
            print("Argument expected for the -m option\n" + USAGE, file=sys.stderr)
            return 2
        sys.argv = [rest[0], *rest[1:]]  # runpy replaces argv[0] with the module's path
        runpy.run_module(rest[0], run_name="__main__", alter_sys=True)
    elif first == "-":
        sys.argv = ["-", *rest]
        sys.path[0] = ""
        _exec_as_main(sys.stdin.read(), "<stdin>")
    else:
        if not os.path.exists(first):
            print(f"{sys.executable}: can't open file {os.path.abspath(first)!r}: "
                  "[Errno 2] No such file or directory", file=sys.stderr)
            return 2
        path = os.path.abspath(first)
        sys.argv = [first, *rest]
        if os.path.isdir(path) or not os.path.isfile(path) or _is_zip(path):
            runpy.run_path(path, run_name="__main__")  # a directory or zip with __main__.py
        else:
            sys.path[0] = os.path.dirname(path)
            _run_file(path)
    return 0


def _is_zip(path):
    import zipfile
    return zipfile.is_zipfile(path)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    _drop_in.install()
    if not argv:
        if not sys.stdin.isatty():
            argv = ["-"]
        else:
            import code
            sys.argv = [""]
            code.interact(banner=f"Python {sys.version} (import torch -> myautograd)",
                          local={"__name__": "__main__"})
            return 0
    try:
        return _run(argv)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        _print_uncaught(exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
