"""optim.RMSprop (alpha, eps, weight_decay, momentum, centered, maximize).

`_rmsprop_update` is the whole per-parameter step, in the order of operations of torch's
single-tensor (foreach=False) implementation, so float32 trajectories match torch bit for bit;
it is the one place to replace with a fused native kernel later.
"""
from .._creation import zeros
from . import _pointwise as _pw
from .optimizer import Optimizer, _get_scalar_dtype, _is_tensor, _run_closure, _to_scalar, \
    _use_grad_for_differentiable
from .adam import _CAPTURABLE_MSG

__all__ = ["RMSprop"]


def _rmsprop_update(param, grad, square_avg, grad_avg, momentum_buffer, step_t, *, lr, alpha, eps,
                    weight_decay, momentum, centered, maximize):
    grad = grad if not maximize else -grad
    step_t += 1
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    _pw.addcmul_(square_avg.mul_(alpha), grad, grad, 1 - alpha)
    if centered:
        _pw.lerp_(grad_avg, grad, 1 - alpha)
        avg = _pw.addcmul(square_avg, grad_avg, grad_avg, -1).sqrt_()
    else:
        avg = square_avg.sqrt()
    avg = avg.add_(eps)
    if momentum > 0:
        _pw.addcdiv_(momentum_buffer.mul_(momentum), grad, avg)
        param.add_(momentum_buffer, alpha=-lr)
    else:
        _pw.addcdiv_(param, grad, avg, -lr)


class RMSprop(Optimizer):
    _setstate_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                          "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._step_to_tensor()

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = zeros((), dtype=_get_scalar_dtype())
            state["square_avg"] = zeros(list(p.shape), dtype=p.dtype)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros(list(p.shape), dtype=p.dtype)
            if group["centered"]:
                state["grad_avg"] = zeros(list(p.shape), dtype=p.dtype)
        return state

    @_use_grad_for_differentiable
    def step(self, closure=None):
        loss = _run_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            lr = lr.item() if _is_tensor(lr) else lr
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(group, p)
                if group["capturable"]:
                    raise AssertionError(_CAPTURABLE_MSG)
                _rmsprop_update(p, p.grad, state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer"),
                                state["step"], lr=lr, alpha=group["alpha"], eps=group["eps"],
                                weight_decay=group["weight_decay"], momentum=group["momentum"],
                                centered=group["centered"], maximize=group["maximize"])
        return loss
