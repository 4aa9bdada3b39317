"""optim.SGD, following torch's single-tensor implementation's order of operations."""
from .. import _C
from .._grad_mode import no_grad
from .optimizer import Optimizer


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with _C_enable():
                loss = closure()
        with no_grad():
            for g in self.param_groups:
                for p in g["params"]:
                    if p.grad is None:
                        continue
                    d_p = p.grad if not g["maximize"] else -p.grad
                    if g["weight_decay"] != 0:
                        d_p = d_p.add(p, alpha=g["weight_decay"])
                    if g["momentum"] != 0:
                        st = self.state[p]
                        buf = st.get("momentum_buffer")
                        if buf is None:
                            buf = d_p.clone().detach()
                            st["momentum_buffer"] = buf
                        else:
                            buf.mul_(g["momentum"]).add_(d_p, alpha=1 - g["dampening"])
                        d_p = d_p.add(buf, alpha=g["momentum"]) if g["nesterov"] else buf
                    p.add_(d_p, alpha=-g["lr"])
        return loss


class _C_enable:
    def __enter__(self):
        self.prev = _C._is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, *a):
        _C._set_grad_enabled(self.prev)
