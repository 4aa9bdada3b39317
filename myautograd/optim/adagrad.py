"""optim.Adagrad (lr_decay, weight_decay, initial_accumulator_value, eps, maximize).

State ('step', 'sum') is created for every parameter at construction, as torch does.
`_adagrad_update` is the whole per-parameter step, in the order of operations of torch's
single-tensor (foreach=False) implementation; the one place for a future fused kernel.
"""
from .._creation import full, tensor
from . import _pointwise as _pw
from .optimizer import Optimizer, _get_scalar_dtype, _is_tensor, _run_closure, _to_scalar, \
    _use_grad_for_differentiable

__all__ = ["Adagrad"]


def _adagrad_update(param, grad, state_sum, step_t, *, lr, weight_decay, lr_decay, eps, maximize):
    step_t += 1
    step = step_t.item()
    grad = grad if not maximize else -grad
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    clr = lr / (1 + (step - 1) * lr_decay)
    _pw.addcmul_(state_sum, grad, grad, 1)
    std = state_sum.sqrt().add_(eps)
    _pw.addcdiv_(param, grad, std, -clr)


class Adagrad(Optimizer):
    _setstate_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = tensor(0.0, dtype=_get_scalar_dtype(is_fused=group["fused"]))
                state["sum"] = full(list(p.shape), initial_accumulator_value, dtype=p.dtype)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._step_to_tensor(fused_key=True)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lr = lr.item() if _is_tensor(lr) else lr
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                _adagrad_update(p, p.grad, state["sum"], state["step"], lr=lr, weight_decay=group["weight_decay"],
                                lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"])
        return loss
