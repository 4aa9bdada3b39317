"""Builds myautograd._C from csrc/ (every .cpp below it).

OpenBLAS comes from the scipy-openblas32 wheel: its headers at build time; the shared
library is dlopen'ed by the core at the first matrix product, so `import myautograd`
never pays for it. nvcc-built CUDA kernels are a later issue (MYAUTOGRAD_CUDA).
"""
import glob
import os
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
            def one(src):
                return orig_compile([src], output_dir, macros, include_dirs, debug,
                                    extra_preargs, extra_postargs, depends)[0]
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
                return list(pool.map(one, sources))

        comp.compile = compile_parallel
        if "-Wstrict-prototypes" in comp.compiler_so:
            comp.compiler_so.remove("-Wstrict-prototypes")
        super().build_extension(ext)


sanitize = os.environ.get("MYAUTOGRAD_SANITIZE") == "1"
cflags = ["-std=c++17", "-O2", "-fvisibility=hidden", "-ffp-contract=off", "-Wno-unused-function"]
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
        depends=glob.glob("csrc/**/*.h", recursive=True),
    )],
    cmdclass={"build_ext": ParallelBuildExt},
)
