"""utils.data against torch 2.13: sampler orders, batches and collated structures must be
identical after manual_seed (several seeds, several epochs), and the global random stream
must be in the same state afterwards (the DataLoader's base-seed draw and RandomSampler's
seed draw happen where torch makes them).
"""
import collections
import warnings

import numpy as np
import pytest
import torch

import myautograd as mag

SEEDS = [0, 1, 42, 1234]
Point = collections.namedtuple("Point", ["x", "y"])


def seed_both(s):
    torch.manual_seed(s)
    mag.manual_seed(s)


def plain(obj):
    """Structure with tensors replaced by (dtype name, shape, values), for comparison."""
    if isinstance(obj, (torch.Tensor, mag.Tensor)):
        return ("T", str(obj.dtype).split(".")[-1], tuple(obj.shape), obj.tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, {k: plain(v) for k, v in obj.items()})
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, tuple(plain(v) for v in obj))
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [plain(v) for v in obj])
    return obj


def same_stream():
    return mag.rand(3).tolist() == torch.rand(3).tolist()


def tensor_ds(lib, n=23):
    x = lib.arange(n * 3, dtype=lib.float32).reshape(n, 3)
    return lib.utils.data.TensorDataset(x, lib.arange(n))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (5, False), (5, True), (23, False), (64, True)])
def test_shuffle_order(seed, batch_size, drop_last):
    seed_both(seed)
    out = []
    for lib in (mag, torch):
        dl = lib.utils.data.DataLoader(tensor_ds(lib), batch_size=batch_size, shuffle=True, drop_last=drop_last)
        out.append([plain(b) for _ in range(3) for b in dl])
        out.append(len(dl))
    assert out[0] == out[2] and out[1] == out[3]
    assert same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_shuffle_with_generator(seed):
    seed_both(0)
    out = []
    for lib in (mag, torch):
        g = lib.Generator().manual_seed(seed)
        dl = lib.utils.data.DataLoader(tensor_ds(lib, 17), batch_size=4, shuffle=True, generator=g)
        out.append([b[1].tolist() for _ in range(2) for b in dl])
        out.append(g.get_state().tolist())
    assert out[0] == out[2] and out[1] == out[3]
    assert same_stream()  # the global stream was not touched


@pytest.mark.parametrize("seed", SEEDS)
def test_samplers(seed):
    seed_both(seed)
    res = []
    for lib in (mag, torch):
        D = lib.utils.data
        ds = list(range(13))
        r = [list(D.SequentialSampler(ds)), list(D.RandomSampler(ds)),
             list(D.RandomSampler(ds, replacement=True, num_samples=70)),
             list(D.RandomSampler(ds, num_samples=30)),
             list(D.RandomSampler(ds, generator=lib.Generator().manual_seed(seed + 1))),
             list(D.SubsetRandomSampler([3, 5, 7, 11])),
             list(D.BatchSampler(D.SequentialSampler(ds), 4, False)),
             list(D.BatchSampler(D.RandomSampler(ds), 4, True)),
             len(D.BatchSampler(range(13), 4, True)), len(D.BatchSampler(range(13), 4, False)),
             len(D.RandomSampler(ds, num_samples=30))]
        res.append(r)
    assert res[0] == res[1]
    assert same_stream()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_split(seed):
    seed_both(seed)
    res = []
    for lib in (mag, torch):
        D = lib.utils.data
        ds = list(range(20))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            splits = [D.random_split(ds, [5, 15]), D.random_split(ds, [0.3, 0.3, 0.4]),
                      D.random_split(ds, [0.5, 0.5], generator=lib.Generator().manual_seed(seed)),
                      D.random_split(range(7), [0.1, 0.45, 0.45]), D.random_split(ds, [0.96, 0.04, 0.0])]
        res.append(([[list(s) for s in sp] for sp in splits], [str(x.message) for x in w]))
    assert res[0] == res[1]
    assert same_stream()
    for lib in (mag, torch):
        with pytest.raises(ValueError, match="Sum of input lengths"):
            lib.utils.data.random_split(list(range(5)), [2, 2])
        with pytest.raises(ValueError, match="Fraction at index 0"):
            lib.utils.data.random_split(list(range(5)), [1.5, -0.5])


class Mixed:
    """A map-style dataset (duck-typed) returning nested python/numpy/tensor structures."""

    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 9

    def __getitem__(self, i):
        lib = self.lib
        return {"t": lib.full((2, 2), float(i)), "i": i, "f": i / 3, "s": f"item{i}", "b": i % 2 == 0,
                "tup": (i, lib.tensor([i, -i])), "lst": [i * 1.5, lib.tensor(i)],
                "nt": Point(lib.tensor(float(i)), i), "np": np.arange(3, dtype=np.float32) * i,
                "npi": np.int32(i), "npf": np.float64(i) / 7}


@pytest.mark.parametrize("batch_size", [1, 4])
def test_default_collate_structures(batch_size):
    seed_both(3)
    out = [[plain(b) for b in lib.utils.data.DataLoader(Mixed(lib), batch_size=batch_size, shuffle=True)]
           for lib in (mag, torch)]
    assert out[0] == out[1]


