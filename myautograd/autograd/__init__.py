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
    global _warned_create_graph
    if create_graph and not _warned_create_graph:  # torch warns once per process
        _warned_create_graph = True
        import warnings
        warnings.warn(_CREATE_GRAPH_CYCLE, UserWarning, stacklevel=3)
    _C._run_backward(tensors, grads, retain_graph, create_graph, ins, True, True)


_warned_create_graph = False
_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
    "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
    "of your parameters to None after use to break the cycle and avoid the leak.")


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
