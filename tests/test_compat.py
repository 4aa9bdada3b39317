"""Every compat case under pytest: one test per (case, column), each running the case with
real torch and with myautograd through compat.runner (the same code as `python -m compat`).
Fails on `differs` / `error` with the diff. The cuda column skips loudly without a GPU on
the torch side, and fails instead under REQUIRE_CUDA=1. Env: COMPAT_SEED, COMPAT_TIMEOUT.
"""
import os
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compat import discover, report, runner  # noqa: E402

CASES = discover.all_cases()
SEED = int(os.environ.get("COMPAT_SEED", "0"))
TIMEOUT = float(os.environ.get("COMPAT_TIMEOUT", runner.DEFAULT_TIMEOUT))
NO_GPU = ("CUDA COLUMN NOT RUN: the torch side reports torch.cuda.is_available() == False; "
          "set REQUIRE_CUDA=1 to make this a failure")


@pytest.mark.parametrize("column", ["cpu", "cuda"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_compat_case(case, column):
    if column == "cuda" and not runner.cuda_available():
        if os.environ.get("REQUIRE_CUDA") == "1":
            pytest.fail("REQUIRE_CUDA=1 but the torch side reports "
                        "torch.cuda.is_available() == False", pytrace=False)
        warnings.warn(NO_GPU)
        pytest.skip(NO_GPU)
    cell = runner.run_cell(case, column, seed=SEED, timeout=TIMEOUT)
    if cell.verdict in ("differs", "error"):
        pytest.fail(f"{case.name} [{column}] (seed {SEED}, features: {', '.join(case.features)})"
                    f"\n{report.diffs([cell])}", pytrace=False)
