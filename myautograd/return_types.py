"""torch.return_types: the named tuples returned by max/min/sort with dim."""
import collections as _c


def _make(name):
    base = _c.namedtuple(name, ["values", "indices"])

    class R(base):
        __slots__ = ()

        def __repr__(self):
            return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
    R.__name__ = R.__qualname__ = name
    R.__module__ = "torch.return_types"
    return R


max = _make("max")
min = _make("min")
sort = _make("sort")
topk = _make("topk")
mode = _make("mode")
median = _make("median")
