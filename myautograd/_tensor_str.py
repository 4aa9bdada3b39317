"""Tensor printing: the exact repr PyTorch 2.13 gives, for any tensor-like object.

Lives here: the print options (PRINT_OPTS, set/get_printoptions, printoptions), the element
formatter (integer / fixed / scientific choice and column width), the nested-list layout
(summarization, line wrapping, N-d nesting) and the suffix rules (device, size, dtype, grad).
Duck-typed on dtype, shape, dim(), numel(), tolist(), t[i], t[a:b], requires_grad, grad_fn,
device; it imports neither torch nor myautograd.
"""

import contextlib
import math

__all__ = ["PRINT_OPTS", "set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------

class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision, self.threshold, self.edgeitems, self.linewidth = _PROFILES["default"]
        self.sci_mode = None

    def __repr__(self):
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"PrintOptions({fields})"


# profile name -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}

PRINT_OPTS = _PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set printing options; a profile is applied first, explicit values override it.
    Like torch, ``sci_mode`` is always reset to its argument (None = choose automatically),
    and an unknown profile name is silently ignored."""
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that can be passed back to set_printoptions(**d)."""
    return {k: getattr(PRINT_OPTS, k) for k in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as set_printoptions)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ---------------------------------------------------------------------------------------------
# Element formatting: one formatter decides the mode and the column width for all elements
# ---------------------------------------------------------------------------------------------

def _finite_nonzero(values):
    # v - v is nan for inf and nan, and 0.0 for every finite float
    return [v for v in values if v != 0 and v - v == 0]


def _float_spec(judged, precision, forced_sci):
    """Choose how floats are written, from the finite non-zero values only.
    Returns (format spec, dotted): int mode is '.0f' plus a trailing dot."""
    if not judged:
        return ".0f", True                      # nothing to judge by: int mode, no sci
    if forced_sci is None:
        mags = [abs(v) for v in judged]
        lo, hi = min(mags), max(mags)
        sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
    else:
        sci = forced_sci
    if sci:
        return f".{precision}e", False
    if all(v.is_integer() for v in judged):
        return ".0f", True
    return f".{precision}f", False


def _format_floats(values, precision, forced_sci):
    """Right-aligned strings for float values, and their common width."""
    judged = _finite_nonzero(values)
    spec, dotted = _float_spec(judged, precision, forced_sci)
    strs = [format(v, spec) for v in values]
    if dotted:                                  # int mode marks floats with '.', not nan/inf
        strs = [s + "." if v - v == 0 else s for s, v in zip(strs, values)]
    if len(judged) == len(values):
        width = max(map(len, strs), default=1)
    else:                                       # zeros, nan and inf never widen the column
        width = max((len(s) for s, v in zip(strs, values) if v != 0 and v - v == 0), default=1)
    return [s.rjust(width) for s in strs], width


def _format_exact(values):
    """Integers and bools: str() of each value; the widest sets the column."""
    strs = [str(v) for v in values]
    width = max(map(len, strs), default=1)
    return [s.rjust(width) for s in strs], width


def _format_complex(values, precision, forced_sci):
    """Real and imaginary parts get separate formatters; 'a+bj' with the sign of b."""
    reals, rw = _format_floats([v.real for v in values], precision, forced_sci)
    imags, iw = _format_floats([v.imag for v in values], precision, forced_sci)
    out = []
    for r, i in zip(reals, imags):
        i = (i + "j").lstrip()
        out.append(r + i if i[0] in "+-" else r + "+" + i)
    return out, rw + iw + 1


def _format_elements(flat, dtype, opts):
    """(padded strings, element width) for the printed values, in order."""
    if dtype.is_complex:
        return _format_complex(flat, opts.precision, opts.sci_mode)
    if dtype.is_floating_point:
        return _format_floats(flat, opts.precision, opts.sci_mode)
    return _format_exact(flat)


# ---------------------------------------------------------------------------------------------
# Values: the nested list of what will be printed (summarized tensors keep only their edges)
# ---------------------------------------------------------------------------------------------

class _Ellipsis:
    """Marks the elided middle of a summarized dimension."""
    __slots__ = ()


_ELL = _Ellipsis()


def _edge_values(t, shape, e):
    """Nested lists holding only the first/last ``e`` entries of every dimension longer
    than 2*e, with _ELL in place of the middle. Slices before calling tolist()."""
    if not shape:
        return t.tolist()
    if e <= 0:
        return [_ELL]                           # torch prints just "[...]"
    n, inner, cut = shape[0], shape[1:], 2 * e
    keep_all = n <= cut
    if not any(s > cut for s in inner):         # the rows themselves need no cutting
        if keep_all:
            return t.tolist()
        return t[0:e].tolist() + [_ELL] + t[n - e:n].tolist()
    rows = range(n) if keep_all else [*range(e), None, *range(n - e, n)]
    return [_ELL if i is None else _edge_values(t[i], inner, e) for i in rows]


def _flatten(data, dim, summarized):
    """The printed values of a nested list, in print order (markers dropped)."""
    if dim == 0:
        return [data]
    flat = data
    for _ in range(dim - 1):
        flat = [x for row in flat if row is not _ELL for x in row]
    if summarized:
        flat = [v for v in flat if v is not _ELL]
    return flat


# ---------------------------------------------------------------------------------------------
# Layout: vectors wrap at linewidth; higher dims nest with (dim - 1) newlines between blocks
# ---------------------------------------------------------------------------------------------

def _vector_str(row, take, indent, elem_width, linewidth):
    if len(row) == 1 and row[0] is _ELL:
        return "[...]"
    items = [" ..." if v is _ELL else take() for v in row]
    per_line = max(1, math.floor((linewidth - indent) / (elem_width + 2)))
    if len(items) <= per_line:
        return "[" + ", ".join(items) + "]"
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data, dim, take, indent, elem_width, linewidth):
    if dim == 1:
        return _vector_str(data, take, indent, elem_width, linewidth)
    blocks = ["..." if sub is _ELL
              else _nested_str(sub, dim - 1, take, indent + 1, elem_width, linewidth)
              for sub in data]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(blocks) + "]"


