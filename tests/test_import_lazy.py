"""test_import_lazy: `import myautograd` leaves nn, optim, utils.data and serialization unloaded
(import time, issue 5), and every way of reaching them still works: attribute access,
`from myautograd import nn`, `import myautograd.nn as nn`, torch.nn.functional, torch.utils.data."""
import subprocess
import sys

import pytest

HEAVY = ("myautograd.nn", "myautograd.optim", "myautograd.utils.data", "myautograd.serialization")


def _run(code):
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_import_loads_no_heavy_submodule():
    out = _run("import sys, myautograd\n"
               f"print(sorted(m for m in sys.modules if m in {HEAVY!r}))")
    assert out.strip() == "[]"


@pytest.mark.parametrize("access", [
    "import myautograd as torch; m = torch.nn.functional.relu; n = torch.nn.Linear",
    "from myautograd import nn; n = nn.Linear; import myautograd; assert myautograd.nn is nn",
    "import myautograd.nn as nn; import myautograd; assert myautograd.nn is nn",
    "import myautograd.nn.functional as F; m = F.relu",
    "import myautograd as torch; m = torch.optim.SGD; s = torch.optim.lr_scheduler.StepLR",
    "import myautograd as torch; m = torch.utils.data.DataLoader; h = torch.utils.hooks",
    "from myautograd.utils.data import TensorDataset",
    "import myautograd as torch; s = torch.serialization.save",
    "import myautograd as torch; assert 'nn' in dir(torch) and 'optim' in dir(torch)",
])
def test_lazy_submodules_reachable(access):
    _run(access)


def test_unknown_attribute_errors_like_before():
    import myautograd
    with pytest.raises(AttributeError, match="module 'myautograd' has no attribute 'nope'"):
        myautograd.nope
    with pytest.raises(AttributeError, match="module 'myautograd.utils' has no attribute 'nope'"):
        myautograd.utils.nope
