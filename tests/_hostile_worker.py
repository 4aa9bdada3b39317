"""Worker for test_hostile_args.py: calls every public myautograd function and Tensor method
with hostile arguments, catching Python exceptions. Before each call it writes the call's index
to the progress file, so the parent can name the call that killed the process and resume after it.
Usage: python _hostile_worker.py PROGRESS_FILE START_INDEX [--list]"""
import math
import os
import sys
import types

import myautograd as mag
import myautograd.nn.functional as F

SKIP = {"set_default_device"}  # changes process-wide state the sweep itself relies on


def hostile():
    return [None, "abc", [1, 2], {"a": 1}, 2**70, -1, -2**63, math.nan, math.inf, 1e308, object(),
            mag.ones(2, 3, dtype=mag.int64), mag.ones(3, dtype=mag.bool), mag.tensor(1.5),
            mag.empty(0), mag.ones(3, 1, dtype=mag.float64), mag.float32, slice(None), ..., (3, -7)]


# every public namespace of the package: functions, and classes (their constructors)
NAMESPACES = ("mag", "F", "autograd", "init", "nn", "nn_utils", "optim", "lr_scheduler", "data", "cuda")
# Tensor dunders that are operators or conversions (not object plumbing like __init_subclass__)
DUNDERS = {"__getitem__", "__setitem__", "__format__", "__index__", "__bool__", "__float__", "__int__", "__len__",
           "__iter__", "__contains__", "__neg__", "__pos__", "__abs__", "__invert__", "__repr__", "__deepcopy__",
           "__reduce_ex__", "__setstate__", "__array__", "__hash__"} | {
    f"__{p}{op}__" for op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor",
                              "lshift", "rshift") for p in ("", "r", "i")} | {
    f"__{op}__" for op in ("eq", "ne", "lt", "le", "gt", "ge")}


def namespace(name):
    import myautograd.nn as nn
    import myautograd.nn.utils as nn_utils
    import myautograd.optim as optim
    import myautograd.optim.lr_scheduler as lr_scheduler
    import myautograd.utils.data as data
    return {"mag": mag, "F": F, "autograd": mag.autograd, "init": nn.init, "nn": nn, "nn_utils": nn_utils,
            "optim": optim, "lr_scheduler": lr_scheduler, "data": data, "cuda": mag.cuda}[name]


def targets():
    out = []
    for ns_name in NAMESPACES:
        ns = namespace(ns_name)
        for n in sorted(dir(ns)):
            obj = getattr(ns, n)
            if n.startswith("_") or n in SKIP or isinstance(obj, types.ModuleType) or not callable(obj):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            if ns_name not in ("mag", "F") and not getattr(obj, "__module__", "myautograd").startswith("myautograd"):
                continue  # re-exported helpers of other packages (lr_scheduler's weakref.ref, ...)
            out.append((ns_name, n))
    for n in sorted(dir(mag.Tensor)):
        if (not n.startswith("_") or n in DUNDERS) and callable(getattr(mag.Tensor, n, None)):
            out.append(("Tensor", n))
    return out


def calls():
    """(target, argument-list builder) in a fixed order."""
    n_hostile = len(hostile())
    for tgt in targets():
        yield tgt, lambda: []
        for k in range(1, 4):
            for h in range(n_hostile):
                yield tgt, (lambda k=k, h=h: [hostile()[h]] + [mag.randn(2, 3)] * (k - 1))
                if k > 1:
                    yield tgt, (lambda k=k, h=h: [mag.randn(2, 3)] * (k - 1) + [hostile()[h]])
                    yield tgt, (lambda k=k, h=h: [hostile()[h]] * k)


def selves():
    return [mag.randn(2, 3), mag.arange(6).reshape(2, 3), mag.tensor(1.5), mag.empty(0, 3),
            mag.ones(3, dtype=mag.bool), mag.randn(3).expand(2, 3), mag.randn(2, 3, requires_grad=True)]


def call(tgt, args, i=0):
    ns, name = tgt
    if ns == "Tensor":
        self = selves()[i % 7]
        return getattr(self, name)(*args)
    return getattr(namespace(ns), name)(*args)


def main():
    progress, start = sys.argv[1], int(sys.argv[2])
    all_calls = list(calls())
    if "--list" in sys.argv:
        print(len(all_calls))
        return
    fd = os.open(progress, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    for i in range(start, len(all_calls)):
        os.pwrite(fd, f"{i:10d}".encode(), 0)
        tgt, build = all_calls[i]
        try:
            call(tgt, build(), i)
        except BaseException as e:  # noqa: BLE001 - any Python-level error is a pass
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
    os.pwrite(fd, b"      done", 0)


if __name__ == "__main__":
    main()
