"""Loud CUDA skips shared by the CUDA tests: without a usable GPU a CUDA test is skipped with a
warning (counted in pytest's summary); REQUIRE_CUDA=1 turns that into a failure, as the
compat cuda column does (tests/test_compat.py)."""
import os
import warnings

import pytest

import myautograd as mag

NO_GPU = ("CUDA TEST NOT RUN: myautograd.cuda.is_available() == False (built with CUDA: {built}); "
          "set REQUIRE_CUDA=1 to make this a failure")


def require_cuda():
    if mag.cuda.is_available():
        return
    msg = NO_GPU.format(built=mag._C._cuda_is_built())
    if os.environ.get("REQUIRE_CUDA") == "1":
        pytest.fail("REQUIRE_CUDA=1 but " + msg, pytrace=False)
    warnings.warn(msg)
    pytest.skip(msg)


def cpu_all(x):
    """x with every tensor moved to the CPU (tuples and lists kept)."""
    if isinstance(x, mag.Tensor):
        return x.cpu()
    if isinstance(x, (tuple, list)):
        items = [cpu_all(a) for a in x]
        return type(x)(items) if type(x) in (tuple, list) else type(x)(*items)
    return x
