"""CI's bounded AddressSanitizer + UBSan run: builds myautograd._C with MYAUTOGRAD_SANITIZE=1
(-O0: a third of -O1's compile time) into a cache directory outside the checkout (keyed by a
hash of csrc/ and setup.py, so a rebuild happens only when the C++ changes), then runs a chosen
subset of the suite in a subprocess on that extension with libasan preloaded, and requires a
passing run, zero ASan reports and zero UBSan reports. The whole suite under the sanitizers is
scripts/sanitize.sh (see scripts/README.md for its last summary)."""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the native core's broadest, fastest tests: engine, the fuzzer's CI round and every regression
# it found, hostile arguments (the 90,000-call sweep stays un-sanitized), hostile files, threads
SUBSET = ["tests/test_engine.py", "tests/fuzz", "tests/test_hostile_args.py", "tests/test_serialization_hostile.py",
          "tests/test_threads.py", "tests/test_ops.py"]
OPT = "-O0"


def _gcc_file(name):
    out = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True).stdout.strip()
    assert os.path.isabs(out) and os.path.exists(out), f"gcc has no {name}: the sanitizer runtime is missing"
    return os.path.realpath(out)


def _sources_key():
    h = hashlib.sha256(OPT.encode())
    files = sorted(glob.glob(os.path.join(ROOT, "csrc", "**", "*"), recursive=True)) + [os.path.join(ROOT, "setup.py")]
    for p in files:
        if os.path.isfile(p):
            h.update(os.path.relpath(p, ROOT).encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def _copy_package(dst):
    shutil.copytree(os.path.join(ROOT, "myautograd"), os.path.join(dst, "myautograd"),
                    ignore=shutil.ignore_patterns("*.so", "__pycache__"))


def sanitized_extension():
    """Path of a sanitized _C*.so for the current csrc/, built once per source hash."""
    cache = os.environ.get("MYAUTOGRAD_SANITIZE_CACHE", os.path.join(tempfile.gettempdir(), "myautograd-asan"))
    final = os.path.join(cache, _sources_key())
    found = glob.glob(os.path.join(final, "_C*.so"))
    if found:
        return found[0]
    os.makedirs(cache, exist_ok=True)
    work = tempfile.mkdtemp(prefix="build-", dir=cache)
    try:
        for name in ("csrc",):
            shutil.copytree(os.path.join(ROOT, name), os.path.join(work, name))
        for name in ("setup.py", "pyproject.toml", "README.md"):
            shutil.copy(os.path.join(ROOT, name), work)
        _copy_package(work)
        # CUDA off: the static CUDA runtime is not what this run checks, and nvcc would double the build
        env = dict(os.environ, MYAUTOGRAD_SANITIZE="1", MYAUTOGRAD_SANITIZE_OPT=OPT, MYAUTOGRAD_CUDA="0")
        p = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "--build-temp", "build/asan"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=1800)
        assert p.returncode == 0, "sanitized build failed:\n" + (p.stdout + p.stderr)[-3000:]
        so = glob.glob(os.path.join(work, "myautograd", "_C*.so"))[0]
        staged = os.path.join(work, "out")
        os.makedirs(staged)
        shutil.copy(so, staged)
        try:
            os.rename(staged, final)  # atomic: a concurrent session may have won the race
        except OSError:
            pass
        return glob.glob(os.path.join(final, "_C*.so"))[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.mark.sanitizer
def test_bounded_subset_is_sanitizer_clean(tmp_path):
    libasan, libstdcxx = _gcc_file("libasan.so"), _gcc_file("libstdc++.so.6")
    so = sanitized_extension()
    run = tmp_path / "run"
    run.mkdir()
    _copy_package(str(run))
    shutil.copy(so, run / "myautograd")
    shutil.copytree(os.path.join(ROOT, "tests"), run / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    logs = tmp_path / "ubsan"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(PYTHONPATH=str(run),
               # libstdc++ with libasan: python is C, so asan's __cxa_throw interceptor needs it loaded
               LD_PRELOAD=f"{libasan} {libstdcxx}",
               ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1",
               UBSAN_OPTIONS=f"print_stacktrace=1:log_path={logs}")
    # the subprocess must import the sanitized build, not the checkout's
    # (and knows it is sanitized: test_memory skips its RSS budgets on that flag)
    where = subprocess.run([sys.executable, "-c", "import myautograd._C as c; print(c.__file__, c._sanitized)"],
                           cwd=run, env=env, capture_output=True, text=True, timeout=120)
    assert where.stdout.strip().startswith(str(run)), where.stdout + where.stderr[-2000:]
    assert where.stdout.split()[-1] == "True", where.stdout
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not sweep", *SUBSET],
                       cwd=run, env=env, capture_output=True, text=True, timeout=1500)
    out = p.stdout + p.stderr
    ub = "".join(open(f, errors="replace").read() for f in glob.glob(f"{logs}*"))
    assert "ERROR: AddressSanitizer" not in out, out[-4000:]
    assert "runtime error" not in ub, ub[:4000]
    assert p.returncode == 0, out[-4000:]
    assert " passed" in out.splitlines()[-1], out[-2000:]