def test_default_collate_and_convert_direct():
    for batch in ([1, 2, 3], [1.5, 2.5], [True, False], [(1, 2.0), (3, 4.0)], [["a", 1], ["b", 2]],
                  [np.float32(1), np.float32(2)], [np.array([1, 2]), np.array([3, 4])], ["x", "y"],
                  [{"a": 1}, {"a": 2}], [Point(1, 2.0), Point(3, 4.0)]):
        assert plain(mag.utils.data.default_collate(batch)) == plain(torch.utils.data.default_collate(batch))
    for item in ([1, (2, 3)], np.arange(3), {"a": np.float64(2.5)}, Point(np.arange(2), "s"), "str"):
        assert plain(mag.utils.data.default_convert(item)) == plain(torch.utils.data.default_convert(item))
    msgs = []
    for lib in (mag, torch):
        with pytest.raises(TypeError) as ei:
            lib.utils.data.default_collate([object(), object()])
        msgs.append(str(ei.value))
        with pytest.raises(RuntimeError, match="equal size"):
            lib.utils.data.default_collate([[1, 2], [3]])
    assert msgs[0] == msgs[1]


def test_batch_size_none_sampler_and_batch_sampler_args():
    seed_both(7)
    res = []
    for lib in (mag, torch):
        D = lib.utils.data
        ds = tensor_ds(lib, 10)
        a = [plain(b) for b in D.DataLoader(ds, batch_size=None)]
        b = [plain(b) for b in D.DataLoader(ds, batch_size=3, sampler=D.RandomSampler(ds))]
        c = [plain(b) for b in D.DataLoader(ds, batch_sampler=[[0, 1], [5, 2, 9], [3]])]
        d = [plain(b) for b in D.DataLoader(ds, batch_size=4, sampler=[9, 8, 7, 1, 0], drop_last=False)]
        e = [plain(b) for b in D.DataLoader(ds, batch_size=2, collate_fn=lambda batch: len(batch))]
        f = [plain(b) for b in D.DataLoader(D.Subset(ds, [4, 2, 8]), batch_size=2)]
        res.append((a, b, c, d, e, f, len(D.DataLoader(ds, batch_size=3)), len(D.DataLoader(ds, batch_size=None))))
    assert res[0] == res[1]
    assert same_stream()


def test_dataloader_errors():
    def err(fn):
        out = []
        for lib in (mag, torch):
            with pytest.raises(Exception) as ei:
                fn(lib)
            out.append((ei.type, str(ei.value)))
        assert out[0] == out[1]
    D = lambda lib: lib.utils.data  # noqa: E731
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), sampler=[0, 1], shuffle=True))
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), batch_sampler=[[0]], batch_size=2))
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), batch_size=None, drop_last=True))
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), num_workers=-1))
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), persistent_workers=True))
    err(lambda lib: D(lib).DataLoader(tensor_ds(lib), prefetch_factor=2))
    err(lambda lib: D(lib).BatchSampler(range(3), 0, False))
    err(lambda lib: D(lib).RandomSampler(range(3), replacement=1))
    err(lambda lib: D(lib).TensorDataset(lib.ones(3), lib.ones(4)))

    def set_attr(lib):
        D(lib).DataLoader(tensor_ds(lib)).batch_size = 3
    err(set_attr)


def test_num_workers_warns_and_loads_in_process():
    seed_both(11)
    with pytest.warns(UserWarning, match="num_workers=2 is ignored"):
        dl = mag.utils.data.DataLoader(tensor_ds(mag), batch_size=4, shuffle=True, num_workers=2)
    got = [b[1].tolist() for b in dl]
    want = [b[1].tolist() for b in torch.utils.data.DataLoader(tensor_ds(torch), batch_size=4, shuffle=True,
                                                             num_workers=0)]
    assert got == want


class Counting:
    """IterableDataset factory: yields n dict samples."""

    @staticmethod
    def make(lib, n):
        class DS(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter({"v": lib.tensor([float(i)]), "k": i} for i in range(n))

            def __len__(self):
                return n
        return DS()


@pytest.mark.parametrize("batch_size,drop_last", [(None, False), (1, False), (3, False), (3, True)])
def test_iterable_dataset(batch_size, drop_last):
    out = []
    for lib in (mag, torch):
        dl = lib.utils.data.DataLoader(Counting.make(lib, 10), batch_size=batch_size, drop_last=drop_last)
        out.append(([plain(b) for b in dl], len(dl)))
    assert out[0] == out[1]
    for lib in (mag, torch):
        with pytest.raises(ValueError, match="expected unspecified shuffle option"):
            lib.utils.data.DataLoader(Counting.make(lib, 3), shuffle=True)


def test_dataset_classes():
    for lib in (mag, torch):
        D = lib.utils.data
        a, b = tensor_ds(lib, 4), tensor_ds(lib, 3)
        cat = a + b
        assert isinstance(cat, D.ConcatDataset) and len(cat) == 7
        assert cat[5][1].item() == 1 and cat[-1][1].item() == 2
        st = D.StackDataset(a, a)
        assert len(st) == 4 and st[1][0][1].item() == 1
        ch = Counting.make(lib, 2) + Counting.make(lib, 3)
        assert isinstance(ch, D.ChainDataset) and [s["k"] for s in ch] == [0, 1, 0, 1, 2]
        sub = D.Subset(a, [3, 0])
        assert len(sub) == 2 and sub[0][1].item() == 3 and [x[1].item() for x in sub.__getitems__([1, 0])] == [0, 3]
        with pytest.raises(NotImplementedError):
            D.Dataset()[0]
