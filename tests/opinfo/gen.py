"""gen: seeded value generators and the standard sample sets (0-d, empty, broadcast,
non-contiguous, expanded, kink values) that the table entries build on."""
import numpy as np

from .core import Sample, T


def vals(rng, shape, dtype, low=-3.0, high=3.0, nonzero=False):
    """Values for dtype: bools at random, integers in [low, high], floats uniform in [low, high)."""
    if dtype == "bool":
        v = rng.random(shape) < 0.5
        return np.ones(shape, bool) if nonzero else v
    if dtype in ("int64", "int32"):
        v = rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape)
        if nonzero:
            v[v == 0] = 1
        return v
    v = rng.uniform(low, high, size=shape)
    if nonzero:
        v[np.abs(v) < 0.25] = 0.7  # not 0.5: x % 0.5 would sit on a jump
    return v


def unary(rng, dtype, low=-3.0, high=3.0, kinks=(), nonzero=False):
    """0-d, empty, 1-d, transposed, stepped, expanded, 3-d, and a kink-value sample."""
    v = lambda *s: vals(rng, s, dtype, low, high, nonzero)  # noqa: E731
    out = [Sample((T(v()),), name="0d"), Sample((T(v(0)),), name="empty"), Sample((T(v(7)),), name="1d"),
           Sample((T(v(3, 4), "t"),), name="transposed"), Sample((T(v(2, 3, 4), "step"),), name="step"),
           Sample((T(v(3, 1), ("expand", (3, 4))),), name="expanded"), Sample((T(v(0, 3)),), name="empty2d")]
    if kinks:
        k = np.array(kinks, dtype=np.float64)
        if dtype in ("int64", "int32", "bool"):
            k = k[np.isfinite(k)]
            k = k.astype(bool) if dtype == "bool" else np.trunc(k)
        out.append(Sample((T(k),), kink=True, name="kinks"))
    return out


def binary(rng, dtype, low=-3.0, high=3.0, rlow=None, rhigh=None, nonzero=False, scalars=(2, 2.5), ties=False):
    """Same-shape, broadcast both ways, 0-d with n-d, empty, non-contiguous pairs, Python scalars
    on either side (reflected operators), and optionally ties (a == b) as kink values."""
    rlow = low if rlow is None else rlow
    rhigh = high if rhigh is None else rhigh
    a = lambda *s: vals(rng, s, dtype, low, high)  # noqa: E731
    b = lambda *s: vals(rng, s, dtype, rlow, rhigh, nonzero)  # noqa: E731
    out = [Sample((T(a(3, 4)), T(b(3, 4))), name="same"),
           Sample((T(a(3, 4), "t"), T(b(3, 4), "step")), name="noncontig"),
           Sample((T(a(3, 4)), T(b(4))), name="bcast_rhs"),
           Sample((T(a(2, 1, 4)), T(b(3, 1))), name="bcast_both"),
           Sample((T(a()), T(b(2, 3))), name="0d_lhs"),
           Sample((T(a(2, 3)), T(b())), name="0d_rhs"),
           Sample((T(a(0, 3)), T(b(3))), name="empty"),
           Sample((T(a(4, 1), ("expand", (4, 3))), T(b(4, 3))), name="expanded")]
    for s in scalars:
        out.append(Sample((T(a(2, 3)), s), name=f"scalar_rhs_{s}"))
        out.append(Sample((s, T(b(2, 3))), name=f"scalar_lhs_{s}"))
    if ties:
        x = a(3, 4)
        y = b(3, 4)
        y[::2] = x[::2]
        out.append(Sample((T(x), T(y)), kink=True, name="ties"))
    return out
