"""_indexing: tensor[idx] and tensor[idx] = v. Basic indices (ints, slices, None, Ellipsis)
become views; bool masks and integer index tensors become one gather over the flattened
tensor (IndexBackward0), as torch's advanced indexing; assignment through them is one index_put
over the same flat positions (IndexPutBackward0)."""
import builtins

from . import _C


def _expand_ellipsis(t, idx):
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_real = builtins.sum(1 for i in idx if i is not None and i is not Ellipsis and not (isinstance(i, bool)))
    n_real += builtins.sum(i.dim() - 1 for i in idx if isinstance(i, _C.TensorBase) and i.dtype is _C.bool)
    out = []
    seen = False
    for i in idx:
        if i is Ellipsis:
            if seen:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen = True
            out.extend([slice(None)] * (t.ndim - n_real))
        else:
            out.append(i)
    return out


def _is_adv(i):
    return isinstance(i, (_C.TensorBase, list)) or (hasattr(i, "__array__") and not isinstance(i, (int, float)))


def _scalar_tensors_to_int(idx):
    """torch treats a 0-d integer tensor index like a Python int (a select, not a gather)."""
    def conv(i):
        if isinstance(i, _C.TensorBase) and i.ndim == 0 and not i.dtype.is_floating_point and i.dtype is not _C.bool:
            return i.item()
        return i
    return tuple(conv(i) for i in idx) if isinstance(idx, tuple) else conv(idx)


def getitem(t, idx):
    items = _expand_ellipsis(t, _scalar_tensors_to_int(idx))
    if builtins.any(_is_adv(i) or isinstance(i, bool) for i in items):
        return _advanced(t, items)
    x = t
    dim = 0
    for i in items:
        if i is None:
            x = _C._unsqueeze(x, dim)
            dim += 1
        elif isinstance(i, slice):
            if i.step is not None and i.step <= 0:
                raise ValueError("step must be greater than zero")
            if dim >= x.ndim:
                raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
            if not (i.start is None and i.stop is None and i.step is None):
                x = _C._slice(x, dim, _int(i.start), _int(i.stop), _int(i.step) or 1)
            dim += 1
        else:
            if dim >= x.ndim:
                raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
            x = _C._select(x, dim, _int(i))
    if x is t:  # torch: x[:] is a slice; x[...], x[()], x[..., :] an alias
        x = _C._slice(t, 0, None, None, 1) if isinstance(idx, slice) and t.ndim else _C._alias(t)
    return x


def _int(v):
    if v is None:
        return None
    if isinstance(v, int):
        return v
    if not hasattr(v, "__index__"):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                         f"indices (got {type(v).__name__})")
    return v.__index__()


