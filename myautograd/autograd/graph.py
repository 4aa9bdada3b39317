"""torch.autograd.graph: grad_fn objects. Each torch node name gets its own Python class
(created on first use) so type(y.grad_fn).__name__ and the repr match torch's."""
from .. import _C
from ..utils.hooks import RemovableHandle


class Node(_C.Node):
    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def _node_class(name):
    return type(name, (Node,), {"__module__": "torch.autograd.graph", "__slots__": ()})


def _handle(remove):
    return RemovableHandle(remove_fn=remove)


_C._set_node_factories(_node_class, _handle)
