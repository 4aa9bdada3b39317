"""torch.autograd: backward, grad, Function, anomaly detection, grad modes."""
from .. import _C
from .._grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from .function import Function, once_differentiable  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: F401
from . import graph  # noqa: F401


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, _C.TensorBase):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    ins = _as_list(inputs)
    if inputs is not None and not ins:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    _C._run_backward(tensors, grads, retain_graph, create_graph, ins, True, True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    r = _C._run_backward(outs, grads, retain_graph, create_graph, ins, allow_unused, False)
    if materialize_grads:
        r = tuple(g if g is not None else i.new_zeros(i.shape) for g, i in zip(r, ins))
    return tuple(r)
from .gradcheck import gradcheck, GradcheckError  # noqa: E402,F401
