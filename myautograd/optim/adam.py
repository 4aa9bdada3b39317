"""optim.Adam and optim.AdamW (amsgrad, weight_decay coupled or decoupled, maximize).

A group's step is one native call (_C._adam_step, csrc/kernels/cpu/optim.cpp) doing, element
by element, what torch's single-tensor (foreach=False, capturable=False) implementation does in
the same order with the same roundings, so float32 trajectories match torch bit for bit.
`_adam_update` is that step written with tensor ops: the reference the kernel is tested
against, and the path for differentiable=True and for layouts the kernel does not take.
"""
from .. import _C, _ops
from . import _pointwise as _pw
from .._creation import tensor, zeros_like
from .optimizer import Optimizer, _get_scalar_dtype, _is_tensor, _run_closure, _to_scalar, \
    _use_grad_for_differentiable

__all__ = ["Adam", "AdamW"]

# torch raises this for CPU parameters with capturable=True (CUDA-graph capture only)
_CAPTURABLE_MSG = ("If capturable=True, params and state_steps must be on supported devices: "
                   "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'].")


def _adam_update(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step_t, *, lr, beta1, beta2, eps,
                 weight_decay, amsgrad, maximize, decoupled_weight_decay):
    grad = grad if not maximize else -grad
    step_t += 1
    if weight_decay != 0:
        if decoupled_weight_decay:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = grad.add(param, alpha=weight_decay)
    _pw.lerp_(exp_avg, grad, 1 - beta1)
    _pw.addcmul_(exp_avg_sq.mul_(beta2), grad, grad, 1 - beta2)
    step = step_t.item()
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if amsgrad:
        max_exp_avg_sq.copy_(_ops.maximum(max_exp_avg_sq, exp_avg_sq))
        denom = (max_exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    else:
        denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    _pw.addcdiv_(param, exp_avg, denom, -step_size)


def _scalar(x):
    x = _to_scalar(x)
    return x.item() if _is_tensor(x) else x


class Adam(Optimizer):
    _setstate_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                          "differentiable": False, "decoupled_weight_decay": False, "fused": None}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if _is_tensor(lr) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (_is_tensor(betas[0]) and _is_tensor(betas[1]))):
            raise ValueError("betas must be either both floats or both Tensors")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        self._step_to_tensor(fused_key=True)

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = tensor(0.0, dtype=_get_scalar_dtype())
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        return state

    @_use_grad_for_differentiable
    def step(self, closure=None):
        loss = _run_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            hyper = dict(lr=_scalar(group["lr"]), beta1=beta1, beta2=beta2, eps=group["eps"],
                         weight_decay=group["weight_decay"], amsgrad=group["amsgrad"], maximize=group["maximize"],
                         decoupled_weight_decay=group["decoupled_weight_decay"])
            params, states = [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                if group["capturable"]:
                    raise AssertionError(_CAPTURABLE_MSG)
                params.append(p)
                states.append(self._init_state(group, p))
            if not params:
                continue
            if group["differentiable"]:
                left = range(len(params))
            else:
                left = _C._adam_step(
                    params, [p.grad for p in params], [s["exp_avg"] for s in states],
                    [s["exp_avg_sq"] for s in states],
                    [s["max_exp_avg_sq"] for s in states] if group["amsgrad"] else None, [s["step"] for s in states],
                    float(hyper["lr"]), float(beta1), float(beta2), float(hyper["eps"]),
                    float(hyper["weight_decay"]), bool(hyper["amsgrad"]), bool(hyper["maximize"]),
                    bool(hyper["decoupled_weight_decay"]))
            for i in left:
                p, state = params[i], states[i]
                _adam_update(p, p.grad, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"),
                             state["step"], **hyper)
        return loss


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
