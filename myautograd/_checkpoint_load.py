"""_checkpoint_load: reads a torch zip checkpoint (see _zip_format) into myautograd objects: storage
records become LoadedStorages (sizes validated before any allocation, optional mmap, byte-swapped
for big-endian files), map_location is applied as torch applies it, and data.pkl is unpickled by
the weights-only unpickler or by a full unpickler that maps torch.* globals to myautograd."""
import io
import pickle
import re
import sys

from . import _C, _rebuild
from ._weights_only_unpickler import Unpickler as WeightsOnlyUnpickler, allowed_globals

_CPU_ONLY_HINT = ("If you are running on a CPU-only machine, please use torch.load with "
                  "map_location=torch.device('cpu') to map your storages to the CPU.")


def _restore_default(storage, location):
    """torch.serialization.default_restore_location for a build whose only device is the CPU."""
    if location == "cpu":
        return storage
    for backend in ("cuda", "xpu", "mtia"):
        if location == backend or re.match(f"{backend}(:|[0-9]+)", location):
            raise RuntimeError(f"Attempting to deserialize object on a {backend.upper()} device but "
                               f"torch.{backend}.is_available() is False. " + _CPU_ONLY_HINT)
    if location.startswith("mps"):
        raise RuntimeError("torch.UntypedStorage(): Storage device not recognized: mps")
    if location == "hpu" or re.match("hpu(:|[0-9]+)", location):
        raise RuntimeError("The HPU device module is not registered. " + _CPU_ONLY_HINT)
    if location == "meta":
        raise RuntimeError("myautograd.load does not support map_location='meta' (no meta tensors)")
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage "
                       f"(tagged with {location})")


def restore_location_fn(map_location):
    from ._core import device
    if map_location is None:
        return _restore_default
    if isinstance(map_location, dict):
        return lambda storage, location: _restore_default(storage, map_location.get(location, location))
    if isinstance(map_location, (str, bytes)):
        loc = map_location.decode() if isinstance(map_location, bytes) else map_location
        return lambda storage, location: _restore_default(storage, loc)
    if isinstance(map_location, device) or type(map_location).__name__ == "device":
        return lambda storage, location: _restore_default(storage, str(map_location))

    def call(storage, location):
        result = map_location(storage, location)
        if result is None:
            return _restore_default(storage, location)
        if not isinstance(result, _rebuild.LoadedStorage):
            raise RuntimeError(f"map_location callable must return None or the storage it was given (or another "
                               f"myautograd storage), got {type(result).__name__}")
        return result
    return call


