"""Suite-wide pytest set-up: the sanitizer test (the longest single test: a sanitized build plus
a subset run) is moved to the front, so an xdist worker starts it first instead of last; and
the no_gc fixture shared by the memory and engine tests."""
import gc
import sys

import pytest


@pytest.fixture
def no_gc():
    """Collect once, then keep the cycle collector off: what is freed must be freed by refcounts.
    pytest keeps the previous failing test's exception in sys.last_* (for post-mortem debugging)
    and drops it when the next test's call phase starts, inside this window: its traceback and
    frames are cyclic (~150 objects) and a later gc.collect() would count them. Drop it here."""
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()



def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: 0 if item.get_closest_marker("sanitizer") else 1)
