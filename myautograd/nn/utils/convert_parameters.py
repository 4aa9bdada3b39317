"""parameters_to_vector / vector_to_parameters (torch.nn.utils.convert_parameters): flatten
parameters into one vector, and point parameters' data at slices of a vector."""
from ... import _C

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old_param_device):
    # CPU only: every parameter is device -1, so there is never a mismatch to report
    return -1


def parameters_to_vector(parameters):
    from ... import _ops
    param_device = None
    vec = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        vec.append(param.view(-1))
    return _ops.cat(vec)


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, _C.TensorBase):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__qualname__ if type(vec).__module__ == 'builtins' else type(vec).__module__ + '.' + type(vec).__qualname__}")
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
