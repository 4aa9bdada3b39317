"""Floating-point sums equal torch's bit for bit (csrc/kernels/cpu/sum_cascade.cpp).

torch sums floats with a cascade in 8 vector lanes inside its reduction iterator, split over
threads above 32768 elements; myautograd re-derives that order, so `.tolist()` must be equal,
not just close. Both libraries run with the same thread count here (the split depends on it).
"""
import pytest
import torch

import myautograd as mag

DT = {"float32": (torch.float32, mag.float32), "float64": (torch.float64, mag.float64),
      "float16": (torch.float16, mag.float16), "bfloat16": (torch.bfloat16, mag.bfloat16)}

SIZES = (list(range(1, 40)) + [2 ** k + d for k in range(5, 17) for d in (-1, 0, 1)]
         + [32767, 32768, 32769, 40000, 65537, 100000])


@pytest.fixture(autouse=True)
def same_threads():
    saved_t, saved_m = torch.get_num_threads(), mag.get_num_threads()
    mag.set_num_threads(saved_t)
    yield
    torch.set_num_threads(saved_t)
    mag.set_num_threads(saved_m)


def _pair(shape, dtype, seed):
    tdt, mdt = DT[dtype]
    g = torch.Generator().manual_seed(seed)
    t = torch.randn(*shape, generator=g, dtype=torch.float64).mul(3).add(1).to(tdt)
    m = mag.from_numpy(t.to(torch.float64).numpy()).to(mdt)
    return t, m


def _same(a, b, what):
    assert a.tolist() == b.tolist(), f"{what}: torch {a.flatten()[:4].tolist()} vs ours {b.flatten()[:4].tolist()}"


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_sum_1d_all_sizes(dtype):
    for n in SIZES:
        t, m = _pair((n,), dtype, n)
        _same(t.sum(), m.sum(), f"n={n}")


SHAPES = [((3, 5), None), ((17, 33), 0), ((17, 33), 1), ((100, 100), None), ((64, 1000), 1),
          ((1000, 64), 0), ((7, 5000), 1), ((5000, 7), 0), ((300, 300), 0), ((300, 300), -1),
          ((2, 70000), 1), ((70000, 2), 0), ((257, 129), 0), ((129, 1025), 1), ((33, 2000), None),
          ((4, 5, 6), (0, 2)), ((40, 50, 60), 1), ((40, 50, 60), (0, 2)), ((30, 40, 50), (1, 2)),
          ((40, 50, 60), 0), ((8, 9, 10, 11), (1, 3))]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape,dims", SHAPES)
def test_sum_dims(dtype, shape, dims):
    t, m = _pair(shape, dtype, shape[0])
    if dims is None:
        _same(t.sum(), m.sum(), "all")
    else:
        _same(t.sum(dims), m.sum(dims), f"dims={dims}")
        _same(t.sum(dims, keepdim=True), m.sum(dims, keepdim=True), f"dims={dims} keepdim")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,perm,dims", [((100, 200), (1, 0), 0), ((100, 200), (1, 0), 1),
                                             ((40, 50, 60), (2, 0, 1), None), ((40, 50, 60), (2, 0, 1), 0),
                                             ((60, 700), (1, 0), None)])
def test_sum_permuted(dtype, shape, perm, dims):
    t, m = _pair(shape, dtype, 3)
    t, m = t.permute(*perm), m.permute(*perm)
    if dims is None:
        _same(t.sum(), m.sum(), "all")
    else:
        _same(t.sum(dims), m.sum(dims), f"dims={dims}")


def test_sum_sliced_and_mean():
    t, m = _pair((300, 400), "float32", 5)
    _same(t[:, ::3].sum(0), m[:, ::3].sum(0), "strided columns")
    _same(t[10:250, 7:].sum(1), m[10:250, 7:].sum(1), "sliced rows")
    _same(t.mean(), m.mean(), "mean")
    _same(t.mean(0), m.mean(0), "mean(0)")
    _same(t.mean(1), m.mean(1), "mean(1)")


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_sum_thread_counts(threads):
    # the parallel split (two-pass partials, kept-dim split with 128-byte column rounding)
    # depends on the thread count; torch and ours agree for each count
    torch.set_num_threads(threads)
    mag.set_num_threads(threads)
    for shape, dims in [((1000003,), None), ((300, 1000), 0), ((1000, 300), 1), ((123, 4567), 0),
                        ((4567, 123), 1), ((50, 60, 70), (0, 2))]:
        t, m = _pair(shape, "float32", 11)
        if dims is None:
            _same(t.sum(), m.sum(), f"{shape}")
        else:
            _same(t.sum(dims), m.sum(dims), f"{shape} dims={dims}")


def test_w6_sum():
    # bench W6: the sum of 4M sigmoid values was 0.33 % off torch with sequential float32
    x = torch.sin(torch.arange(4 * 1024 * 1024, dtype=torch.float32))
    y = (x * 2 + 1).sigmoid()
    my = mag.from_numpy(y.numpy())
    assert my.sum().item() == y.sum().item()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_elementwise_threads_bit_identical(threads):
    # elementwise kernels give the same bits on any thread count
    x = mag.from_numpy(torch.sin(torch.arange(200003, dtype=torch.float32)).numpy())
    mag.set_num_threads(1)
    ref = [((x * 2 + 1).sigmoid()).tolist(), x.exp().tolist(), x.tanh().tolist(), (x + 1).log().tolist()]
    mag.set_num_threads(threads)
    got = [((x * 2 + 1).sigmoid()).tolist(), x.exp().tolist(), x.tanh().tolist(), (x + 1).log().tolist()]
    assert got == ref


def test_set_num_threads_api():
    assert mag.get_num_threads() >= 1
    with pytest.raises(RuntimeError):
        mag.set_num_threads(0)
    mag.set_num_threads(3)
    assert mag.get_num_threads() == 3
