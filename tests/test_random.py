"""Random number generation through the public API, compared exactly with torch 2.13.

After manual_seed(s) every stream must be bit-identical to torch's CPU streams (TORCH_FACTS.md
section 1). Values are compared with .tolist() equality (exact floats), generator states as the
5056 state bytes. The native kernels themselves are checked byte for byte, without the Python
layer, by tests/native/random_check/check_random.py.
"""
import subprocess
import sys

import pytest
import torch

pytest.importorskip("myautograd._C")
import myautograd as mag  # noqa: E402

SEEDS = [0, 1, 42, 1234, 2**32 + 5, 67280421310721]
SIZES = [1, 2, 3, 5, 15, 16, 17, 20, 31, 32, 33, 100, 1000]
FLOAT = ["float32", "float64"]
ALL_FLOAT = ["float32", "float64", "float16", "bfloat16"]


def mdt(name):
    return getattr(mag, name)


def tdt(name):
    return getattr(torch, name)


def seed_both(seed):
    torch.manual_seed(seed)
    mag.manual_seed(seed)


def same_state():
    return mag.get_rng_state().tolist() == torch.get_rng_state().tolist()


def check(ours, theirs):
    """Exact equality of values, dtype and shape, then of the generator state."""
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.tolist() == theirs.tolist()
    assert same_state()


