"""_weights_only_unpickler: the restricted unpickler behind load(weights_only=True). It accepts the
opcodes and globals torch's weights-only unpickler accepts (same names, same error texts) and maps
them to myautograd objects; anything else is refused before it can run. It never imports a module
or calls anything outside the allow-list, so a hostile data.pkl cannot execute code."""
from collections import Counter, OrderedDict
from codecs import encode
from pickle import UnpicklingError
from struct import unpack
from sys import maxsize

from . import _C, _rebuild
from ._core import Size, device

# opcodes (protocol 2 subset torch accepts)
(MARK, STOP, GLOBAL, REDUCE, NEWOBJ, BUILD, APPEND, APPENDS, SETITEM, SETITEMS, TUPLE, TUPLE1, TUPLE2, TUPLE3,
 EMPTY_TUPLE, EMPTY_LIST, EMPTY_DICT, EMPTY_SET, NONE, NEWTRUE, NEWFALSE, BININT, BININT1, BININT2, LONG1,
 BINFLOAT, BINUNICODE, SHORT_BINSTRING, BINPERSID, BINGET, LONG_BINGET, BINPUT, LONG_BINPUT, PROTO) = (
    b"("[0], b"."[0], b"c"[0], b"R"[0], b"\x81"[0], b"b"[0], b"a"[0], b"e"[0], b"s"[0], b"u"[0], b"t"[0],
    b"\x85"[0], b"\x86"[0], b"\x87"[0], b")"[0], b"]"[0], b"}"[0], b"\x8f"[0], b"N"[0], b"\x88"[0], b"\x89"[0],
    b"J"[0], b"K"[0], b"M"[0], b"\x8a"[0], b"G"[0], b"X"[0], b"U"[0], b"Q"[0], b"h"[0], b"j"[0], b"q"[0], b"r"[0],
    b"\x80"[0])

BLOCKLISTED_MODULES = ("sys", "os", "posix", "nt")
# torch._utils' subset of _compat_pickle (python-2 names), applied before the allow-list check
IMPORT_MAPPING = {"__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "repr": "reprlib",
                  "_abcoll": "collections.abc", "UserDict": "collections", "UserList": "collections",
                  "UserString": "collections", "whichdb": "dbm", "StringIO": "io", "cStringIO": "io"}
NAME_MAPPING = {("__builtin__", "xrange"): ("builtins", "range"), ("__builtin__", "reduce"): ("functools", "reduce"),
                ("__builtin__", "intern"): ("sys", "intern"), ("__builtin__", "unichr"): ("builtins", "chr"),
                ("__builtin__", "unicode"): ("builtins", "str"), ("__builtin__", "long"): ("builtins", "int"),
                ("itertools", "izip"): ("builtins", "zip"), ("itertools", "imap"): ("builtins", "map"),
                ("itertools", "ifilter"): ("builtins", "filter"),
                ("itertools", "ifilterfalse"): ("itertools", "filterfalse"),
                ("itertools", "izip_longest"): ("itertools", "zip_longest"),
                ("UserDict", "IterableUserDict"): ("collections", "UserDict"),
                ("UserList", "UserList"): ("collections", "UserList"),
                ("UserString", "UserString"): ("collections", "UserString"),
                ("__builtin__", "basestring"): ("builtins", "str"),
                ("exceptions", "StandardError"): ("builtins", "Exception"),
                ("UserDict", "UserDict"): ("collections", "UserDict")}
_OUR_DTYPES = {str(d): d for d in (_C.bool, _C.uint8, _C.int8, _C.int16, _C.int32, _C.int64, _C.float16,
                                   _C.bfloat16, _C.float32, _C.float64)}
_FOREIGN_DTYPES = ["complex32", "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e5m2",
                   "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
                   "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2", "quint8", "qint8", "qint32", "quint4x2",
                   "quint2x4"] + [f"int{i}" for i in range(1, 8)] + [f"uint{i}" for i in range(1, 8)]
