"""nn.functional: activations, linear, dropout, embedding, normalisation, padding and
one_hot; the losses live in _functional_loss.py and are re-exported here. Ops with their own
torch backward node in the core go to _C; everything else is composed from core ops."""
import warnings

from .. import _C, _ops
from .._grad_mode import no_grad
from ._functional_loss import (  # noqa: F401
    mse_loss, l1_loss, smooth_l1_loss, huber_loss, nll_loss, cross_entropy, binary_cross_entropy,
    binary_cross_entropy_with_logits, kl_div)


# ---- linear
def linear(input, weight, bias=None):
    if bias is not None:
        if input.ndim == 2:
            return _C._addmm(bias, input, _C._t(weight), 1, 1)
        if input.is_contiguous() and input.dim() >= 1 and bias.dim() == 1:
            # torch's _flatten_nd_linear: flatten to 2-D, addmm, view back
            flat = input.reshape(-1, input.shape[-1])
            out = _C._addmm(bias, flat, _C._t(weight), 1, 1)
            return out.view(*input.shape[:-1], weight.shape[0])
        return _C._matmul(input, _C._t(weight)) + bias
    if input.ndim == 2:
        return _C._mm(input, _C._t(weight))
    return _C._matmul(input, _C._t(weight))


# ---- activations
def _inplace_result(input, out):
    """Write an out-of-place result back into input (in-place variants of composite ops)."""
    _C._copy_(input, out)
    return input


def relu(input, inplace=False):
    return _C._inplace_unary(_ops.U["Relu"], input) if inplace else _ops.relu(input)


def relu_(input):
    return relu(input, True)


def sigmoid(input):
    return _ops.sigmoid(input)


def tanh(input):
    return _ops.tanh(input)


def silu(input, inplace=False):
    if inplace:
        return _C._inplace_unary(_ops.U["Silu"], input)
    return _C._unary(_ops.U["Silu"], input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    out = _C._leaky_relu(input, negative_slope)
    return _inplace_result(input, out) if inplace else out


def elu(input, alpha=1.0, inplace=False):
    out = _C._elu(input, alpha)
    return _inplace_result(input, out) if inplace else out


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return _C._gelu(input, approximate == "tanh")


def softplus(input, beta=1.0, threshold=20.0):
    return _C._softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    out = _C._hardtanh(input, min_val, max_val)
    return _inplace_result(input, out) if inplace else out


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return _ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return _ops.log_softmax(input, dim, dtype=dtype)


# ---- dropout (TORCH_FACTS 1.7: bernoulli_(1-p) noise, divided by 1-p, multiplied in)
def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        zero = _C._full([], 0, input.dtype)
        return input.mul_(zero) if inplace else input * zero
    noise = _C._empty(list(input.shape), input.dtype)
    _C._bernoulli_(noise, 1 - p, None)
    noise = _C._inplace_binary(_ops.B["Div"], noise, 1 - p, 1)
    return input.mul_(noise) if inplace else input * noise


# ---- embedding / one_hot
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    if max_norm is not None:
        raise NotImplementedError("embedding max_norm is not supported")
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    # EmbeddingBackward0: the padding row gets no gradient (torch)
    return _C._embedding(weight, input, -1 if padding_idx is None else padding_idx)


def one_hot(tensor, num_classes=-1):
    from .._creation import zeros
    if tensor.dtype is not _C.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return zeros(list(tensor.shape) + [num_classes], dtype=_C.int64)
    if int(tensor.min().item()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(tensor.max().item()) + 1
    elif int(tensor.max().item()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = zeros(list(tensor.shape) + [num_classes], dtype=_C.int64)
    return out.scatter_(-1, tensor.unsqueeze(-1), 1)


# ---- normalisation
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denom = _ops.norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    k = len(normalized_shape)
    if tuple(input.shape[input.dim() - k:]) != tuple(normalized_shape) or input.dim() < k:
        expected = "[*, " + ", ".join(str(s) for s in normalized_shape) + "]"
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape {expected}, "
                           f"but got input of size{list(input.shape)}")
    return _C._layer_norm(input, list(normalized_shape), weight, bias, eps)  # NativeLayerNormBackward0


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    if training:
        size = list(input.shape)
        n = 1
        for i, s in enumerate(size):
            if i != 1:
                n *= s
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    # NativeBatchNormBackward0; mean / var: the statistics used (batch ones, biased, when training)
    out, mean, var = _C._batch_norm(input, weight, bias, running_mean, running_var, training, eps)
    if training and running_mean is not None:
        with no_grad():
            # torch updates in the accumulate type (double): m * stat + (1 - m) * running
            n = input.numel() // input.shape[1]
            unbiased = var.double() * n / max(n - 1, 1)
            running_mean.copy_(mean.double() * momentum + running_mean.double() * (1 - momentum))
            running_var.copy_(unbiased * momentum + running_var.double() * (1 - momentum))
    return out


# ---- padding
def _pad_index(n, lo, hi, mode):
    """Source indices along one dim for reflect / replicate / circular padding."""
    idx = []
    for j in range(-lo, n + hi):
        if mode == "reflect":
            k = abs(j)
            k = 2 * (n - 1) - k if k > n - 1 else k
        elif mode == "replicate":
            k = min(max(j, 0), n - 1)
        else:
            k = j % n
        idx.append(k)
    return idx


def pad(input, pad, mode="constant", value=None):
    from .._creation import full, tensor
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension "
                           f"but got padding length {len(pad)} and input of dimension {input.dim()}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and (input.dim(), len(pad)) not in ((2, 2), (3, 2), (3, 4), (4, 4), (4, 6), (5, 6)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    out = input
    for i in range(len(pad) // 2):
        d = input.dim() - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        if mode == "constant":
            if lo < 0:
                out = out.narrow(d, -lo, out.shape[d] + lo)
                lo = 0
            if hi < 0:
                out = out.narrow(d, 0, out.shape[d] + hi)
                hi = 0
            parts = []
            for amount in (lo, None, hi):
                if amount is None:
                    parts.append(out)
                elif amount > 0:
                    s = list(out.shape)
                    s[d] = amount
                    parts.append(full(s, 0 if value is None else value, dtype=out.dtype))
            out = _C._cat(parts, d) if len(parts) > 1 else out
        elif mode in ("reflect", "replicate", "circular"):
            n = out.shape[d]
            if mode == "reflect" and (lo >= n or hi >= n):
                raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                                   f"but got: padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)}")
            idx = tensor(_pad_index(n, lo, hi, mode), dtype=_C.int64)
            out = _C._index_select(out, d, idx)
    return out
