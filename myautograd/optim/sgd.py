"""optim.SGD (momentum, dampening, nesterov, weight_decay, maximize).

A group's step is one native call (_C._sgd_step, csrc/kernels/cpu/optim.cpp) doing, element by
element, what torch's single-tensor ("for-loop", foreach=False) implementation does with the
same roundings, so float32 trajectories are bit-identical. `_sgd_update` is that step written
with tensor ops: the reference the kernel is tested against, and the path for
differentiable=True, tensor hyperparameters and layouts the kernel does not take.
"""
from .. import _C
from .optimizer import Optimizer, _is_tensor, _run_closure, _to_scalar, _use_grad_for_differentiable

__all__ = ["SGD"]


def _sgd_update(param, grad, buf, *, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """One SGD step for one parameter; returns the (possibly new) momentum buffer."""
    grad = grad if not maximize else -grad
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    if momentum != 0:
        if buf is None:
            buf = grad.detach().clone()
        else:
            buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        grad = grad.add(buf, alpha=momentum) if nesterov else buf
    param.add_(grad, alpha=-lr)
    return buf


_NUMBER = (float, int)


class SGD(Optimizer):
    _setstate_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                          "fused": False}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    @_use_grad_for_differentiable
    def step(self, closure=None):
        loss = _run_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            grads = [p.grad for p in params]
            lr = group["lr"]
            if _is_tensor(lr):
                lr = _to_scalar(lr).item()
            momentum, dampening, weight_decay = group["momentum"], group["dampening"], group["weight_decay"]
            state = self.state
            bufs = [state[p].get("momentum_buffer") for p in params] if momentum != 0 else None
            if group["differentiable"] or not (type(momentum) in _NUMBER and type(dampening) in _NUMBER
                                               and type(weight_decay) in _NUMBER):
                left = range(len(params))
            else:
                left = _C._sgd_step(params, grads, bufs, lr, momentum, dampening, weight_decay,
                                    group["nesterov"], group["maximize"])
            for i in left:
                buf = _sgd_update(params[i], grads[i], bufs[i] if bufs is not None else None, lr=lr,
                                  momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                  nesterov=group["nesterov"], maximize=group["maximize"])
                if bufs is not None:
                    bufs[i] = buf
            if bufs is not None:
                for p, buf in zip(params, bufs):
                    state[p]["momentum_buffer"] = buf
        return loss