def _flat_positions(t, items):
    """Index tensor of flat element positions selected by items, and the result shape."""
    from ._creation import arange, tensor
    from . import _ops
    base = arange(t.numel()).reshape(list(t.shape)) if t.numel() else arange(0).reshape(list(t.shape))
    # basic indices first, keeping advanced ones per dim
    x = base
    dim = 0
    adv = []  # (dim in x, index tensor)
    for i in items:
        if i is None:
            x = x.unsqueeze(dim)
            dim += 1
        elif isinstance(i, bool):
            x = x.unsqueeze(dim)
            adv.append((dim, tensor([0] if i else [], dtype=_C.int64)))
            dim += 1
        elif isinstance(i, slice):
            x = getitem(x, (slice(None),) * dim + (i,))
            dim += 1
        elif _is_adv(i):
            it = i if isinstance(i, _C.TensorBase) else tensor(i)
            if it.dtype is _C.bool:
                for k in range(it.ndim):
                    if it.shape[k] != x.shape[dim + k]:
                        raise IndexError(f"The shape of the mask {list(it.shape)} at index {k} does not match the shape of the indexed tensor {list(x.shape)} at index {dim + k}")
                nz = _C._nonzero(it)
                for k in range(it.ndim):
                    adv.append((dim + k, nz[:, k]))
                dim += it.ndim
            else:
                if it.dtype.is_floating_point:
                    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
                size = x.shape[dim]
                bad = ((it >= size) | (it < -size))
                if it.numel() and bad.any().item():
                    v = it[bad].reshape(-1)[0].item()
                    raise IndexError(f"index {v} is out of bounds for dimension {dim} with size {size}")
                adv.append((dim, it.long() % size if size else it.long()))
                dim += 1
        else:
            x = _C._select(x, dim, _int(i))
    # combine advanced indices (broadcast together), torch's placement rule
    dims = [d for d, _ in adv]
    idxs = _ops.broadcast_tensors(*[ix for _, ix in adv])
    contiguous = dims == list(range(dims[0], dims[0] + len(dims)))
    rest = [d for d in range(x.ndim) if d not in dims]
    if contiguous:
        front = [d for d in rest if d < dims[0]]
        back = [d for d in rest if d > dims[0]]
    else:
        front, back = [], rest
    perm = front + dims + back
    xp = x.permute(perm)
    n_front = len(front)
    bshape = list(idxs[0].shape)
    # linear index over the advanced dims of xp
    lin = None
    for k, ix in enumerate(idxs):
        lin = ix if lin is None else lin * xp.shape[n_front + k] + ix
    sub_shape = list(xp.shape[:n_front]) + [1] * 0
    adv_sizes = list(xp.shape[n_front:n_front + len(dims)])
    m = 1
    for s in adv_sizes:
        m *= s
    xr = xp.reshape(list(xp.shape[:n_front]) + [m] + list(xp.shape[n_front + len(dims):]))
    picked = _C._index_select(xr, n_front, lin.reshape(-1))
    out_shape = list(xp.shape[:n_front]) + bshape + list(xp.shape[n_front + len(dims):])
    return picked.reshape(out_shape).reshape(-1), out_shape


def _advanced(t, items):
    pos, shape = _flat_positions(t, items)
    return _C._index_flat(t, pos, shape)


def _index_put_target(t, items):
    """torch's order for x[idx] = v: ints, real slices and None are applied as views first (an
    index_put on such a view is recorded as CopySlices of t), then the advanced indices are put
    (IndexPutBackward0). Returns (tensor to put into, remaining items)."""
    x, dim, rest = t, 0, []
    for i in items:
        if i is None:
            x = _C._unsqueeze(x, dim)
            rest.append(slice(None))
            dim += 1
        elif isinstance(i, slice):
            if i.step is not None and i.step <= 0:
                raise ValueError("step must be greater than zero")
            if not (i.start is None and i.stop is None and i.step is None):
                x = _C._slice(x, dim, _int(i.start), _int(i.stop), _int(i.step) or 1)
            rest.append(slice(None))
            dim += 1
        elif _is_adv(i) or isinstance(i, bool):
            rest.append(i)
            dim += i.ndim if isinstance(i, _C.TensorBase) and i.dtype is _C.bool else (0 if isinstance(i, bool) else 1)
        else:
            if dim >= x.ndim:
                raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
            x = _C._select(x, dim, _int(i))
    return x, rest


def _put_values(t, value):
    from ._creation import tensor
    return value if isinstance(value, _C.TensorBase) else tensor(value, dtype=t.dtype)


def setitem(t, idx, value):
    items = _expand_ellipsis(t, _scalar_tensors_to_int(idx))
    if builtins.any(_is_adv(i) or isinstance(i, bool) for i in items):
        x, rest = _index_put_target(t, items)
        pos, shape = _flat_positions(x, rest)
        _C._index_put_(x, pos, _put_values(t, value), shape, False)
        return
    # x[...] = v, x[:] = v, x[()] = v write into x itself (torch: CopyBackwards, no CopySlices)
    alias = builtins.all(isinstance(i, slice) and i == slice(None) for i in items)
    view = t if alias else getitem(t, idx)
    if isinstance(value, _C.TensorBase):
        _C._copy_(view, value)
    else:
        _C._fill_(view, value)


def _index_put_positions(t, indices):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be tuple of Tensors, not {type(indices).__name__}")
    items = [slice(None) if i is None else i for i in indices]
    return _flat_positions(t, items)


def index_put_(t, indices, values, accumulate=False):
    pos, shape = _index_put_positions(t, indices)
    return _C._index_put_(t, pos, values, shape, accumulate)


def index_put(t, indices, values, accumulate=False):
    pos, shape = _index_put_positions(t, indices)
    return _C._index_put(t, pos, values, shape, accumulate)
