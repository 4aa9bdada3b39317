"""_rebuild: the objects torch.load's pickles refer to, in myautograd terms: storage types
(torch.FloatStorage ... -> StorageType), loaded storages, and the torch._utils._rebuild_* functions.
Every size, stride and offset is checked against the storage before a view is made, because a
hostile file must never make a tensor that reads outside its memory."""
from . import _C
from ._core import bool as _bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64

_STORAGE_DTYPES = {"FloatStorage": float32, "DoubleStorage": float64, "HalfStorage": float16,
                   "BFloat16Storage": bfloat16, "LongStorage": int64, "IntStorage": int32, "ShortStorage": int16,
                   "CharStorage": int8, "ByteStorage": uint8, "BoolStorage": _bool}
FOREIGN_STORAGES = ("ComplexDoubleStorage", "ComplexFloatStorage", "QInt32Storage", "QInt8Storage",
                    "QUInt2x4Storage", "QUInt4x2Storage", "QUInt8Storage")


class ForeignDtype:
    """A torch dtype myautograd has no kernels for (complex64, uint16, float8 ...): it can be named
    in a checkpoint, but a tensor of it cannot be built."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    @property
    def itemsize(self):
        raise RuntimeError(f"myautograd does not support tensors of dtype {self.name}")


class StorageType:
    """torch.<X>Storage as it appears in a checkpoint: only its dtype matters."""

    def __init__(self, name):
        self.name = name
        self.dtype = _STORAGE_DTYPES.get(name) or ForeignDtype("torch." + name.replace("Storage", "").lower())

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class UntypedStorageType:
    """torch.storage.UntypedStorage: bytes; numel in the persistent id counts bytes."""
    dtype = uint8

    def __repr__(self):
        return "torch.storage.UntypedStorage"


UNTYPED = UntypedStorageType()


class LoadedStorage:
    """One storage record after loading: `data` is a 1-D tensor over all of its bytes as `dtype`
    (uint8 for untyped). Handed to a callable map_location as torch hands it an UntypedStorage."""

    def __init__(self, data, location):
        self.data = data
        self.location = location

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        from ._core import device
        return device("cpu")

    def nbytes(self):
        return self.data.numel() * self.data.dtype.itemsize

    def size(self):
        return self.data.numel()

    def __len__(self):
        return self.data.numel()

    def data_ptr(self):
        return self.data.data_ptr()

    def cpu(self):
        return self

    def cuda(self, device=None, non_blocking=False):
        from . import cuda
        cuda._lazy_init()

    def tolist(self):
        return self.data.tolist()

    def __repr__(self):
        return f"LoadedStorage(dtype={self.dtype}, size={self.size()}, location={self.location!r})"


def _view(storage, storage_offset, size, stride, dtype=None):
    """A leaf tensor over `storage` (a LoadedStorage) with torch's set_ bounds rules."""
    if not isinstance(storage, LoadedStorage):
        raise RuntimeError(f"expected a storage, got {type(storage).__name__}")
    base = storage.data
    if dtype is not None and dtype is not base.dtype:
        if isinstance(dtype, ForeignDtype):
            dtype.itemsize  # raises
        base = _reinterpret(base, dtype)
    size, stride = _int_list(size, "size"), _int_list(stride, "stride")
    if type(storage_offset) is not int:
        raise RuntimeError(f"storage offset must be an int, got {type(storage_offset).__name__}")
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {size}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={size} and strides={stride}")
    item = base.dtype.itemsize
    need = 0 if 0 in size else storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    have = base.numel()
    if need > have:
        raise RuntimeError(f"setStorage: sizes {size}, strides {stride}, storage offset {storage_offset}, and "
                           f"itemsize {item} requiring a storage size of {need * item} are out of bounds for "
                           f"storage of size {have * item}")
    if 0 in size:
        storage_offset = min(storage_offset, have)
    return _C._as_strided(base, size, stride, storage_offset).detach()


def _reinterpret(base, dtype):
    nb = base.numel() * base.dtype.itemsize
    if nb % dtype.itemsize:
        raise RuntimeError(f"storage of {nb} bytes is not a whole number of {dtype} elements")
    addr = _C._meta(base)[3]
    return _C._from_pointer(base, addr, nb, [nb // dtype.itemsize], [1], dtype)


def _int_list(v, what):
    if not isinstance(v, (tuple, list)) or not all(type(x) is int for x in v):
        raise RuntimeError(f"tensor {what} must be a tuple of ints, got {v!r}")
    return list(v)


def _set_requires_grad(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _view(storage, storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    if metadata:
        raise RuntimeError(f"myautograd does not support tensor metadata {metadata!r} (conj/neg bits)")
    return _set_requires_grad(_view(storage, storage_offset, size, stride), requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    if metadata:
        raise RuntimeError(f"myautograd does not support tensor metadata {metadata!r} (conj/neg bits)")
    return _set_requires_grad(_view(storage, storage_offset, size, stride, dtype), requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_obj_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _set_obj_state(obj, state):
    if isinstance(state, tuple):
        if len(state) != 2:
            raise RuntimeError(f"Invalid serialized state: {state}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for part in (dict_state, slots_state):
        if part:
            for k, v in part.items():
                setattr(obj, k, v)
    return obj


def _rebuild_from_type_v2(func, new_type, args, state):
    from ._tensor import Tensor
    from .nn.parameter import Parameter
    ret = func(*args)
    if type(ret) is not new_type:
        if new_type is Parameter:
            ret = Parameter(ret, ret.requires_grad)
        elif new_type is not Tensor:
            raise RuntimeError(f"myautograd cannot rebuild a tensor of type {new_type}")
    return _set_obj_state(ret, state)


def _unsupported(what):
    def f(*args, **kwargs):
        raise RuntimeError(f"myautograd.load does not support {what}")
    f.__name__ = f.__qualname__ = what.replace(" ", "_")
    return f


def _get_layout(name):
    raise RuntimeError(f"myautograd.load does not support layout {name}")


UNSUPPORTED_REBUILDS = {n: _unsupported(n) for n in (
    "_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor",
    "_rebuild_wrapper_subclass", "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor")}
REBUILDS = {"_rebuild_tensor": _rebuild_tensor, "_rebuild_tensor_v2": _rebuild_tensor_v2,
            "_rebuild_tensor_v3": _rebuild_tensor_v3, "_rebuild_parameter": _rebuild_parameter,
            "_rebuild_parameter_with_state": _rebuild_parameter_with_state, **UNSUPPORTED_REBUILDS}