def _body_str(t, indent, opts):
    """The bracketed contents (torch's _tensor_str) of a non-empty tensor."""
    dim = t.dim()
    summarized = t.numel() > opts.threshold
    if summarized:
        data = _edge_values(t, tuple(t.shape), opts.edgeitems)
    else:
        data = t.tolist()
    strs, width = _format_elements(_flatten(data, dim, summarized), t.dtype, opts)
    if dim == 0:
        return strs[0]
    return _nested_str(data, dim, iter(strs).__next__, indent, width, opts.linewidth)


# ---------------------------------------------------------------------------------------------
# Suffixes and the full repr
# ---------------------------------------------------------------------------------------------

def _device_suffix(device, default_device, current_cuda_device):
    kind = device.type
    shown = (kind != default_device.split(":")[0] or kind == "mps"
             or (kind == "cuda" and _device_index(device) != current_cuda_device))
    return [f"device='{device}'"] if shown else []


def _device_index(device):
    index = getattr(device, "index", None)
    if index is None and ":" in str(device):
        index = int(str(device).split(":")[1])
    return index


def _dtype_suffix(dtype_name, default_dtype, empty):
    if empty:                                   # nothing to infer the dtype from
        shown = dtype_name != default_dtype
    else:
        default_complex = ("torch.complex128" if default_dtype == "torch.float64"
                           else "torch.complex64")
        shown = dtype_name not in (default_dtype, default_complex, "torch.int64", "torch.bool")
    return [f"dtype={dtype_name}"] if shown else []


def _grad_suffix(t):
    try:
        grad_fn = t.grad_fn
    except RuntimeError:                        # torch raises for some invalid views
        return ["grad_fn=<Invalid>"]
    if grad_fn is not None:
        name = type(grad_fn).__name__
        if name == "CppFunction":
            name = grad_fn.name().rsplit("::", 1)[-1]
        return [f"grad_fn=<{name}>"]
    return ["requires_grad=True"] if t.requires_grad else []


def _add_suffixes(text, suffixes, indent, linewidth):
    """Append ', suffix' on the last line, or start a new line when it would not fit."""
    parts = [text]
    last_len = len(text) - text.rfind("\n") + 1     # torch's count (2 more than the line)
    for suffix in suffixes:
        if last_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, *, default_dtype="torch.float32", default_device="cpu", prefix="tensor(",
                current_cuda_device=0):
    """torch's repr(t) for a dense tensor ``t``; ``default_dtype`` is the str() of the current
    default floating dtype, ``default_device`` the default device ('cpu' or 'cuda')."""
    opts = PRINT_OPTS
    indent = len(prefix)
    empty = t.numel() == 0
    suffixes = _device_suffix(t.device, default_device, current_cuda_device)
    if empty:
        body = "[]"
        if t.dim() != 1:
            suffixes.append(f"size={tuple(t.shape)}")
    else:
        body = _body_str(t, indent, opts)
        if not opts.edgeitems:
            suffixes.append(f"size={tuple(t.shape)}")
    suffixes += _dtype_suffix(str(t.dtype), default_dtype, empty)
    suffixes += _grad_suffix(t)
    return _add_suffixes(prefix + body, suffixes, indent, opts.linewidth)
