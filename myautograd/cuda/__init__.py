"""torch.cuda: devices, synchronize, memory statistics and seeding for the CUDA kernel path
(csrc/kernels/cuda). is_available() tells the truth: False for a build without nvcc (then
device requests raise AssertionError "Torch not compiled with CUDA enabled", as torch's
CPU-only build) and False with no driver/GPU (then torch's RuntimeError, e.g. "Found no
NVIDIA driver on your system. ...")."""
import glob as _glob
import os as _os
import sys as _sys

from .. import _C


def _find_cublas():
    """libcublas.so.13 paths from installed nvidia-cublas wheels (tried before the system's)."""
    found = []
    for base in _sys.path:
        for sub in ("nvidia/cu13/lib", "nvidia/cublas/lib"):
            found += sorted(_glob.glob(_os.path.join(base, sub, "libcublas.so.1[3-9]")))
    return found


for _p in _find_cublas():
    _C._cuda_add_cublas_path(_p)


def is_available():
    return _C._cuda_device_count() > 0


def device_count():
    return _C._cuda_device_count()


def is_initialized():
    return is_available()


def _lazy_init(index=-1):
    if not _C._cuda_is_built():
        raise AssertionError("Torch not compiled with CUDA enabled")
    _C._cuda_lazy_init(index)


def _index(device):
    """The device index of a device / str / int / None (None: the current device)."""
    from .._core import device as _device
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    d = _device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return current_device() if d.index is None else d.index


def current_device():
    _lazy_init()
    return _C._cuda_current_device()


def set_device(device):
    idx = _index(device) if device is not None else -1
    if idx >= 0:
        _lazy_init(idx)
        _C._cuda_set_device(idx)


def synchronize(device=None):
    _lazy_init()
    _C._cuda_synchronize(_index(device))


def get_device_name(device=None):
    _lazy_init()
    return _C._cuda_get_device_name(_index(device))


def memory_allocated(device=None):
    _lazy_init()
    return _C._cuda_memory_stats(_index(device))[0]


def max_memory_allocated(device=None):
    _lazy_init()
    return _C._cuda_memory_stats(_index(device))[1]


def memory_reserved(device=None):
    _lazy_init()
    return _C._cuda_memory_stats(_index(device))[2]


def reset_peak_memory_stats(device=None):
    _lazy_init()
    _C._cuda_reset_peak(_index(device))


def empty_cache():
    _C._cuda_empty_cache()


def manual_seed(seed):
    """Seeds the current device's generator (silently ignored without CUDA, as torch)."""
    from .._creation import _seed_value
    if not is_available():
        return
    _C._manual_seed(_C._cuda_generator(current_device()), _seed_value(seed))


def manual_seed_all(seed):
    from .._creation import _seed_value
    for i in range(device_count()):
        _C._manual_seed(_C._cuda_generator(i), _seed_value(seed))


def _generator(index):
    return _C._cuda_generator(index)


class device:
    """torch.cuda.device(idx): a context manager that makes idx the current device."""

    def __init__(self, device):
        self.idx = _index(device) if device is not None else -1
        self.prev = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev = current_device()
            set_device(self.idx)

    def __exit__(self, *exc):
        if self.prev >= 0:
            set_device(self.prev)
        return False
