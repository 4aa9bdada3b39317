"""Clearing parameters' gradients: the one definition behind Module.zero_grad and
Optimizer.zero_grad (torch's semantics: drop them, or detach and zero them in place)."""


def zero_grads(params, set_to_none=True):
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            if p.grad.grad_fn is not None:
                p.grad.detach_()
            else:
                p.grad.requires_grad_(False)
            p.grad.zero_()
