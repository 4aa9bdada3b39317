"""torch.autograd.Function: user-defined forward/backward. The node is a native node that
calls back into _run_backward; its class name is <ClassName>Backward."""
import functools

from .. import _C


class FunctionCtx:
    def __init__(self, cls):
        self._cls = cls
        self.saved_tensors_ = ()
        self._dirty = ()
        self._non_diff = ()
        self._materialize = True
        self.needs_input_grad = ()
        self._released = False
        self._n_inputs = 0
        self._input_meta = []

    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if self._released:
            raise RuntimeError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        return self.saved_tensors_

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        self._materialize = value

    def _release(self):
        self._released = True
        self.saved_tensors_ = ()

    def _run_backward(self, grads):
        if self._materialize:
            grads = tuple(g if g is not None else _C._full(list(s), 0, d) for g, (s, d) in zip(grads, self._out_meta))
        with _GradGuard(_C._is_grad_enabled()):
            r = self._cls.backward(self, *grads)
        if not isinstance(r, tuple):
            r = (r,)
        if len(r) > self._n_inputs and all(g is None for g in r[self._n_inputs:]):
            r = r[:self._n_inputs]
        if len(r) != self._n_inputs:
            raise RuntimeError(f"function {self._cls.__name__}Backward returned an incorrect number of gradients (expected {self._n_inputs}, got {len(r)})")
        return r


class _GradGuard:
    def __init__(self, mode):
        self.mode = mode

    def __enter__(self):
        self.prev = _C._is_grad_enabled()
        _C._set_grad_enabled(self.mode)

    def __exit__(self, *a):
        _C._set_grad_enabled(self.prev)


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(cls)
        is_t = [isinstance(a, _C.TensorBase) for a in args]
        ctx.needs_input_grad = tuple(isinstance(a, _C.TensorBase) and a.requires_grad for a in args)
        ctx._n_inputs = len(args)
        with _GradGuard(False):
            if "setup_context" in cls.__dict__ or any("setup_context" in c.__dict__ for c in cls.__mro__[:-1] if c is not Function):
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        needs = _C._is_grad_enabled() and any(ctx.needs_input_grad)
        saved = getattr(ctx, "_to_save", ())
        if needs:
            outs = tuple(_prepare_output(o, args, ctx) for o in outs)
            ctx._out_meta = [(list(o.shape), o.dtype) if isinstance(o, _C.TensorBase) else ((), _C.float32) for o in outs]
            diff = tuple(o for o in outs if isinstance(o, _C.TensorBase) and o.dtype.is_floating_point
                         and not any(o is n for n in ctx._non_diff))
            record = tuple(o if (isinstance(o, _C.TensorBase) and any(o is d for d in diff)) else None for o in outs)
            _C._function_record(ctx, cls.__name__ + "Backward", args, record)
            # saved outputs are kept without history (no reference cycle through the node)
            ctx.saved_tensors_ = tuple(s.detach() if any(s is o for o in outs) else s for s in saved)
        else:
            ctx.saved_tensors_ = tuple(saved)
        return outs[0] if single else outs


def _prepare_output(o, args, ctx):
    if not isinstance(o, _C.TensorBase):
        return o
    if any(o is a for a in args) and not any(o is d for d in ctx._dirty):
        return o.view_as(o)
    return o


def once_differentiable(fn):
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with _GradGuard(False):
            return fn(ctx, *args)
    return wrapper
