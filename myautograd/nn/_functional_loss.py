"""Loss functions of nn.functional (re-exported there). mse, nll, bce, bce-with-logits,
smooth-L1 and Huber use the core's fused nodes (torch's backward names); the others are
compositions written in the order of torch's ATen formulas so values agree to rounding."""
import warnings

from .. import _C, _ops

_RED = {"none": 0, "mean": 1, "sum": 2}
_TensorBase = _C.TensorBase


def _reduction(reduction):
    if reduction not in _RED:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _RED[reduction]


def _legacy(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduce(loss, reduction):
    r = _reduction(reduction)
    return loss if r == 0 else (loss.mean() if r == 1 else loss.sum())


def _warn_size(input, target):
    if target.size() != input.size():
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


def _weighted(loss, weight, input, reduction):
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    a, b = input, target
    # two tensors of one shape (the common case) need neither the size warning nor broadcasting
    if not (isinstance(input, _TensorBase) and isinstance(target, _TensorBase) and input.shape == target.shape):
        _warn_size(input, target)
        a, b = _ops.broadcast_tensors(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((a - b) ** 2, weight, input, reduction)
    return _C._mse_loss(a, b, _reduction(reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    _warn_size(input, target)
    reduction = _legacy(size_average, reduce, reduction)
    a, b = _ops.broadcast_tensors(input, target)
    if weight is not None:
        return _weighted((a - b).abs(), weight, input, reduction)
    return _reduce((a - b).abs(), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size(input, target)
    reduction = _legacy(size_average, reduce, reduction)
    a, b = _ops.broadcast_tensors(input, target)
    if beta == 0.0:
        return _reduce((a - b).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _C._smooth_l1_loss(a, b, _reduction(reduction), beta)  # SmoothL1LossBackward0


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    _warn_size(input, target)
    a, b = _ops.broadcast_tensors(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return _C._huber_loss(a, b, _reduction(reduction), delta)  # HuberLossBackward0
    loss = _C._huber_loss(a, b, 0, delta)
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.mean()
    return _reduce(loss, reduction)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    reduction = _legacy(size_average, reduce, reduction)
    r = _reduction(reduction)
    if not isinstance(input, _C.TensorBase):
        raise TypeError(f"nll_loss_nd(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target.shape[0]}).")
    if input.dim() <= 2:
        return _C._nll_loss(input, target, weight, r, ignore_index)
    n, c = input.shape[0], input.shape[1]
    out_size = [n] + list(input.shape[2:])
    if list(target.shape) != out_size:
        raise RuntimeError(f"Expected target size {out_size}, got {list(target.shape)}")
    # (N, C, d1, ...) -> (N*d1*..., C): the same per-element losses and weighted mean
    flat = input.reshape(n, c, -1).transpose(1, 2).reshape(-1, c)
    out = _C._nll_loss(flat, target.reshape(-1), weight, r, ignore_index)
    return out.view(out_size) if r == 0 else out


def _class_dim(input):
    return 0 if input.dim() == 1 else 1


def _weight_view(weight, input, cdim):
    if input.dim() <= 1:
        return weight
    shape = [1] * input.dim()
    shape[cdim] = weight.shape[0]
    return weight.view(shape)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    reduction = _legacy(size_average, reduce, reduction)
    r = _reduction(reduction)
    cdim = _class_dim(input)
    C = input.shape[cdim]
    logp = _ops.log_softmax(input, cdim)
    if input.shape == target.shape:
        if not target.dtype.is_floating_point:
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got {_dtype_name(target)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if label_smoothing > 0.0:
            if label_smoothing > 1.0:
                raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
            target = target * (1 - label_smoothing) + (label_smoothing / C)
        prod = logp * target
        if weight is not None:
            prod = prod * _weight_view(weight, input, cdim)
        if r == 1:
            return -prod.sum() / (input.numel() // C)
        if r == 2:
            return -prod.sum()
        return -prod.sum(cdim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        return _ce_smoothed(logp, target, weight, r, ignore_index, label_smoothing, cdim, C)
    return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)


def _ce_smoothed(logp, target, weight, r, ignore_index, ls, cdim, C):
    """torch's cross_entropy_loss_label_smoothing: (1-ls) * nll + ls/C * smooth term."""
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=["none", "mean", "sum"][r])
    ignore = _C._binary(_ops.B["Eq"], target, ignore_index, 1)
    if weight is not None:
        smooth = -(logp * _weight_view(weight, logp, cdim)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    smooth = _C._masked_fill(smooth, ignore, 0.0)
    if r == 1:
        keep = _ops.logical_not(ignore)
        if weight is not None:
            # weight.gather(target[keep]).sum(), written without boolean indexing (0-d targets)
            safe = _C._where(ignore, _C._full([], 0, target.dtype), target).reshape(-1)
            ret = smooth.sum() / (_C._index_select(weight, 0, safe) * keep.reshape(-1)).sum()
        else:
            ret = smooth.sum() / keep.sum()
    elif r == 2:
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - ls) * nll + ret * (ls / C)


def _dtype_name(t):
    return {"torch.int64": "Long", "torch.int32": "Int", "torch.int16": "Short", "torch.int8": "Char",
            "torch.uint8": "Byte", "torch.bool": "Bool"}.get(str(t.dtype), str(t.dtype))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    reduction = _legacy(size_average, reduce, reduction)
    r = _reduction(reduction)
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) "
                         "is deprecated. Please ensure they have the same size.")
    if weight is not None:
        weight = weight.expand(_ops.broadcast_shapes(target.size(), weight.size()))
    return _C._bce(input, target, weight, r)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    reduction = _legacy(size_average, reduce, reduction)
    r = _reduction(reduction)
    if target.size() != input.size():
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return _C._bce_logits(input, target, weight, pos_weight, r)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    r = _reduction("sum" if reduction == "batchmean" else reduction)
    if log_target:
        loss = _ops.exp(target) * (target - input)
    else:
        # xlogy(target, target): 0 where target == 0 (log of a safe 1 keeps gradients finite)
        zero = _C._binary(_ops.B["Eq"], target, 0, 1)
        safe = _C._where(zero, _C._full([], 1.0, target.dtype), target)
        loss = _C._where(zero, _C._full([], 0.0, target.dtype), target * _ops.log(safe)) - target * input
    out = loss if r == 0 else (loss.mean() if r == 1 else loss.sum())
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.size()[0]
    return out