_TENSOR_TYPES = ["BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short"]
_SPARSE_TYPES = ["BFloat16", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short"]
_QSCHEMES = ["per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
             "per_channel_affine_float_qparams"]


def _allowed_globals():
    from ._tensor import Tensor
    from .nn.parameter import Parameter
    rc = {"collections.OrderedDict": OrderedDict, "collections.Counter": Counter,
          "torch.nn.parameter.Parameter": Parameter, "torch.serialization._get_layout": _rebuild._get_layout,
          "torch.Size": Size, "torch.Tensor": Tensor, "torch.device": device, "_codecs.encode": encode,
          "builtins.bytearray": _bytearray, "builtins.set": set, "builtins.complex": complex}
    rc.update(_OUR_DTYPES)
    for n in _FOREIGN_DTYPES:
        rc["torch." + n] = _rebuild.ForeignDtype("torch." + n)
    for prefix in ("torch.", "torch.cuda."):
        for n in _TENSOR_TYPES:
            rc[f"{prefix}{n}Tensor"] = _rebuild._unsupported(f"legacy tensor class {prefix}{n}Tensor")
        for n in list(_rebuild._STORAGE_DTYPES) + list(_rebuild.FOREIGN_STORAGES):
            if prefix == "torch." or not n.startswith("Q"):
                rc[prefix + n] = _rebuild.StorageType(n)
    for prefix in ("torch.sparse.", "torch.cuda.sparse."):
        for n in _SPARSE_TYPES:
            rc[f"{prefix}{n}Tensor"] = _rebuild._unsupported(f"sparse tensor class {prefix}{n}Tensor")
    rc["torch.storage.UntypedStorage"] = _rebuild.UNTYPED
    rc["torch.storage.TypedStorage"] = _rebuild._unsupported("torch.storage.TypedStorage objects")
    for q in _QSCHEMES:
        rc["torch." + q] = _rebuild.ForeignDtype("torch." + q)
    for n, f in _rebuild.REBUILDS.items():
        rc["torch._utils." + n] = f
    rc["torch._tensor._rebuild_from_type_v2"] = _rebuild._rebuild_from_type_v2
    return rc


def _bytearray(*args):
    # bytearray(n) would allocate n zero bytes: a one-line pickle could ask for terabytes. torch's
    # pickler only ever emits bytearray(str, 'latin-1'), so sized construction is refused.
    if args and isinstance(args[0], int):
        raise UnpicklingError("bytearray(<int>) is not allowed by the weights-only unpickler")
    return bytearray(*args)


_ALLOWED = None


def allowed_globals():
    global _ALLOWED
    if _ALLOWED is None:
        _ALLOWED = _allowed_globals()
    return _ALLOWED


def _read_global(readline):
    module = readline()[:-1].decode("utf-8")
    name = readline()[:-1].decode("utf-8")
    if (module, name) in NAME_MAPPING:
        module, name = NAME_MAPPING[(module, name)]
    elif module in IMPORT_MAPPING:
        module = IMPORT_MAPPING[module]
    return module, name


def _unsupported_global_message(full_path):
    if full_path.startswith("builtins"):
        rest = full_path[len("builtins"):]
        full_path = rest[1:] if rest.startswith(".") else "builtins" + rest
    return (f"Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global "
            "if you trust this class/function.")


class Unpickler:
    """load() reads one pickle from `file`; storages come from `persistent_load(pid)`."""

    def __init__(self, file, persistent_load, *, encoding="bytes"):
        self.encoding = encoding
        self.readline = file.readline
        self.read = file.read
        self.memo = {}
        self.proto = -1
        self.persistent_load = persistent_load

    def load(self):
        from ._tensor import Tensor
        from .nn.parameter import Parameter
        allowed = allowed_globals()
        allowed_values = list(allowed.values())
        self.metastack, self.stack = [], []
        read, stack = self.read, None
        while True:
            key = read(1)
            if not key:
                raise EOFError
            op = key[0]
            stack = self.stack
            if op == GLOBAL:
                module, name = _read_global(self.readline)
                full_path = f"{module}.{name}"
                if module in BLOCKLISTED_MODULES:
                    raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked.")
                if full_path not in allowed:
                    raise UnpicklingError(_unsupported_global_message(full_path))
                stack.append(allowed[full_path])
            elif op == NEWOBJ:
                args = stack.pop()
                cls = stack.pop()
                if cls is Parameter:
                    stack.append(Parameter(*args))
                elif isinstance(cls, type) and _in(cls, allowed_values):
                    stack.append(cls.__new__(cls, *args))
                else:
                    raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted "
                                          f"via `add_safe_globals` but got {cls}")
            elif op == REDUCE:
                args = stack.pop()
                func = stack[-1]
                if not _in(func, allowed_values):
                    msg = f"Trying to call reduce for unrecognized function {func}"
                    if hasattr(func, "__self__"):
                        msg += f" which belongs to {func.__self__}"
                    raise UnpicklingError(msg)
                if not isinstance(args, tuple):
                    raise UnpicklingError(f"REDUCE arguments must be a tuple, got {type(args).__name__}")
                stack[-1] = func(*args)
            elif op == BUILD:
                state = stack.pop()
                self._build(stack[-1], state, Tensor, Parameter, allowed_values)
            elif op == APPEND:
                item = stack.pop()
                if type(stack[-1]) is not list:
                    raise UnpicklingError(f"Can only append to lists, but got {type(stack[-1])}")
                stack[-1].append(item)
            elif op == APPENDS:
                items = self.pop_mark()
                if type(self.stack[-1]) is not list:
                    raise UnpicklingError(f"Can only extend lists, but got {type(self.stack[-1])}")
                self.stack[-1].extend(items)
            elif op == SETITEM:
                v, k = stack.pop(), stack.pop()
                self._check_set_item_target("SETITEM")
                stack[-1][k] = v
            elif op == SETITEMS:
                items = self.pop_mark()
                self._check_set_item_target("SETITEMS")
                for i in range(0, len(items), 2):
                    self.stack[-1][items[i]] = items[i + 1]
            elif op == MARK:
                self.metastack.append(self.stack)
                self.stack = []
            elif op == TUPLE:
                items = self.pop_mark()
                self.stack.append(tuple(items))
            elif op == TUPLE1:
                stack[-1] = (stack[-1],)
            elif op == TUPLE2:
                stack[-2:] = [(stack[-2], stack[-1])]
            elif op == TUPLE3:
                stack[-3:] = [(stack[-3], stack[-2], stack[-1])]
            elif op == NONE:
                stack.append(None)
            elif op == NEWFALSE:
                stack.append(False)
            elif op == NEWTRUE:
                stack.append(True)
            elif op == EMPTY_TUPLE:
                stack.append(())
            elif op == EMPTY_LIST:
                stack.append([])
            elif op == EMPTY_DICT:
                stack.append({})
            elif op == EMPTY_SET:
                stack.append(set())
            elif op == BININT:
                stack.append(unpack("<i", read(4))[0])
            elif op == BININT1:
                stack.append(read(1)[0])
            elif op == BININT2:
                stack.append(unpack("<H", read(2))[0])
            elif op == BINFLOAT:
                stack.append(unpack(">d", read(8))[0])
            elif op == BINUNICODE:
                strlen = unpack("<I", read(4))[0]
                if strlen > maxsize:
                    raise UnpicklingError("String is too long")
                stack.append(str(read(strlen), "utf-8", "surrogatepass"))
            elif op == SHORT_BINSTRING:
                strlen = read(1)[0]
                data = read(strlen)
                stack.append(data.decode(self.encoding, "strict") if self.encoding != "bytes" else data)
            elif op == BINPERSID:
                pid = stack.pop()
                if type(pid) is not tuple and type(pid) is not int:
                    raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
                if type(pid) is tuple and len(pid) > 0 and _decode_ascii(pid[0]) != "storage":
                    raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
                stack.append(self.persistent_load(pid))
            elif op in (BINGET, LONG_BINGET):
                idx = (read(1) if op == BINGET else unpack("<I", read(4)))[0]
                stack.append(self.memo[idx])
            elif op in (BINPUT, LONG_BINPUT):
                i = (read(1) if op == BINPUT else unpack("<I", read(4)))[0]
                self.memo[i] = stack[-1]
            elif op == LONG1:
                n = read(1)[0]
                stack.append(int.from_bytes(read(n), "little", signed=True))
            elif op == PROTO:
                self.proto = read(1)[0]
                if self.proto != 2:
                    import warnings
                    warnings.warn(f"Detected pickle protocol {self.proto} in the checkpoint, which was not the default "
                                  "pickle protocol used by `torch.load` (2). The weights_only Unpickler might not "
                                  "support all instructions implemented by this protocol, please file an issue for "
                                  "adding support if you encounter this.", stacklevel=4)
            elif op == STOP:
                return stack.pop()
            else:
                raise UnpicklingError(f"Unsupported operand {op}")

    def _build(self, inst, state, Tensor, Parameter, allowed_values):
        if type(inst) is OrderedDict:
            inst.__dict__.update(state)
        elif type(inst) in (Tensor, Parameter):
            raise UnpicklingError(f"myautograd does not support BUILD (legacy __setstate__) on {type(inst).__name__}")
        elif _in(type(inst), allowed_values):
            setstate = getattr(inst, "__setstate__", None)
            if setstate is not None:
                setstate(state)
            else:
                slotstate = None
                if isinstance(state, tuple) and len(state) == 2:
                    state, slotstate = state
                if state:
                    inst.__dict__.update(state)
                if slotstate:
                    for k, v in slotstate.items():
                        setattr(inst, k, v)
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted "
                                  f"via `add_safe_globals`, but got {type(inst)}")

    def pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _check_set_item_target(self, opcode):
        if type(self.stack[-1]) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(f"Can only {opcode} for dict, collections.OrderedDict, "
                                  f"collections.Counter, but got {type(self.stack[-1])}")


def _in(obj, values):
    # identity, not ==: a hostile object's __eq__ must never be consulted
    return any(obj is v for v in values)


def _decode_ascii(s):
    return s.decode("ascii") if isinstance(s, bytes) else s
