"""table: the one OpInfo table, assembled from the per-family files. tests/test_ops.py drives
every check over it; add an op by adding an entry to its family file."""
from . import table_elementwise, table_linalg, table_reduce, table_shape

OPS = table_elementwise.OPS + table_reduce.OPS + table_shape.OPS + table_linalg.OPS

_names = [o.name for o in OPS]
assert len(_names) == len(set(_names)), "duplicate OpInfo names"
