"""_torch_pickler: writes data.pkl exactly as torch.save does (protocol 2, same opcodes and memo
use as torch's C pickler) without importing torch. Tensors become `torch._utils._rebuild_tensor_v2`
calls whose storage is a persistent id ('storage', torch.<X>Storage, key, 'cpu', numel); each
storage is recorded once (views share the key). Size/device/dtype pickle under torch's names."""
import io
import pickle
from collections import OrderedDict

from . import _C
from ._core import Size, device as _device

STORAGE_NAMES = {"torch.float32": "FloatStorage", "torch.float64": "DoubleStorage", "torch.float16": "HalfStorage",
                 "torch.bfloat16": "BFloat16Storage", "torch.int64": "LongStorage", "torch.int32": "IntStorage",
                 "torch.int16": "ShortStorage", "torch.int8": "CharStorage", "torch.uint8": "ByteStorage",
                 "torch.bool": "BoolStorage"}
_dtype_type = type(_C.float32)


class TorchGlobal:
    """A stand-in that pickles as GLOBAL '<module> <name>' (torch need not be importable)."""
    _cache = {}

    def __new__(cls, module, name):
        key = (module, name)
        g = cls._cache.get(key)
        if g is None:
            g = object.__new__(cls)
            g.module, g.name = module, name
            cls._cache[key] = g
        return g

    def __call__(self, *args):  # the pickler requires reduce functions to be callable
        raise RuntimeError(f"{self.module}.{self.name} is a name in a torch checkpoint, not callable here")


class _StorageRef:
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


_REBUILD_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAM = TorchGlobal("torch._utils", "_rebuild_parameter")
_REBUILD_PARAM_STATE = TorchGlobal("torch._utils", "_rebuild_parameter_with_state")
_REBUILD_FROM_TYPE = TorchGlobal("torch._tensor", "_rebuild_from_type_v2")
_TENSOR = TorchGlobal("torch", "Tensor")
_SIZE = TorchGlobal("torch", "Size")
_DEVICE = TorchGlobal("torch", "device")


def _obj_state(t):
    d = getattr(t, "__dict__", None)
    return dict(d) if d else None


class TorchPickler(pickle._Pickler):
    """The pure-Python pickler (so GLOBALs can be written for names this process cannot import);
    `storages` maps key -> tensor owning the bytes, in first-pickled order."""

    def __init__(self, file, protocol=2):
        super().__init__(file, protocol=protocol)
        self.storages = {}
        self._keys = {}  # storage identity -> key string (the same str object, so the memo reuses it)
        self._refs = {}
        self._dtype_at = {}  # storage base address -> dtype saved there (torch refuses mixed dtypes)

    def persistent_id(self, obj):
        # a fresh tuple per reference, as torch builds one per call (shared keys memoize, tuples don't)
        return ("storage",) + obj.pid[1:] if type(obj) is _StorageRef else None

    def _storage_ref(self, t):
        offset, _, _, ptr, nbytes = _C._meta(t)
        item = t.dtype.itemsize
        base = ptr - offset * item
        ident = (base, nbytes, str(t.dtype)) if base and nbytes else ("empty", id(t))
        key = self._keys.get(ident)
        if key is None:
            if ident[0] != "empty" and self._dtype_at.setdefault(base, ident[2]) != ident[2]:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different types")
            key = self._keys[ident] = str(len(self._keys))
            self.storages[key] = t
            self._refs[key] = _StorageRef(("storage", TorchGlobal("torch", STORAGE_NAMES[str(t.dtype)]), key, str(t.device),
                                           nbytes // item))
        return self._refs[key]

    def _tensor_reduce(self, t):
        args = (self._storage_ref(t), t.storage_offset(), tuple(t.shape), t.stride(), t.requires_grad, OrderedDict())
        return (_REBUILD_V2, args)

    def reducer_override(self, obj):
        from .nn.parameter import Parameter
        tp = type(obj)
        if tp is Parameter:
            state = _obj_state(obj)
            data = obj.detach()
            if state:
                return (_REBUILD_PARAM_STATE, (data, obj.requires_grad, OrderedDict(), state))
            return (_REBUILD_PARAM, (data, obj.requires_grad, OrderedDict()))
        if isinstance(obj, _C.TensorBase):
            state = _obj_state(obj)
            if tp is not _tensor_class() or state:
                func, args = self._tensor_reduce(obj)
                new_type = _TENSOR if tp is _tensor_class() else tp
                return (_REBUILD_FROM_TYPE, (func, new_type, args, state or {}))
            return self._tensor_reduce(obj)
        if tp is Size:
            return (_SIZE, (tuple(obj),))
        if tp is _device:
            # a new str object, as torch's C device.__reduce__ makes (an interned 'cpu' would memoize)
            return (_DEVICE, (str(obj).encode().decode(),))
        return NotImplemented

    def save_global(self, obj, name=None):
        if type(obj) is TorchGlobal:
            return self._write_global(obj, obj.module, obj.name)
        if type(obj) is _dtype_type:
            return self._write_global(obj, "torch", str(obj)[len("torch."):])
        return super().save_global(obj, name)

    def _write_global(self, obj, module, name):
        self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n" + name.encode("utf-8") + b"\n")
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[TorchGlobal] = save_global
    dispatch[_dtype_type] = save_global


def _tensor_class():
    from ._tensor import Tensor
    return Tensor


def dumps(obj, protocol=2):
    """(data.pkl bytes, {key: tensor whose whole storage is that record})."""
    buf = io.BytesIO()
    p = TorchPickler(buf, protocol)
    p.dump(obj)
    return buf.getvalue(), p.storages
