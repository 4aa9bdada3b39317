"""_numpy: exchange with NumPy (imported only when used)."""
import numpy as np

from . import _C
from ._core import bool as _bool, uint8, int8, int16, int32, int64, float16, float32, float64

_TO_NP = {str(float32): np.float32, str(float64): np.float64, str(float16): np.float16, str(int64): np.int64,
          str(int32): np.int32, str(int16): np.int16, str(int8): np.int8, str(uint8): np.uint8, str(_bool): np.bool_}
_FROM_NP = {np.dtype(v).str: k for k, v in _TO_NP.items()}
_DT = {str(d): d for d in (float32, float64, float16, int64, int32, int16, int8, uint8, _bool)}


def to_numpy(t):
    if t.dtype is _C.bfloat16:
        raise TypeError("Got unsupported ScalarType BFloat16")
    addr, shape, strides = _C._array_info(t)
    npdt = np.dtype(_TO_NP[str(t.dtype)])

    class _Holder:
        __array_interface__ = {"data": (addr, False), "shape": shape, "strides": strides,
                               "typestr": npdt.str, "version": 3}
    h = _Holder()
    h.tensor = t  # keeps the storage alive
    return np.asarray(h)


def _dtype_of(a):
    key = a.dtype.str if a.dtype.str in _FROM_NP else np.dtype(a.dtype.name).str
    if key not in _FROM_NP:
        raise TypeError(f"can't convert np.ndarray of type {a.dtype}. The only supported types are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool.")
    return _DT[_FROM_NP[key]]


def from_numpy(a):
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(a).__name__})")
    dt = _dtype_of(a)
    item = a.itemsize
    for s in a.strides:
        if s % item:
            raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array to reallocate the memory.")
        if s < 0:
            raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative strides are not currently supported. (You can probably work around this by making a copy of your array  with array.copy().) ")
    addr = a.__array_interface__["data"][0]
    return _C._from_pointer(a, addr, a.nbytes, list(a.shape), [s // item for s in a.strides], dt)


def from_numpy_copy(a):
    # np.ascontiguousarray would turn a 0-d array (or numpy scalar) into shape (1,)
    return _C._clone(from_numpy(np.array(a, order="C", copy=True)))
