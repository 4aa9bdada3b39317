"""nn.functional: the functional forms; ops with their own torch backward node go to _C."""
from .. import _C, _ops

_RED = {"none": 0, "mean": 1, "sum": 2}


def _reduction(reduction):
    if reduction not in _RED:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _RED[reduction]


def linear(input, weight, bias=None):
    if input.dim() == 2 and bias is not None:
        return _C._addmm(bias, input, _C._t(weight), 1, 1)
    if input.dim() == 2:
        return _C._mm(input, _C._t(weight))
    out = _C._matmul(input, _C._t(weight))
    return out + bias if bias is not None else out


def relu(input, inplace=False):
    return _C._inplace_unary(_ops.U["Relu"], input) if inplace else _ops.relu(input)


sigmoid = _ops.sigmoid
tanh = _ops.tanh
softmax = _ops.softmax
log_softmax = _ops.log_softmax


def silu(input, inplace=False):
    return _C._unary(_ops.U["Silu"], input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _C._leaky_relu(input, negative_slope)


def elu(input, alpha=1.0, inplace=False):
    return _C._elu(input, alpha)


def gelu(input, approximate="none"):
    return _C._gelu(input, approximate == "tanh")


def softplus(input, beta=1.0, threshold=20.0):
    return _C._softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _C._hardtanh(input, min_val, max_val)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    return _C._mse_loss(input, target, _reduction(reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    d = (input - target).abs()
    r = _reduction(reduction)
    return d if r == 0 else (d.mean() if r == 1 else d.sum())


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    return _C._nll_loss(input, target, weight, _reduction(reduction), ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    logp = log_softmax(input, 1 if input.dim() >= 2 else 0)
    if target.dtype.is_floating_point:
        loss = -(target * logp)
        if weight is not None:
            loss = loss * weight
        loss = loss.sum(1 if input.dim() >= 2 else 0)
        r = _reduction(reduction)
        return loss if r == 0 else (loss.mean() if r == 1 else loss.sum())
    if label_smoothing:
        C = input.shape[1 if input.dim() >= 2 else 0]
        nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
        smooth = -logp.sum(1 if input.dim() >= 2 else 0)
        r = _reduction(reduction)
        smooth = smooth if r == 0 else (smooth.mean() if r == 1 else smooth.sum())
        return (1 - label_smoothing) * nll + label_smoothing / C * smooth
    return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    return _C._bce(input, target, weight, _reduction(reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
    return _C._bce_logits(input, target, weight, pos_weight, _reduction(reduction))


def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    noise = _C._empty(list(input.shape), input.dtype)
    _C._bernoulli_(noise, 1 - p, None)
    noise = _C._inplace_binary(_ops.B["Div"], noise, 1 - p, 1)
    return input * noise


def one_hot(tensor, num_classes=-1):
    from .._creation import zeros
    if num_classes == -1:
        num_classes = int(tensor.max().item()) + 1
    out = zeros(list(tensor.shape) + [num_classes], dtype=_C.int64)
    return out.scatter_(-1, tensor.unsqueeze(-1), 1)
