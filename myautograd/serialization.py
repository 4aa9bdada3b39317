"""torch.save / torch.load: torch's zip checkpoint format, readable and writable without torch.
save pickles with _torch_pickler and lays records out with _zip_format; load validates the archive,
reads storages via _checkpoint_load and unpickles with the weights-only unpickler by default.
Error types and texts follow torch 2.13 (TORCH_FACTS.md section 6)."""
import io
import os
import pickle
import re
import warnings

from . import _C
from ._checkpoint_load import StorageLoader, unpickle
from ._torch_pickler import dumps
from ._zip_format import ZipReader, ZipWriter

DEFAULT_PROTOCOL = 2
UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, "
    "but it can result in arbitrary code execution. Do it only if you got the file from a "
    "trusted source."
)
_DOCS_MESSAGE = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
                 "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19"


def _tensor_reduce(t):
    """Plain pickle.dumps(tensor) (outside save): the values, dtype, shape and requires_grad."""
    c = t.detach().contiguous()
    return (_rebuild_plain, (_C._storage_bytes(c)[: c.numel() * c.dtype.itemsize], str(c.dtype), tuple(c.shape),
                             t.requires_grad))


def _param_reduce(p):
    from .nn.parameter import Parameter
    return (Parameter, (p.detach(), p.requires_grad))


def _rebuild_plain(raw, dtype_name, shape, requires_grad):
    from ._tensor import _dtype_by_name
    t = _C._from_buffer(raw, list(shape), _dtype_by_name[dtype_name])
    return t.requires_grad_(True) if requires_grad else t


# --- save

def _archive_name(path):
    """torch's PyTorchFileWriter naming: the file name without directory and extension ("archive"
    for non-ASCII names, which torch writes through a Python stream)."""
    try:
        path.encode("ascii")
    except UnicodeEncodeError:
        return "archive"
    base = re.split(r"[\\/]", path)[-1]
    if "." in base:
        base = base[:base.rindex(".")]
    if not base:
        raise RuntimeError(f"invalid file name: {path}")
    return base


def _storage_view(t):
    """The whole storage of `t` as a read-only memoryview (no copy)."""
    import ctypes
    if t.device.type != "cpu":  # device memory: the storage's bytes copied to the host
        return memoryview(_C._storage_bytes(t))
    offset, _, _, ptr, nbytes = _C._meta(t)
    if nbytes == 0:
        return memoryview(b"")
    base = ptr - offset * t.dtype.itemsize
    return memoryview((ctypes.c_char * nbytes).from_address(base)).cast("B").toreadonly()


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Saves `obj` in torch's zip format; real torch.load reads it (weights_only=True for tensors,
    Parameters, state_dicts, optimizer state and plain containers)."""
    if not isinstance(f, (str, os.PathLike)) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' attribute")
    if not _use_new_zipfile_serialization:
        raise RuntimeError("myautograd.save writes only the zip format; _use_new_zipfile_serialization=False "
                           "(the legacy format) is not supported")
    if pickle_module is not pickle:
        raise RuntimeError("myautograd.save supports only the standard pickle module")
    data, storages = dumps(obj, pickle_protocol)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        with open(path, "wb") as out:
            _write_archive(out, _archive_name(path), data, storages, _disable_byteorder_record)
    else:
        if not callable(f.write):
            raise TypeError(f"Buffer of {str(type(f)).strip('<>')} has no callable attribute 'write'")
        _write_archive(f, "archive", data, storages, _disable_byteorder_record)
        if hasattr(f, "flush"):
            f.flush()


def _write_archive(out, name, data, storages, disable_byteorder):
    import sys
    w = ZipWriter(out, name)
    w.write_record("data.pkl", data)
    w.write_record(".format_version", b"1")
    w.write_record(".storage_alignment", b"64")
    if not disable_byteorder:
        w.write_record("byteorder", sys.byteorder.encode())
    for key, t in storages.items():
        w.write_record(f"data/{key}", _storage_view(t))
    w.write_record("version", b"3\n")
    w.finish()


# --- load

def _weights_only_message(message):
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        updated = ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                   "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                   f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
                   "the recommended steps in the following error message.\n\tWeightsUnpickler error: " + message)
    elif re.search(r"(\S+) must be (\S+) to load", message):
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    else:
        updated = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if not re.search(r"whose module (\S+) is blocked", message):
            updated += ("Please file an issue with the following so that we can make "
                        "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
        updated += "\n\n" + message
    return updated + _DOCS_MESSAGE


def _resolve_weights_only(weights_only, pickle_module):
    true_values = ["1", "y", "yes", "true"]
    explicit = weights_only is not None
    if weights_only is None:
        weights_only = pickle_module is None
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in true_values
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        return True
    if force_no and not explicit:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the"
                      "`weights_only` argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=3)
        return False
    return weights_only


def _check_seekable(f):
    try:
        f.seek(f.tell())
    except (io.UnsupportedOperation, AttributeError) as e:
        if any(p in str(e) for p in ("seek", "tell")):
            raise type(e)(str(e) + ". You can only torch.load from a file that is seekable. Please pre-load the "
                          "data into a buffer like io.BytesIO and try to load from it instead.") from None
        raise


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Loads a torch.save checkpoint (zip format). weights_only (the default, as in torch >= 2.6)
    uses the restricted unpickler; map_location may be None, 'cpu', a device, a dict or a callable."""
    weights_only = _resolve_weights_only(weights_only, pickle_module)
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    is_path = isinstance(f, (str, os.PathLike))
    opened = open(f, "rb") if is_path else f
    try:
        if not is_path:
            _check_seekable(opened)
        start = opened.tell()
        head = opened.read(len(_LEGACY_MAGIC))
        opened.seek(start)
        if head[:4] != b"PK\x03\x04":
            _not_a_zip(head, f, mmap)
        reader = ZipReader(opened)
        if reader.has_record("constants.pkl"):
            if weights_only:
                raise RuntimeError("Cannot use ``weights_only=True`` with TorchScript archives passed to "
                                   "``torch.load``. " + UNSAFE_MESSAGE)
            raise RuntimeError("myautograd.load cannot load TorchScript archives")
        mapped = _map_file(f, is_path) if mmap else None
        loader = StorageLoader(reader, map_location, mapped)
        data = reader.read("data.pkl")
        if not weights_only:
            return unpickle(data, loader, False, **pickle_load_args)
        try:
            return unpickle(data, loader, True, encoding=pickle_load_args["encoding"])
        except pickle.UnpicklingError as e:
            raise pickle.UnpicklingError(_weights_only_message(str(e))) from None
    finally:
        if is_path:
            opened.close()


def _not_a_zip(head, f, mmap):
    if mmap:
        f_name = "" if not isinstance(f, str) else f"{f}, "
        raise RuntimeError("mmap can only be used with files saved with "
                           f"`torch.save({f_name}_use_new_zipfile_serialization=True), "
                           "please torch.save your checkpoint with this option in order to use mmap.")
    if not head:
        raise EOFError("myautograd.load: the file is empty (not a torch.save checkpoint)")
    if head.startswith(_LEGACY_MAGIC):
        raise RuntimeError("myautograd.load does not support the legacy (pre-1.6, _use_new_zipfile_serialization="
                           "False) checkpoint format; re-save it with torch.save's default zip format")
    raise RuntimeError("myautograd.load: the file is not a torch.save zip checkpoint (it does not start with a "
                       "zip local header; the legacy pickle/tar formats are not supported)")


def _map_file(f, is_path):
    import mmap as _mmap
    if not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    with open(f, "rb") as fh:
        return _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY)
