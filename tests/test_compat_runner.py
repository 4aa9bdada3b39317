"""Unit tests of the compat suite's machinery, none of which needs myautograd to import:
comparison (normalization, exception line, tolerance, same/close/differs/error), case
discovery, report rendering, the drop-in alias (loaded from its file, pointed at a temp
package), `python -m myautograd` (run on a stub copy), and the runner torch-vs-torch.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compat import compare, discover, report, runner  # noqa: E402
from compat.compare import Outcome, Tolerance  # noqa: E402


def out(stdout="", exc="", status=0, stderr=""):
    return Outcome(stdout, exc, status, stderr)


# ---------------------------------------------------------------- compare

def test_normalize_replaces_addresses_only():
    s = "<MulBackward0 object at 0x7e2c917035b0> 0x1f tensor([0.5])"
    assert compare.normalize(s) == "<MulBackward0 object at 0x...> 0x... tensor([0.5])"


def test_final_exception_line_takes_last_error_line():
    stderr = textwrap.dedent("""\
        /x/case.py:3: UserWarning: Anomaly Detection has been enabled.
          warnings.warn(
        Traceback (most recent call last):
          File "/x/case.py", line 5, in <module>
            raise RuntimeError("first")
        RuntimeError: first

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/x/case.py", line 7, in <module>
        torch.AcceleratorError: CUDA error: boom
        """)
    assert compare.final_exception_line(stderr, 1) == "torch.AcceleratorError: CUDA error: boom"
    assert compare.final_exception_line("warn.py:1: UserWarning: hi\n  x\n", 0) == ""
    assert compare.final_exception_line("Traceback...\nAssertionError\n", 1) == "AssertionError"
    assert compare.final_exception_line("Traceback...\nMyFail: custom\n", 1) == "MyFail: custom"
    assert compare.final_exception_line("MyFail: custom\n", 0) == ""


def test_parse_tolerance():
    tol = compare.parse_tolerance("# feature: x\n# tolerance: rtol=1e-4 atol=2e-6  reason: BLAS order\n")
    assert tol == Tolerance(1e-4, 2e-6, "BLAS order")
    assert compare.parse_tolerance("# feature: x\nprint(1)\n") is None
    assert compare.parse_tolerance("# tolerance: rtol=0.5\n") == Tolerance(0.5, 0.0, "")
    for bad in ("# tolerance: loose\n", "# tolerance: rtol=abc\n", "# tolerance: atol=-1\n"):
        with pytest.raises(ValueError):
            compare.parse_tolerance(bad)


def test_tokenize_keeps_identifier_digits_as_text():
    toks = compare.tokenize("weight_ih_l0 tensor([-1.5e-05, 2.]) MulBackward0 inf")
    assert [t for is_num, t in toks if is_num] == ["-1.5e-05", "2.", "inf"]
    assert "".join(t for _, t in toks) == "weight_ih_l0 tensor([-1.5e-05, 2.]) MulBackward0 inf"


def test_texts_close():
    tol = Tolerance(1e-4, 2e-4)
    assert compare.texts_close("tensor([0.1234, 2.0000])", "tensor([0.1235, 2.0000])", tol)
    assert not compare.texts_close("tensor([0.1234])", "tensor([0.1244])", tol)
    assert not compare.texts_close("tensor([0.1234])", "Tensor([0.1234])", tol)
    assert not compare.texts_close("a 1 2", "a 1", tol)
    assert not compare.texts_close("MulBackward0", "MulBackward1", Tolerance(1, 1))
    assert compare.texts_close("nan inf -inf", "nan inf -inf", tol)
    assert not compare.texts_close("inf", "-inf", tol)
    assert not compare.texts_close("nan", "1.0", tol)


def test_classify_verdicts():
    tol = Tolerance(1e-3, 0)
    t = out("g: <AddBackward0 object at 0x7f00aa>\nx 1.0000\n")
    assert compare.classify(t, out("g: <AddBackward0 object at 0x55bbcc>\nx 1.0000\n")) == "same"
    assert compare.classify(t, out("g: <AddBackward0 object at 0x1>\nx 1.0001\n"), tol) == "close"
    assert compare.classify(t, out("g: <AddBackward0 object at 0x1>\nx 1.0001\n")) == "differs"
    assert compare.classify(t, out("g: <AddBackward0 object at 0x1>\nx 1.1\n"), tol) == "differs"
    assert compare.classify(t, out("", "ImportError: no", 1)) == "error"
    assert compare.classify(t, out("", "Timeout: no exit after 1 s", "timeout")) == "error"
    assert compare.classify(t, out(t.stdout, "", 3)) == "error"
    # both fail: same when identical, differs otherwise (not `error`)
    f = out("", "RuntimeError: grad can be implicitly created only for scalar outputs", 1)
    assert compare.classify(f, out("", f.exc_line, 1)) == "same"
    assert compare.classify(f, out("", "RuntimeError: other", 1)) == "differs"
    # torch fails and myautograd does not: differs
    assert compare.classify(f, out("ok\n")) == "differs"
    # exception lines compare numerically too under a tolerance; status must match
    e1, e2 = out("", "ValueError: got 1.0000", 1), out("", "ValueError: got 1.0001", 1)
    assert compare.classify(e1, e2, tol) == "close"
    assert compare.classify(out("x 1.0\n", "", 0), out("x 1.0001\n", "", 2), tol) == "error"


def test_summary_and_exit_status():
    v = ["same", "close", "differs", "error", "skip", "same"]
    assert compare.summary_line(v) == "compat: 5 cases, 2 same, 1 close, 1 differ, 1 error"
    assert compare.exit_status(v) == 1
    assert compare.exit_status(["same", "close", "skip"]) == 0


def test_unified_diff_mentions_both_sides():
    d = compare.unified_diff(out("a\n"), out("b\n", "KeyError: 'x'", 1), "c")
    assert "c (torch)" in d and "c (myautograd)" in d and "+[exception] KeyError: 'x'" in d


# ---------------------------------------------------------------- discover

def test_every_case_has_header_and_valid_name():
    cases = discover.all_cases()
    assert len(cases) >= 50
    import re
    for c in cases:
        assert c.features and c.source, c.name
        if c.document == "examples":
            assert re.fullmatch(r"[a-z0-9_]+", c.name), c.name
            assert c.source.startswith(f"examples/{c.name}.py"), (c.name, c.source)
            continue
        assert re.fullmatch(r"seed\d{3}_\d{2}_[a-z0-9_]+", c.name), c.name
        assert c.source.startswith(c.name[4:7] + "_"), (c.name, c.source)


def test_examples_are_cases():
    """examples/*.py are collected as cases of document "examples", after the snippets;
    a path into examples/ given on the command line keeps that document."""
    cases = discover.all_cases()
    examples = [c for c in cases if c.document == "examples"]
    assert {c.name for c in examples} >= {"train_linear", "train_mlp_classifier", "train_lstm"}
    assert cases[-len(examples):] == examples
    for c in examples:
        assert c.tolerance is not None and c.tolerance.reason, c.name
        assert discover.user_script(c.path).document == "examples"
    picked, unmatched = discover.select(cases, ["train_*"])
    assert not unmatched and all(c in examples for c in picked) and len(picked) >= 3


def test_select_by_name_and_glob(tmp_path):
    cases = discover.all_cases()
    picked, unmatched = discover.select(cases, ["seed003_0*", "seed000_01_requires_grad.py", "nope*"])
    assert unmatched == ["nope*"]
    assert picked[0].name == "seed000_01_requires_grad"
    assert all(c.name.startswith("seed003_0") for c in picked[1:]) and len(picked) == 10
    script = tmp_path / "mine.py"
    script.write_text("# feature: demo\n# tolerance: rtol=1e-3 atol=0\nprint(1)\n")
    case = discover.user_script(str(script))
    assert case.document == "user" and case.features == ("demo",)
    assert case.tolerance == Tolerance(1e-3, 0.0, "")
    assert discover.user_script(cases[0].path) is None


# ---------------------------------------------------------------- report

class _Structure(HTMLParser):
    VOID = {"meta", "br", "link", "img", "hr", "input", "col"}

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.errors, self.ids = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if dict(attrs).get("id"):
            self.ids.append(dict(attrs)["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):  # <br />
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def _cells():
    case = discover.Case("seed009_01_demo", "/x/seed009_01_demo.py", "seed009", ("grad_fn",),
                         "demo <b>", Tolerance(1e-4, 0, "why"))
    other = discover.Case("seed009_02_ok", "/x/seed009_02_ok.py", "seed009", ("backward",))
    bad = runner.Cell(case, "cpu", "differs", out("<MulBackward0 object at 0x1>\n& done\n"),
                      out("<script>alert(1)</script>\n", "RuntimeError: <x>", 1, "Traceback\n<y>"))
    return [bad, runner.Cell(case, "cuda", "skip", note="no GPU"),
            runner.Cell(other, "cpu", "same", out("1\n"), out("1\n")),
            runner.Cell(other, "cuda", "skip", note="no GPU")]


def test_html_report_is_self_contained_escaped_and_well_formed():
    page = report.html_page(_cells(), ["cpu", "cuda"], {"seed": 0, "torch side": "torch <2>"})
    p = _Structure()
    p.feed(page)
    p.close()
    assert not p.errors and p.stack == [], (p.errors, p.stack)
    tags = [t for t, _ in p.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "style" in tags and tags.count("table") == 2  # the matrix and one diff
    assert "seed009_01_demo-cpu" in p.ids
    assert any(a.get("href") == "#seed009_01_demo-cpu" for t, a in p.tags if t == "a")
    assert "&lt;script&gt;" in page and "&lt;MulBackward0" in page and "demo &lt;b&gt;" in page
    assert "compat: 2 cases, 1 same, 0 close, 1 differ, 0 error" in page


def test_table_and_markdown_group_rows():
    cells = _cells()
    text = report.table(cells, ["cpu", "cuda"])
    lines = text.splitlines()
    assert lines[0].split() == ["document", "feature", "case", "cpu", "cuda"]
    assert lines[2].split()[-3:] == ["seed009_02_ok", "same", "skip"]  # backward < grad_fn
    md = report.markdown(cells, ["cpu", "cuda"], {"seed": 0})
    assert "| seed009 | grad_fn | `seed009_01_demo` | differs | skip |" in md
    assert "```diff" in md


# ---------------------------------------------------------------- drop-in alias

def _load_drop_in():
    path = ROOT / "myautograd" / "_drop_in.py"
    spec = importlib.util.spec_from_file_location(f"_drop_in_under_test_{uuid.uuid4().hex}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def alias_env(tmp_path):
    """(drop_in module, alias, target) with a temp target package `target.sub.mod`."""
    tag = uuid.uuid4().hex[:8]
    alias, target = f"aliased_{tag}", f"target_{tag}"
    pkg = tmp_path / target
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("VALUE = 1\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "mod.py").write_text("X = 42\n")
    (pkg / "broken.py").write_text("raise ValueError('broken at import')\n")
    sys.path.insert(0, str(tmp_path))
    d = _load_drop_in()
    yield d, alias, target
    d._uninstall_alias(alias)
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == target or n.startswith(target + ".")]:
        del sys.modules[name]


def test_alias_resolves_to_same_module_objects(alias_env):
    d, alias, target = alias_env
    finder = d._install_alias(alias, target)
    assert sys.meta_path[0] is finder
    assert target not in sys.modules  # installing imports nothing
    top = importlib.import_module(alias)
    assert top is sys.modules[target] is sys.modules[alias] and top.VALUE == 1
    m = importlib.import_module(f"{alias}.sub.mod")
    assert m is sys.modules[f"{target}.sub.mod"] is sys.modules[f"{alias}.sub.mod"]
    assert sys.modules[f"{alias}.sub"] is sys.modules[f"{target}.sub"]
    assert m.__name__ == f"{target}.sub.mod" and m.__spec__.name == f"{target}.sub.mod"
    assert top.__spec__.name == target
    ns = {}
    exec(f"from {alias}.sub import mod as a\nimport {alias}.sub.mod as b\nfrom {alias} import sub",
         ns)
    assert ns["a"] is ns["b"] is m and ns["sub"] is sys.modules[f"{target}.sub"]


def test_alias_errors(alias_env):
    d, alias, target = alias_env
    finder = d._install_alias(alias, target)
    assert d._install_alias(alias, target) is finder  # idempotent
    assert sum(1 for f in sys.meta_path if f is finder) == 1
    with pytest.raises(ImportError):
        d._install_alias(alias, "somewhere_else")
    with pytest.raises(ModuleNotFoundError) as e:
        importlib.import_module(f"{alias}.missing")
    assert e.value.name == f"{alias}.missing"
    with pytest.raises(ValueError, match="broken at import"):
        importlib.import_module(f"{alias}.broken")
    assert f"{alias}.broken" not in sys.modules


def test_alias_refuses_when_alias_already_imported(alias_env):
    d, alias, target = alias_env
    sys.modules[alias] = type(sys)(alias)
    with pytest.raises(ImportError, match="imported before"):
        d._install_alias(alias, target)


# ------------------------------------------------ python -m myautograd (on a stub copy)

@pytest.fixture
def stub_pkg(tmp_path):
    """tmp/stubag: a copy of myautograd's __main__.py and _drop_in.py with a tiny core."""
    pkg = tmp_path / "stubag"
    (pkg / "nn").mkdir(parents=True)
    for name in ("__main__.py", "_drop_in.py"):
        shutil.copy(ROOT / "myautograd" / name, pkg / name)
    (pkg / "__init__.py").write_text("NAME = 'stub'\n")
    (pkg / "nn" / "__init__.py").write_text("")
    (pkg / "nn" / "functional.py").write_text("def relu(x):\n    return max(x, 0)\n")
    return tmp_path


def _run_stub(root, *args, cwd=None, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-m", "stubag", *args], cwd=cwd or root, env=env,
                          capture_output=True, text=True, input=stdin, timeout=60)


def test_main_runs_script_with_torch_aliased(stub_pkg):
    script = stub_pkg / "work" / "s.py"
    script.parent.mkdir()
    (script.parent / "helper.py").write_text("H = 'helper'\n")
    script.write_text(textwrap.dedent("""\
        import sys
        import torch
        import torch.nn.functional as F
        from torch import nn
        import helper
        print(torch.NAME, F.relu(-3), nn is sys.modules["torch.nn"], helper.H)
        print(sys.argv, __name__, __file__)
        """))
    r = _run_stub(stub_pkg, "work/s.py", "a", "--b")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "stub 0 True helper"
    assert lines[1] == f"['work/s.py', 'a', '--b'] __main__ {script}"


def test_main_exit_codes_and_tracebacks(stub_pkg):
    s = stub_pkg / "boom.py"
    s.write_text("def f():\n    raise KeyError('k')\nf()\n")
    r = _run_stub(stub_pkg, str(s))
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == "KeyError: 'k'"
    assert "runpy" not in r.stderr and "stubag" not in r.stderr
    assert r.stderr.startswith("Traceback (most recent call last):\n  File \"" + str(s))
    (stub_pkg / "exit3.py").write_text("import sys\nprint('x')\nsys.exit(3)\n")
    r = _run_stub(stub_pkg, "exit3.py")
    assert (r.returncode, r.stdout) == (3, "x\n")
    r = _run_stub(stub_pkg, "missing.py")
    assert r.returncode == 2 and "can't open file" in r.stderr
    r = _run_stub(stub_pkg, "-c", "import sys, torch; print(torch.NAME, sys.argv)", "z")
    assert (r.returncode, r.stdout) == (0, "stub ['-c', 'z']\n")
    r = _run_stub(stub_pkg, "-c", "1/0")
    assert r.returncode == 1 and r.stderr.splitlines()[-1].startswith("ZeroDivisionError")
    r = _run_stub(stub_pkg, "-", stdin="import torch\nprint(torch.NAME)\n")
    assert (r.returncode, r.stdout) == (0, "stub\n")


# ---------------------------------------------------------------- runner (torch both sides)

def test_run_process_captures_and_times_out(tmp_path):
    o = runner.run_process([sys.executable, "-c",
                            "import os; print(os.getcwd()); raise OSError('disk <full>')"], 60)
    assert o.status == 1 and o.exc_line == "OSError: disk <full>"
    assert o.stdout.strip() != os.getcwd()  # ran in a fresh temp dir
    o = runner.run_process([sys.executable, "-c", "import time; print('hi', flush=True); "
                            "time.sleep(30)"], 1)
    assert o.status == "timeout" and o.stdout == "hi\n" and o.exc_line.startswith("Timeout")


def test_run_cell_torch_vs_torch(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.setenv("COMPAT_BOTH_TORCH", "1")
    script = tmp_path / "rand_case.py"
    script.write_text("import torch\nx = torch.randn(3, requires_grad=True)\n"
                      "print(x, (x * 2).grad_fn)\nopen('scratch.txt', 'w').write('ok')\n"
                      "torch.ones(2, dtype=torch.int64, requires_grad=True)\n")
    cell = runner.run_cell(discover.user_script(str(script)), "cpu", seed=3, timeout=120)
    assert cell.verdict == "same", compare.unified_diff(cell.torch, cell.mine)
    assert cell.torch.status == 1 and "floating point" in cell.torch.exc_line
    assert not (tmp_path / "scratch.txt").exists()


def test_cli_on_user_script_torch_vs_torch(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "user.py"
    script.write_text("import torch\nprint(torch.tensor([1.0, 2.0]).sum())\n")
    env = dict(os.environ, COMPAT_BOTH_TORCH="1")
    r = subprocess.run([sys.executable, "-m", "compat", str(script), "-j", "2"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "compat: 1 cases, 1 same, 0 close, 0 differ, 0 error"
    assert not (ROOT / "compat" / "user.py").exists()
