"""torch.autograd.gradcheck: compare the analytical Jacobian (one vector-Jacobian product per
output element, through the engine) with central finite differences, input by input.
Basic API of torch's slow mode: eps, atol, rtol, raise_exception; GradcheckError on mismatch."""
from .. import _C


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    """The floating-point tensor outputs (the ones gradcheck differentiates)."""
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, _C.TensorBase) and o.dtype.is_floating_point)


def _index_iter(shape):
    idx = [0] * len(shape)
    n = 1
    for s in shape:
        n *= s
    for _ in range(n):
        yield tuple(idx)
        for d in range(len(shape) - 1, -1, -1):
            idx[d] += 1
            if idx[d] < shape[d]:
                break
            idx[d] = 0


def _numerical(func, inputs, i, eps):
    """Per output, the matrix d out.flat / d inputs[i].flat by central differences."""
    import numpy as np
    x = inputs[i].detach()  # shares storage: perturbing it perturbs the input
    cols = []
    for idx in _index_iter(list(x.shape)):
        orig = x[idx].item()
        x[idx] = orig - eps
        lo = [o.detach().double().numpy().reshape(-1).copy() for o in _outputs(func, inputs)]
        x[idx] = orig + eps
        hi = [o.detach().double().numpy().reshape(-1).copy() for o in _outputs(func, inputs)]
        x[idx] = orig
        cols.append([(h - l) / (2 * eps) for h, l in zip(hi, lo)])
    n_out = len(_outputs(func, inputs))
    return [np.stack([c[k] for c in cols], 1) if cols else None for k in range(n_out)]


def _analytical(outputs, inputs, i):
    """Per output, the matrix d out.flat / d inputs[i].flat, one backward pass per row."""
    import numpy as np
    from . import grad
    from .._creation import zeros_like
    n_in = inputs[i].numel()
    mats = []
    for o in outputs:
        m = np.zeros((o.numel(), n_in))
        for j in range(o.numel() if o.requires_grad else 0):
            go = zeros_like(o).reshape(-1)
            go[j] = 1
            g, = grad(o, inputs[i], go.reshape(list(o.shape)), retain_graph=True, allow_unused=True)
            if g is not None:
                m[j] = g.detach().double().numpy().reshape(-1)
        mats.append(m)
    return mats


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **unused):
    import numpy as np
    inputs = _as_tuple(inputs)
    diff = [k for k, t in enumerate(inputs) if isinstance(t, _C.TensorBase) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.")
    for i in diff:
        num = _numerical(func, inputs, i, eps)  # perturbs in place: build the graph afterwards
        ana = _analytical(_outputs(func, inputs), inputs, i)
        for k, (a, n) in enumerate(zip(ana, num)):
            if n is None or not a.size:
                continue
            bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
            if bad.any():
                msg = (f"Jacobian mismatch for output {k} with respect to input {i},\n"
                       f"numerical:{n}\nanalytical:{a}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True
