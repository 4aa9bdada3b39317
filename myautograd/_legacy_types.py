"""The legacy typed constructors torch.FloatTensor, torch.LongTensor, ...: classes of the
metaclass torch.tensortype, as in torch. Calling one builds a plain Tensor of its dtype on the
CPU (the torch.Tensor(...) forms: sizes, torch.Size, data, a tensor of exactly that dtype);
isinstance(t, torch.FloatTensor) is true for a float32 CPU tensor of any Tensor class. Neither
is a subclass of torch.Tensor (issubclass is False in torch too)."""
from . import _C

# torch's names; Tensor.type() and Tensor.type('torch.XTensor') map through the same table
NAMES = {"Float": _C.float32, "Double": _C.float64, "Half": _C.float16, "BFloat16": _C.bfloat16,
         "Byte": _C.uint8, "Char": _C.int8, "Short": _C.int16, "Int": _C.int32, "Long": _C.int64, "Bool": _C.bool}
TYPE_NAME_OF_DTYPE = {dt: f"torch.{n}Tensor" for n, dt in NAMES.items()}


class tensortype(type):
    """Metaclass of the typed constructors: dtype and device are class-level facts (no .layout:
    myautograd has no layout objects)."""
    __module__ = "torch"

    def __instancecheck__(cls, obj):
        return isinstance(obj, _C.TensorBase) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    @property
    def dtype(cls):
        return cls._dtype

    is_cuda = property(lambda cls: False)
    is_xpu = property(lambda cls: False)
    is_sparse = property(lambda cls: False)
    is_sparse_csr = property(lambda cls: False)


def _make(name, dtype):
    from ._tensor import _check_legacy_device, _legacy_new

    def __new__(cls, *args, device=None):
        _check_legacy_device(device)
        return _legacy_new(args, dtype, device)
    __new__.__qualname__ = f"{name}.__new__"
    return tensortype(name, (), {"__module__": "torch", "__new__": __new__, "_dtype": dtype, "__doc__": None})


def install(namespace):
    """Adds FloatTensor ... BoolTensor to a module namespace (myautograd's)."""
    for n, dt in NAMES.items():
        namespace[f"{n}Tensor"] = _make(f"{n}Tensor", dt)


def target_of_type_arg(t):
    """(dtype, device type or None) that Tensor.type(t) converts to, for t a dtype, a
    'torch.XTensor' / 'torch.cuda.XTensor' name or a typed constructor class; torch's errors
    for anything else."""
    from ._tensor import Tensor
    if isinstance(t, type(_C.float32)):
        return t, None
    if isinstance(t, str):
        name = t
    elif isinstance(t, type):
        if isinstance(t, tensortype):
            return t.dtype, "cpu"
        if t is Tensor:
            return _C._get_default_dtype(), "cpu"
        # torch reads the type's tp_name: the bare name for Python classes and builtins,
        # module-qualified for other C types (numpy.float32)
        heap = t.__flags__ & (1 << 9)
        name = t.__name__ if heap or t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
    else:
        raise TypeError("dtype must be a type, str, or dtype object")
    return parse_type_name(name)


def parse_type_name(name):
    """'torch.FloatTensor' -> (float32, 'cpu'), 'torch.cuda.LongTensor' -> (int64, 'cuda')."""
    for prefix, dev in (("torch.cuda.", "cuda"), ("torch.", "cpu")):
        n = name[len(prefix):-len("Tensor")] if name.startswith(prefix) and name.endswith("Tensor") else None
        if n in NAMES:
            return NAMES[n], dev
    if name == "torch.Tensor":
        return _C._get_default_dtype(), "cpu"
    raise ValueError(f"invalid type: '{name}'")
