"""_core: loads the native module, finds OpenBLAS for it, and defines the small value types
torch exposes (dtype objects come from _C; Size and device live here)."""
import builtins as _builtins
import importlib.util
import os

from . import _C

_spec = importlib.util.find_spec("scipy_openblas32")
if _spec is not None and _spec.origin:
    _lib = os.path.join(os.path.dirname(_spec.origin), "lib", "libscipy_openblas.so")
    _C._set_blas_path(_lib)

bool = _C.bool
uint8 = _C.uint8
int8 = _C.int8
int16 = short = _C.int16
int32 = int = _C.int32
int64 = long = _C.int64
float16 = half = _C.float16
bfloat16 = _C.bfloat16
float32 = float = _C.float32
float64 = double = _C.float64
dtype = type(_C.float32)

_OP_IDS = None


class Size(tuple):
    """torch.Size: a tuple of ints that prints as torch.Size([...])."""

    __slots__ = ()

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(v) for v in self) + "])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for v in self:
            n *= v
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (Size, (tuple(self),))


class device:
    """torch.device('cpu'), torch.device('cuda', 0), torch.device('cuda:1')."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, _builtins.int) and not isinstance(type, _builtins.bool):
            if _C._cuda_device_count() == 0:  # torch: an index means the current accelerator
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = "cuda", type  # torch.device(0) is cuda:0
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments")
        if ":" in type:
            type, idx = type.split(":", 1)
            if index is not None:
                raise ValueError("type (string) must not include an index because index was passed explicitly: " + type)
            index = _builtins.int(idx)
        if type not in ("cpu", "cuda", "meta", "mps"):
            raise RuntimeError(f"Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


_cpu = device("cpu")
_C._set_size_class(Size)
_C._set_cpu_device(_cpu)
