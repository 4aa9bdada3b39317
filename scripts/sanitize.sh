#!/usr/bin/env bash
# sanitize.sh: builds myautograd with AddressSanitizer + UBSan (MYAUTOGRAD_SANITIZE=1) in a copy
# of the tree (default /tmp/rel_asan; the in-place .so of this checkout is never touched) and runs
# pytest there with libasan preloaded. UBSan reports go to $DEST/logs/ubsan.*; ASan aborts on the
# first error (the test then fails as a crash). Usage: scripts/sanitize.sh [pytest args...]
# SANITIZE_JOBS=N sets the pytest-xdist workers (default 2).
# Default subset: tests/test_engine.py tests/fuzz tests/test_hostile_args.py tests/test_random.py
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${SANITIZE_DIR:-/tmp/rel_asan}"
PY="${PYTHON:-/work/venv/bin/python}"
mkdir -p "$DEST/logs"
rm -f "$DEST"/logs/*
# copy sources and tests (tar keeps mtimes, so the build is forced: always the current code)
tar -C "$SRC" --exclude='./build' --exclude='./.git' --exclude='*.so' --exclude='__pycache__' \
    --exclude='./.hypothesis' -cf - . | tar -C "$DEST" -xf -
cd "$DEST"
echo "== building sanitized extension in $DEST (log: $DEST/logs/build.log)"
MYAUTOGRAD_SANITIZE=1 "$PY" setup.py build_ext --force --inplace --build-temp build/asan > logs/build.log 2>&1 \
  || { tail -30 logs/build.log; exit 1; }
LIBASAN="$(gcc -print-file-name=libasan.so)"
# libstdc++ must be loaded with libasan, or its __cxa_throw interceptor finds no real
# __cxa_throw (python is plain C) and the first C++ exception (torch's, ours) aborts.
LIBSTDCXX="$(readlink -f "$(gcc -print-file-name=libstdc++.so.6)")"
[ $# -gt 0 ] || set -- tests/test_engine.py tests/fuzz tests/test_hostile_args.py tests/test_random.py
echo "== running pytest $* under ASan+UBSan"
set +e
LD_PRELOAD="$LIBASAN $LIBSTDCXX" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1" \
UBSAN_OPTIONS="print_stacktrace=1:log_path=$DEST/logs/ubsan" \
  "$PY" -m pytest -q -p no:cacheprovider -n "${SANITIZE_JOBS:-2}" "$@" 2>&1 | tee logs/pytest.log | tail -40
rc=${PIPESTATUS[0]}
set -e
n_ub=$(cat "$DEST"/logs/ubsan.* 2>/dev/null | grep -c "runtime error" || true)
n_asan=$(grep -c "ERROR: AddressSanitizer" logs/pytest.log || true)
echo "== sanitizer summary: pytest rc=$rc, ASan errors=$n_asan, UBSan runtime errors=$n_ub"
cat "$DEST"/logs/ubsan.* 2>/dev/null | grep "runtime error" | sed 's/^.*csrc/csrc/' | sort | uniq -c | sort -rn | head -30 || true
exit $(( rc != 0 || n_asan != 0 || n_ub != 0 ))