# ---- uniform ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("n", SIZES)
def test_rand(seed, dtype, n):
    seed_both(seed)
    check(mag.rand(n, dtype=mdt(dtype)), torch.rand(n, dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("n", [5, 16, 20, 40])
def test_rand_reduced(seed, dtype, n):
    seed_both(seed)
    check(mag.rand(n, dtype=mdt(dtype)), torch.rand(n, dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ALL_FLOAT)
@pytest.mark.parametrize("bounds", [(-2.5, 3.7), (0.1, 0.35), (-0.3, 0.7)])
def test_uniform_(seed, dtype, bounds):
    seed_both(seed)
    ours = mag.empty(200, dtype=mdt(dtype)).uniform_(*bounds)
    check(ours, torch.empty(200, dtype=tdt(dtype)).uniform_(*bounds))


def test_rand_shapes_and_examples():
    seed_both(0)
    ours, theirs = mag.rand(2, 3, 4), torch.rand(2, 3, 4)
    check(ours, theirs)
    seed_both(0)
    assert mag.rand(5).tolist() == [0.49625658988952637, 0.7682217955589294, 0.08847743272781372,
                                    0.13203048706054688, 0.30742281675338745]


# ---- normal -------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("n", SIZES)
def test_randn(seed, dtype, n):
    seed_both(seed)
    check(mag.randn(n, dtype=mdt(dtype)), torch.randn(n, dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("n", [5, 16, 20, 40, 1000])
def test_randn_reduced(seed, dtype, n):
    seed_both(seed)
    check(mag.randn(n, dtype=mdt(dtype)), torch.randn(n, dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", FLOAT)
@pytest.mark.parametrize("sizes", [(3, 1), (3, 20, 1), (5, 1, 1, 17, 2), (1, 16, 1)])
def test_randn_normal_cache(seed, dtype, sizes):
    """The cached second Box-Muller sample persists across calls; the vector path ignores it."""
    seed_both(seed)
    for n in sizes:
        check(mag.randn(n, dtype=mdt(dtype)), torch.randn(n, dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
def test_normal_cache_shared_across_dtypes(seed):
    seed_both(seed)
    check(mag.randn(3), torch.randn(3))
    check(mag.randn(1, dtype=mag.float64), torch.randn(1, dtype=torch.float64))
    check(mag.randn(64), torch.randn(64))
    check(mag.randn(2, dtype=mag.float16), torch.randn(2, dtype=torch.float16))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ALL_FLOAT)
@pytest.mark.parametrize("n", [7, 40])
@pytest.mark.parametrize("params", [(2.0, 3.0), (0.1, 0.3)])
def test_normal_(seed, dtype, n, params):
    seed_both(seed)
    ours = mag.empty(n, dtype=mdt(dtype)).normal_(*params)
    check(ours, torch.empty(n, dtype=tdt(dtype)).normal_(*params))


@pytest.mark.parametrize("seed", [0, 42])
def test_randn_shapes_and_paths(seed):
    seed_both(seed)
    check(mag.randn(2, 8), torch.randn(2, 8))        # 16 elements: vectorised path
    check(mag.randn(3, 4), torch.randn(3, 4))        # 12 elements: scalar path
    # non-contiguous output: scalar path in the output's memory order
    ours = mag.empty(2, 20).t()
    theirs = torch.empty(2, 20).t()
    ours.normal_()
    theirs.normal_()
    check(ours, theirs)


NONCONTIG_OPS = [("normal_", ()), ("normal_", (1.0, 2.0)), ("uniform_", (-1.0, 2.0)),
                 ("bernoulli_", (0.3,)), ("exponential_", ()), ("random_", (0, 10))]


@pytest.mark.parametrize("seed", [0, 42])
@pytest.mark.parametrize("op", NONCONTIG_OPS, ids=lambda o: f"{o[0]}{o[1]}")
@pytest.mark.parametrize("layout", ["transposed", "strided_slice", "transposed_slice"])
def test_noncontiguous_fill_order(seed, op, layout):
    """torch fills a non-contiguous output serially in its TensorIterator order (memory order
    for a transposed tensor), with the scalar normal path."""
    def make(lib):
        if layout == "transposed":
            return lib.empty(3, 20).t()
        if layout == "strided_slice":
            return lib.empty(4, 20)[:, ::2]
        return lib.empty(20, 6).t()[::2]
    seed_both(seed)
    name, args = op
    ours, theirs = make(mag), make(torch)
    getattr(ours, name)(*args)
    getattr(theirs, name)(*args)
    check(ours, theirs)


def test_randn_examples():
    seed_both(0)
    assert mag.randn(3).tolist() == [1.5409960746765137, -0.293428897857666, -2.1787893772125244]
    assert mag.randn(1).tolist() == torch.tensor([0.5684312772806678], dtype=torch.float32).tolist()


# ---- integers -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["int64", "int32"])
@pytest.mark.parametrize("bounds", [(0, 10), (-7, 1000), (0, 2**28 - 1), (0, 2**28), (0, 2**31 - 1)])
def test_randint(seed, dtype, bounds):
    seed_both(seed)
    ours = mag.randint(bounds[0], bounds[1], (50,), dtype=mdt(dtype))
    check(ours, torch.randint(bounds[0], bounds[1], (50,), dtype=tdt(dtype)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("bounds", [(0, 2**40 + 5), (-3, 2**32), (-2**62, 2**62)])
def test_randint_wide(seed, bounds):
    seed_both(seed)
    check(mag.randint(bounds[0], bounds[1], (30,)), torch.randint(bounds[0], bounds[1], (30,)))


@pytest.mark.parametrize("seed", SEEDS)
def test_randint_single_bound_and_default_dtype(seed):
    seed_both(seed)
    check(mag.randint(10, (8,)), torch.randint(10, (8,)))
    seed_both(0)
    assert mag.randint(0, 10, (8,)).tolist() == [4, 9, 3, 0, 3, 9, 7, 3]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 2, 5, 10, 100])
def test_randperm(seed, n):
    seed_both(seed)
    check(mag.randperm(n), torch.randperm(n))


def test_randperm_example():
    seed_both(0)
    assert mag.randperm(8).tolist() == [4, 0, 7, 3, 2, 5, 1, 6]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool",
                                   "float32", "float64", "float16", "bfloat16"])
def test_random_default(seed, dtype):
    seed_both(seed)
    check(mag.empty(50, dtype=mdt(dtype)).random_(), torch.empty(50, dtype=tdt(dtype)).random_())


@pytest.mark.parametrize("seed", SEEDS)
def test_random_bounds(seed):
    seed_both(seed)
    check(mag.empty(20, dtype=mag.int64).random_(5, 100), torch.empty(20, dtype=torch.int64).random_(5, 100))
    check(mag.empty(20, dtype=mag.int64).random_(1000), torch.empty(20, dtype=torch.int64).random_(1000))
    check(mag.empty(20, dtype=mag.int64).random_(-2**63, None),
          torch.empty(20, dtype=torch.int64).random_(-2**63, None))


_FROM_TO_CASES = [(d, f) for d in ["int64", "int32", "int16", "int8", "uint8", "bool",
                                    "float32", "float64", "float16", "bfloat16"]
                  for f in ([0] if d == "bool" else [0, 1] if d == "uint8" else [0, 1, -5])]


@pytest.mark.parametrize("seed", SEEDS[:3])
@pytest.mark.parametrize("dtype,from_", _FROM_TO_CASES)
def test_random_from_to_dtype_max(seed, dtype, from_):
    # random_(from, None) draws from [from, dtype max] (2**digits for floats)
    seed_both(seed)
    check(mag.empty(30, dtype=mdt(dtype)).random_(from_, None),
          torch.empty(30, dtype=tdt(dtype)).random_(from_, None))


# ---- bernoulli / exponential --------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("p", [0.3, 0.5, 0.9])
def test_bernoulli_scalar(seed, p):
    seed_both(seed)
    check(mag.empty(3000).bernoulli_(p), torch.empty(3000).bernoulli_(p))


def _p_values(n):
    return [(i * 0.6180339887498949) % 1.0 for i in range(n)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pdtype", ALL_FLOAT)
def test_bernoulli_tensor(seed, pdtype):
    seed_both(seed)
    p = _p_values(500)
    ours = mag.bernoulli(mag.tensor(p, dtype=mdt(pdtype)))
    check(ours, torch.bernoulli(torch.tensor(p, dtype=tdt(pdtype))))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pdtype", ["float32", "float64"])
def test_bernoulli_inplace_tensor_p(seed, pdtype):
    seed_both(seed)
    p = _p_values(300)
    ours = mag.empty(300).bernoulli_(mag.tensor(p, dtype=mdt(pdtype)))
    check(ours, torch.empty(300).bernoulli_(torch.tensor(p, dtype=tdt(pdtype))))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ALL_FLOAT)
@pytest.mark.parametrize("n", [5, 100])
@pytest.mark.parametrize("lambd", [1.0, 2.5])
def test_exponential_(seed, dtype, n, lambd):
    seed_both(seed)
    ours = mag.empty(n, dtype=mdt(dtype)).exponential_(lambd)
    check(ours, torch.empty(n, dtype=tdt(dtype)).exponential_(lambd))


def test_exponential_example():
    seed_both(0)
    assert mag.empty(5).exponential_().tolist() == [3.508326292037964, 1.2303847074508667,
                                                    0.615044116973877, 2.535118579864502,
                                                    1.0357054471969604]


# ---- seeds, state, generators -------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS + [2**64 - 1])
def test_manual_seed_and_initial_seed(seed):
    seed_both(seed)
    assert mag.initial_seed() == torch.initial_seed() == seed
    assert same_state()


def test_manual_seed_negative_wraps():
    torch.manual_seed(-1)
    mag.manual_seed(-1)
    assert mag.initial_seed() == torch.initial_seed() == 2**64 - 1
    check(mag.rand(10), torch.rand(10))


def test_manual_seed_returns_generator():
    g = mag.manual_seed(3)
    assert isinstance(g, mag.Generator)
    assert g.initial_seed() == 3


@pytest.mark.parametrize("seed", SEEDS)
def test_get_rng_state_bytes(seed):
    seed_both(seed)
    ours = mag.get_rng_state()
    assert str(ours.dtype) == "torch.uint8" and tuple(ours.shape) == (5056,)
    assert ours.tolist() == torch.get_rng_state().tolist()
    mag.randn(3)
    torch.randn(3)
    assert same_state()  # left=617, next=8, cached normal valid


@pytest.mark.parametrize("seed", SEEDS)
def test_set_rng_state_round_trip(seed):
    seed_both(seed)
    mag.randn(3)
    saved = mag.get_rng_state()
    first = mag.rand(10).tolist() + mag.randn(1).tolist()
    mag.set_rng_state(saved)
    assert mag.rand(10).tolist() + mag.randn(1).tolist() == first


@pytest.mark.parametrize("seed", SEEDS)
def test_set_rng_state_from_torch_and_back(seed):
    torch.manual_seed(seed)
    torch.randn(5)  # leaves a cached normal sample in the state
    mag.manual_seed(seed + 1)
    mag.set_rng_state(mag.tensor(torch.get_rng_state().tolist(), dtype=mag.uint8))
    assert same_state()
    check(mag.randn(1), torch.randn(1))
    check(mag.rand(700, dtype=mag.float64), torch.rand(700, dtype=torch.float64))
    torch.set_rng_state(torch.tensor(mag.get_rng_state().tolist(), dtype=torch.uint8))
    check(mag.randn(20), torch.randn(20))


@pytest.mark.parametrize("size", [100, 5048])  # 5048 = the legacy layout, rejected by 2.13
def test_set_rng_state_rejects_wrong_size(size):
    with pytest.raises(RuntimeError) as theirs:
        torch.set_rng_state(torch.zeros(size, dtype=torch.uint8))
    with pytest.raises(RuntimeError) as ours:
        mag.set_rng_state(mag.zeros(size, dtype=mag.uint8))
    assert str(ours.value) == str(theirs.value)


def test_set_rng_state_rejects_invalid_engine_state():
    state = torch.get_rng_state()
    state[8:12] = 0  # left == 0
    with pytest.raises(RuntimeError) as theirs:
        torch.set_rng_state(state)
    with pytest.raises(RuntimeError) as ours:
        mag.set_rng_state(mag.tensor(state.tolist(), dtype=mag.uint8))
    assert str(ours.value) == str(theirs.value)


def test_generator_objects():
    g, tg = mag.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed() == 67280421310721
    check_gen = lambda a, b: a.tolist() == b.tolist()  # noqa: E731
    assert check_gen(mag.rand(3, generator=g), torch.rand(3, generator=tg))
    assert g.get_state().tolist() == tg.get_state().tolist()
    assert g.manual_seed(0) is g
    tg.manual_seed(0)
    assert check_gen(mag.randn(3, 4, generator=g), torch.randn(3, 4, generator=tg))
    assert check_gen(mag.randperm(10, generator=g), torch.randperm(10, generator=tg))
    assert check_gen(mag.randint(0, 10, (5,), generator=g), torch.randint(0, 10, (5,), generator=tg))
    assert check_gen(mag.empty(5).uniform_(-1, 1, generator=g), torch.empty(5).uniform_(-1, 1, generator=tg))
    assert check_gen(mag.empty(20).normal_(1, 2, generator=g), torch.empty(20).normal_(1, 2, generator=tg))
    assert g.get_state().tolist() == tg.get_state().tolist()
    # a private generator leaves the default one alone
    seed_both(5)
    mag.rand(100, generator=g)
    check(mag.rand(4), torch.rand(4))


def test_generator_state_round_trip():
    g = mag.Generator().manual_seed(9)
    s = g.get_state()
    a = mag.randn(30, generator=g).tolist()
    g.set_state(s)
    assert mag.randn(30, generator=g).tolist() == a


def test_default_seed_is_nondeterministic():
    code = "import myautograd as m; print(m.initial_seed(), m.rand(2).tolist())"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)}
    assert len(outs) == 2
    assert all("67280421310721" not in o.split()[0] for o in outs)
