"""register_full_backward_hook support: identity autograd Functions around a module call.
Outputs pass through one that records grad_output; tensor inputs pass through one whose
backward calls hook(module, grad_input, grad_output) and may replace grad_input (torch's
BackwardHook, simplified to positional tensor arguments)."""
from ... import _C
from ...autograd.function import Function


class _State:
    def __init__(self, module, n_inputs):
        self.module = module
        self.n_inputs = n_inputs
        self.grad_output = None


def _run_hooks(state, grad_input):
    for hook in list(state.module._backward_hooks.values()):
        r = hook(state.module, grad_input, state.grad_output)
        if r is not None:
            r = tuple(r) if isinstance(r, (tuple, list)) else (r,)
            if len(r) != len(grad_input):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(r)}, "
                                   f"but expected {len(grad_input)}")
            grad_input = r
    return grad_input


class _InputHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(_run_hooks(ctx.state, grads))


class _OutputHook(Function):
    @staticmethod
    def forward(ctx, state, inputs_need_grad, *tensors):
        ctx.state = state
        ctx.inputs_need_grad = inputs_need_grad
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        ctx.state.grad_output = grads
        if not ctx.inputs_need_grad:
            r = [None] * ctx.state.n_inputs
            for hook in list(ctx.state.module._backward_hooks.values()):
                res = hook(ctx.state.module, tuple(r), grads)
                if res is not None and not (isinstance(res, tuple) and all(e is None for e in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        return (None, None) + grads


def call_with_backward_hooks(module, args, kwargs):
    pos = [i for i, a in enumerate(args) if isinstance(a, _C.TensorBase)]
    state = _State(module, len(pos))
    need = any(args[i].requires_grad for i in pos)
    if need and _C._is_grad_enabled():
        wrapped = _InputHook.apply(state, *[args[i] for i in pos])
        args = list(args)
        for i, w in zip(pos, wrapped):
            args[i] = w
        args = tuple(args)
    out = module.forward(*args, **kwargs)
    if not _C._is_grad_enabled():
        return out
    single = isinstance(out, _C.TensorBase)
    outs = (out,) if single else out
    if not isinstance(outs, tuple) or not any(isinstance(o, _C.TensorBase) and o.requires_grad for o in outs):
        return out
    idx = [i for i, o in enumerate(outs) if isinstance(o, _C.TensorBase) and o.requires_grad]
    wrapped = _OutputHook.apply(state, need, *[outs[i] for i in idx])
    outs = list(outs)
    for i, w in zip(idx, wrapped):
        outs[i] = w
    return outs[0] if single else tuple(outs)
