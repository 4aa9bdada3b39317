"""bench.profile_driver: run one workload under one library for N iterations, for profilers.

    python -m bench.profile_driver myautograd W1-nograd 20000
    valgrind --tool=callgrind python -m bench.profile_driver myautograd W2 5000
    python -m bench.profile_driver myautograd W3 2000 --cprofile
    python -m bench.profile_driver myautograd W1-fwdbwd 200000 --with-thread

--with-thread starts (and joins) one thread before importing the library: glibc then reports
the process as multi-threaded for good, as it is in `python -m bench` (import torch starts a
thread), which switches std::shared_ptr to locked count updates (see bench/PROFILE.md).

Instruction counts per iteration come from two callgrind runs (N1 and N2 iterations):
(Ir(N2) - Ir(N1)) / (N2 - N1) removes import and set-up costs; see bench/PROFILE.md.
"""
import importlib
import sys
import time

from . import workloads as W


def main():
    lib_name, wid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if "--with-thread" in sys.argv:
        import threading
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
    lib = importlib.import_module(lib_name)
    spec = next(s for s in W.WORKLOADS if s[0].lower() == wid.lower())
    run = spec[2](lib)
    run(2)  # warm-up
    if "--cprofile" in sys.argv:
        import cProfile
        import pstats
        pr = cProfile.Profile()
        pr.enable()
        run(n)
        pr.disable()
        st = pstats.Stats(pr)
        st.sort_stats("tottime").print_stats(25)
        return
    t0 = time.perf_counter()
    run(n)
    dt = time.perf_counter() - t0
    print(f"{lib_name} {spec[0]}: {n} iterations, {dt / n * 1e6:.2f} us/iter", file=sys.stderr)


if __name__ == "__main__":
    main()
