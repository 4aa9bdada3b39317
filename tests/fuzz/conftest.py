"""Fuzz budget: CI runs each property a bounded number of examples (deadline off); with
`--fuzz-minutes N` every fuzz test keeps drawing fresh examples for N minutes in all, split
evenly between the tests collected (see README.md)."""
import pytest

import _harness


def pytest_addoption(parser):
    parser.addoption("--fuzz-minutes", type=float, default=0.0,
                     help="long fuzzing: total minutes to spread over the collected fuzz tests")


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: split over the tests that run
def pytest_collection_modifyitems(config, items):
    minutes = config.getoption("--fuzz-minutes")
    fuzz_items = [i for i in items if "fuzz" in i.nodeid and "regressions" not in i.nodeid]
    if minutes and fuzz_items:
        _harness.LONG["seconds"] = minutes * 60.0 / len(fuzz_items)