class StorageLoader:
    """persistent_load for one archive: ('storage', type, key, location, numel) -> LoadedStorage,
    each key read once. `mapped` is an mmap of the whole file (or None)."""

    def __init__(self, reader, map_location, mapped=None):
        self.reader = reader
        self.restore = restore_location_fn(map_location)
        self.mapped = mapped
        self.loaded = {}
        bo = reader.read("byteorder") if reader.has_record("byteorder") else b"little"
        if bo not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + bo.decode("utf-8", "replace"))
        self.swap = bo.decode() != sys.byteorder

    def __call__(self, saved_id):
        if not isinstance(saved_id, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(saved_id).__name__}")
        typename = saved_id[0].decode("ascii") if isinstance(saved_id[0], bytes) else saved_id[0]
        if typename != "storage":
            raise AssertionError(f"Unknown typename for persistent_load, expected 'storage' but got '{typename}'")
        if len(saved_id) != 5:
            raise RuntimeError(f"storage persistent id must have 5 fields, got {len(saved_id)}")
        storage_type, key, location, numel = saved_id[1:]
        if not isinstance(storage_type, (_rebuild.StorageType, _rebuild.UntypedStorageType)):
            raise RuntimeError(f"expected a storage type in the persistent id, got {storage_type!r}")
        if not isinstance(key, str) or type(numel) is not int or numel < 0:
            raise RuntimeError(f"invalid storage record reference (key={key!r}, numel={numel!r})")
        location = location.decode("ascii") if isinstance(location, bytes) else location
        if not isinstance(location, str):
            raise RuntimeError(f"invalid storage location {location!r}")
        if key not in self.loaded:
            self.loaded[key] = self._load(storage_type.dtype, numel, key, location)
        return self.loaded[key]

    def _load(self, dtype, numel, key, location):
        if isinstance(dtype, _rebuild.ForeignDtype):
            dtype.itemsize  # raises: no such dtype here
        name = f"data/{key}"
        nbytes = numel * dtype.itemsize
        size = self.reader.record_size(name)  # raises torch's "failed locating file" when absent
        if size != nbytes:  # before any allocation: a record cannot claim more than it holds
            raise RuntimeError(f"record size ({size} bytes) does not match expected size ({nbytes} bytes = "
                               f"{nbytes} elements * 1 bytes/element) for dtype Byte")
        data = self._mapped_tensor(name, nbytes, numel, dtype)
        if data is None:
            raw = self.reader.read(name)
            if self.swap and dtype.itemsize > 1:
                raw = _byteswap(raw, dtype.itemsize)
            data = _C._from_buffer(raw, [numel], dtype)
        storage = _rebuild.LoadedStorage(data, location)
        return self.restore(storage, location)

    def _mapped_tensor(self, name, nbytes, numel, dtype):
        if self.mapped is None or self.swap and dtype.itemsize > 1:
            return None
        ofs = self.reader.payload_offset(name)
        if ofs is None or ofs % 64 and ofs % dtype.itemsize:
            return None  # compressed or misaligned: fall back to a copy
        import ctypes
        buf = (ctypes.c_char * max(nbytes, 1)).from_buffer(self.mapped, ofs if nbytes else 0)
        return _C._from_pointer(buf, ctypes.addressof(buf), nbytes, [numel], [1], dtype)


def _byteswap(raw, itemsize):
    import array
    code = {2: "H", 4: "I", 8: "Q"}[itemsize]
    a = array.array(code)
    a.frombytes(raw)
    a.byteswap()
    return a.tobytes()


_MODULE_ALIASES = {"torch.tensor": "torch._tensor"}


class FullUnpickler(pickle.Unpickler):
    """weights_only=False: ordinary unpickling (it can run code, as torch's does), with torch.*
    globals resolved to myautograd objects: the weights-only table first, then torch.X.Y ->
    myautograd.X.Y, then torch.nn.* / torch.optim.* names by class name."""

    def find_class(self, module, name):
        module = _MODULE_ALIASES.get(module, module)
        if module != "torch" and not module.startswith("torch."):
            return super().find_class(module, name)
        table = allowed_globals()
        full = f"{module}.{name}"
        if full in table:
            return table[full]
        if "Storage" in name and name in _rebuild._STORAGE_DTYPES:
            return _rebuild.StorageType(name)
        import importlib
        import myautograd
        try:
            obj = importlib.import_module("myautograd" + module[len("torch"):])
            for part in name.split("."):
                obj = getattr(obj, part)
            return obj
        except (ImportError, AttributeError):
            pass
        for pkg in ("nn", "optim"):
            if module.startswith(f"torch.{pkg}.") and hasattr(getattr(myautograd, pkg), name):
                return getattr(getattr(myautograd, pkg), name)
        raise pickle.UnpicklingError(f"myautograd.load cannot map the torch global {full} to a myautograd object")


def unpickle(data, persistent_load, weights_only, **pickle_load_args):
    if weights_only:
        return WeightsOnlyUnpickler(io.BytesIO(data), persistent_load,
                                    encoding=pickle_load_args.get("encoding", "utf-8")).load()
    u = FullUnpickler(io.BytesIO(data), **pickle_load_args)
    u.persistent_load = persistent_load
    return u.load()
