"""Builds myautograd._C from csrc/ (every .cpp below it).

OpenBLAS comes from the scipy-openblas32 wheel: its headers at build time; the shared
library is dlopen'ed by the core at the first matrix product, so `import myautograd`
never pays for it.

CUDA: when nvcc is found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin), every csrc/**/*.cu is
compiled with it (sm_90 code plus compute_80 PTX for other GPUs to JIT) and the CUDA runtime
is linked statically, so the module imports on machines without a GPU driver
(cuda.is_available() is then False). MYAUTOGRAD_CUDA=0 skips CUDA; =1 requires it (an error
without nvcc). cuBLAS is not linked: it is dlopen'ed at the first CUDA matmul.
"""
import glob
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _openblas_include():
    import scipy_openblas32
    return scipy_openblas32.get_include_dir()


class ParallelBuildExt(build_ext):
    """Compiles translation units on all cores (setuptools compiles them one by one)."""

    def build_extension(self, ext):
        ext.include_dirs.append(_openblas_include())
        comp = self.compiler
        orig_compile = comp.compile

        def compile_parallel(sources, output_dir=None, macros=None, include_dirs=None,
                             debug=0, extra_preargs=None, extra_postargs=None, depends=None):
            # Note [incremental build]: setuptools recompiles every source when any header
            # changes; here each object is rebuilt only when its own dependency list (gcc -MMD)
            # or the compile flags changed.
            flags = repr((macros, include_dirs, debug, extra_preargs, extra_postargs, comp.compiler_so))

            def one(src):
                obj = comp.object_filenames([src], output_dir=output_dir)[0]
                if _up_to_date(obj, flags):
                    return obj
                out = orig_compile([src], output_dir, macros, include_dirs, debug, extra_preargs,
                                   list(extra_postargs or []) + ["-MMD", "-MF", obj + ".d"], depends)[0]
                _write_stamp(obj, flags)
                return out
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                return list(pool.map(one, sources))

        comp.compile = compile_parallel
        if "-Wstrict-prototypes" in comp.compiler_so:
            comp.compiler_so.remove("-Wstrict-prototypes")
        if NVCC:
            cu = sorted(glob.glob("csrc/**/*.cu", recursive=True))
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                objs = list(pool.map(lambda s: _compile_cu(s, self.build_temp), cu))
            libdir = os.path.join(CUDA_ROOT, "lib64")
            if not os.path.isdir(libdir):
                libdir = os.path.join(CUDA_ROOT, "lib")
            ext.extra_objects = list(ext.extra_objects or []) + objs
            # static runtime: the module loads with no driver present (is_available() False)
            ext.extra_link_args = list(ext.extra_link_args or []) + [
                os.path.join(libdir, "libcudart_static.a"), "-lrt", "-lpthread", "-ldl"]
            ext.define_macros = list(ext.define_macros or []) + [("MAG_WITH_CUDA", "1")]
        super().build_extension(ext)


def _find_nvcc():
    """(nvcc path, CUDA root) or (None, None); MYAUTOGRAD_CUDA=0 disables, =1 requires."""
    want = os.environ.get("MYAUTOGRAD_CUDA", "")
    if want == "0":
        return None, None
    cands = [shutil.which("nvcc")]
    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if root:
            cands.append(os.path.join(root, "bin", "nvcc"))
    for nvcc in cands:
        if nvcc and os.path.isfile(nvcc) and os.access(nvcc, os.X_OK):
            root = os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))
            if os.path.isfile(os.path.join(root, "lib64", "libcudart_static.a")) or \
               os.path.isfile(os.path.join(root, "lib", "libcudart_static.a")):
                return nvcc, root
    if want == "1":
        raise RuntimeError("MYAUTOGRAD_CUDA=1 but no nvcc (with libcudart_static.a) was found; "
                           "put nvcc on PATH or set CUDA_HOME")
    return None, None


NVCC, CUDA_ROOT = _find_nvcc()
NVCC_FLAGS = ["-std=c++17", "-O2", "-Xcompiler", "-fPIC", "-Xcompiler", "-fvisibility=hidden",
              "-gencode", "arch=compute_90,code=sm_90", "-gencode", "arch=compute_80,code=compute_80",
              "-diag-suppress", "186", "-DMAG_WITH_CUDA", "-Icsrc"]


def _compile_cu(src, build_temp):
    """One .cu -> .o with nvcc (skipped while the object is newer than what it includes)."""
    obj = os.path.join(build_temp, "cuda", src.replace(os.sep, "_")[:-3] + ".o")
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    flags = repr(NVCC_FLAGS)
    if _up_to_date(obj, flags):
        return obj
    cmd = [NVCC] + NVCC_FLAGS + ["-MD", "-MF", obj + ".d", "-c", src, "-o", obj]
    print(" ".join(cmd), flush=True)
    subprocess.check_call(cmd)
    _write_stamp(obj, flags)
    return obj


def _deps_of(dep_file):
    """The prerequisites listed in a make-style dependency file written by -MMD / -MD."""
    with open(dep_file) as f:
        text = f.read().replace("\\\n", " ")
    _, _, prereqs = text.partition(":")
    return [d for d in prereqs.split() if d != "\\"]


def _up_to_date(obj, flags):
    """True when obj, its dependency file and its flag stamp exist, the flags match and no
    prerequisite is newer than obj."""
    try:
        with open(obj + ".flags") as f:
            if f.read() != flags:
                return False
        t = os.path.getmtime(obj)
        return all(os.path.getmtime(d) <= t for d in _deps_of(obj + ".d"))
    except OSError:
        return False


def _write_stamp(obj, flags):
    with open(obj + ".flags", "w") as f:
        f.write(flags)


sanitize = os.environ.get("MYAUTOGRAD_SANITIZE") == "1"
cflags = ["-std=c++17", "-O2", "-fvisibility=hidden", "-ffp-contract=off", "-fopenmp-simd", "-Wno-unused-function"]
ldflags = ["-ldl"]
if sanitize:
    # MYAUTOGRAD_SANITIZE_OPT=-O0 compiles ~3x faster (the CI sanitizer test uses it)
    cflags += [os.environ.get("MYAUTOGRAD_SANITIZE_OPT", "-O1"), "-g", "-fsanitize=address,undefined",
               "-fno-omit-frame-pointer"]
    ldflags += ["-fsanitize=address,undefined"]

sources = sorted(glob.glob("csrc/**/*.cpp", recursive=True))

setup(
    ext_modules=[Extension(
        "myautograd._C",
        sources=sources,
        include_dirs=["csrc"],
        extra_compile_args=cflags,
        extra_link_args=ldflags,
        language="c++",
        depends=glob.glob("csrc/**/*.h", recursive=True) + glob.glob("csrc/**/*.cu", recursive=True) +
        glob.glob("csrc/**/*.cuh", recursive=True),
    )],
    cmdclass={"build_ext": ParallelBuildExt},
)
