"""Checkpoints (torch.save / torch.load) against real torch 2.13, in both directions in each test:
myautograd.save -> torch.load(weights_only=True) and torch.save -> myautograd.load must give equal
values, dtypes, shapes, strides, offsets, storage sharing, Parameters and requires_grad. torch
always provides the expectation; hostile files live in test_serialization_hostile.py."""
import io
import pickle
import struct
import zipfile

import pytest
import torch

pytest.importorskip("myautograd._C")
import myautograd as mag  # noqa: E402
from myautograd import _C  # noqa: E402

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def sample_values(name, n=12):
    if name == "bool":
        return [i % 3 == 0 for i in range(n)]
    if name in ("float32", "float64", "float16", "bfloat16"):
        return [((i * 7919) % 97 - 48) / 8.0 for i in range(n)]
    if name == "uint8":
        return [(i * 37) % 256 for i in range(n)]
    if name == "int8":
        return [(i * 37) % 256 - 128 for i in range(n)]
    big = {"int64": 2**40 + 3, "int32": 2**31 - 1, "int16": -(2**15)}[name]
    return [big if i == 0 else (i * 7919) % 1000 - 500 for i in range(n)]


def both(name, values):
    return mag.tensor(values, dtype=getattr(mag, name)), torch.tensor(values, dtype=getattr(torch, name))


def assert_same_tensor(m, t):
    """m (myautograd) and t (torch) agree on everything a checkpoint carries."""
    assert str(m.dtype) == str(t.dtype)
    assert tuple(m.shape) == tuple(t.shape)
    assert tuple(m.stride()) == tuple(t.stride())
    assert m.storage_offset() == t.storage_offset()
    assert m.requires_grad == t.requires_grad
    assert (type(m).__name__ == "Parameter") == isinstance(t, torch.nn.Parameter)
    assert m.detach().tolist() == t.detach().tolist()


def assert_same_tree(m, t):
    if isinstance(t, torch.Tensor):
        assert_same_tensor(m, t)
    elif isinstance(t, dict):
        assert type(m).__name__ == type(t).__name__ and list(m) == list(t)
        for k in t:
            assert_same_tree(m[k], t[k])
        if hasattr(t, "_metadata") or hasattr(m, "_metadata"):
            assert m._metadata == t._metadata
    elif isinstance(t, (list, tuple)):
        assert type(m).__name__ == type(t).__name__ and len(m) == len(t)
        for a, b in zip(m, t):
            assert_same_tree(a, b)
    elif isinstance(t, torch.dtype):
        assert str(m) == str(t)
    elif isinstance(t, torch.device):
        assert str(m) == str(t) and type(m).__name__ == "device"
    else:
        assert m == t and type(m) is type(t)


def torch_shares(a, b):
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


# --- every dtype, both directions

@pytest.mark.parametrize("name", DTYPES)
def test_every_dtype_both_directions(tmp_path, name):
    m, t = both(name, sample_values(name))
    m2, t2 = m.reshape(3, 4), t.reshape(3, 4)
    mag.save({"flat": m, "grid": m2, "scalar": m[5]}, tmp_path / "m.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert_same_tree({"flat": t, "grid": t2, "scalar": t[5]}, got)
    assert torch_shares(got["flat"], got["grid"]) and torch_shares(got["flat"], got["scalar"])
    torch.save({"flat": t, "grid": t2, "scalar": t[5]}, tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt")
    assert_same_tree(back, {"flat": t, "grid": t2, "scalar": t[5]})
    assert _C._same_storage(back["flat"], back["grid"]) and _C._same_storage(back["flat"], back["scalar"])


def test_views_share_one_storage_with_offsets_and_strides(tmp_path):
    mb, tb = both("float32", [float(i) for i in range(10)])
    mviews = {"base": mb, "slice": mb[2:5], "t": mb.view(2, 5).t(), "step": mb[1::3], "row": mb.view(2, 5)[1]}
    tviews = {"base": tb, "slice": tb[2:5], "t": tb.view(2, 5).t(), "step": tb[1::3], "row": tb.view(2, 5)[1]}
    mag.save(mviews, tmp_path / "m.pt")
    torch.save(tviews, tmp_path / "t.pt")
    for f in ("m.pt", "t.pt"):  # one storage record in either file
        names = zipfile.ZipFile(tmp_path / f).namelist()
        assert [n for n in names if "/data/" in n] == [f[0] + "/data/0"]
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert_same_tree(tviews, got)
    assert all(torch_shares(got["base"], v) for v in got.values())
    got["base"][3] = 100.0  # really one storage after loading
    assert got["slice"][1].item() == 100.0
    back = mag.load(tmp_path / "t.pt")
    assert_same_tree(back, tviews)
    assert all(_C._same_storage(back["base"], v) for v in back.values())
    back["base"][3] = 100.0
    assert back["slice"][1].item() == 100.0


def test_partial_view_saves_the_whole_storage(tmp_path):
    mb, tb = both("int64", list(range(20)))
    mag.save(mb[5:7], tmp_path / "m.pt")
    torch.save(tb[5:7], tmp_path / "t.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert_same_tensor(mb[5:7], got)
    assert got.untyped_storage().nbytes() == tb.untyped_storage().nbytes()
    assert_same_tensor(mag.load(tmp_path / "t.pt"), tb[5:7])


def test_file_layout_matches_torch_byte_for_byte(tmp_path):
    """Same records, order, offsets, alignment and data.pkl bytes; only the first half of the
    serialization id (torch hashes record names with std::hash) may differ."""
    mb, tb = both("float32", [float(i) for i in range(10)])
    mobj = {"w": mb.view(2, 5), "v": mb[3:], "e": mag.empty(0), "i": mag.tensor([1, 2]), "p": mag.nn.Parameter(mag.ones(3)),
            "s": mag.Size([2, 3]), "d": mag.device("cpu"), "dt": mag.float16, "x": [1, 2.5, "a", None, True, (1,)]}
    tobj = {"w": tb.view(2, 5), "v": tb[3:], "e": torch.empty(0), "i": torch.tensor([1, 2]), "p": torch.nn.Parameter(torch.ones(3)),
            "s": torch.Size([2, 3]), "d": torch.device("cpu"), "dt": torch.float16, "x": [1, 2.5, "a", None, True, (1,)]}
    for target in ("ckpt.pt", io.BytesIO):
        if target is io.BytesIO:
            mbuf, tbuf = io.BytesIO(), io.BytesIO()
            mag.save(mobj, mbuf)
            torch.save(tobj, tbuf)
            a, b = mbuf.getvalue(), tbuf.getvalue()
        else:
            mag.save(mobj, tmp_path / target)
            a = (tmp_path / target).read_bytes()
            torch.save(tobj, tmp_path / target)
            b = (tmp_path / target).read_bytes()
        za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
        assert za.namelist() == zb.namelist()
        assert [i.header_offset for i in za.infolist()] == [i.header_offset for i in zb.infolist()]
        sid = [n for n in za.namelist() if n.endswith(".data/serialization_id")][0]
        cut = a.index(sid.encode())
        assert len(a) == len(b) and a[:cut] == b[:cut]
        assert za.read(sid)[20:] == zb.read(sid)[20:]  # the combined-CRC half is torch's exactly


def test_parameters_and_requires_grad_both_directions(tmp_path):
    mp = mag.nn.Parameter(mag.tensor([[1.0, 2.0], [3.0, 4.0]]))
    mfrozen = mag.nn.Parameter(mag.tensor([5.0]), requires_grad=False)
    mleaf = mag.tensor([1.5, 2.5], requires_grad=True)
    tp = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tfrozen = torch.nn.Parameter(torch.tensor([5.0]), requires_grad=False)
    tleaf = torch.tensor([1.5, 2.5], requires_grad=True)
    mag.save([mp, mfrozen, mleaf, mp], tmp_path / "m.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert_same_tree([tp, tfrozen, tleaf, tp], got)
    assert got[0] is got[3]
    torch.save([tp, tfrozen, tleaf, tp], tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt")
    assert_same_tree(back, [tp, tfrozen, tleaf, tp])
    assert back[0] is back[3] and back[0].is_leaf
    (back[0] * 2).sum().backward()
    assert back[0].grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_nested_containers_and_python_values(tmp_path):
    def build(lib):
        t = lib.tensor([1.0, 2.0])
        return {"ints": [0, 1, -5, 255, 65535, 2**31 - 1, -(2**31), 2**40, -(2**70)], "floats": (0.5, -1e300, float("inf")),
                "str": "héllo", "none": None, "bools": [True, False], "nested": {"a": [t, (t, {"b": t})]},
                "size": lib.Size([3, 4]), "dev": lib.device("cpu"), "dtype": lib.int16, "set": {1, 2}, "bytes": b"\x00\xff",
                "complex": 1 + 2j, "empty": ([], (), {}), 7: "int key", ("tuple", "key"): 1}
    mobj, tobj = build(mag), build(torch)
    mag.save(mobj, tmp_path / "m.pt")
    assert_same_tree(tobj, torch.load(tmp_path / "m.pt", weights_only=True))
    torch.save(tobj, tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt")
    assert_same_tree(back, tobj)
    assert _C._same_storage(back["nested"]["a"][0], back["nested"]["a"][1][1]["b"])
    assert back["nested"]["a"][0] is back["nested"]["a"][1][0]


def test_plain_ordered_dict_and_metadata(tmp_path):
    from collections import OrderedDict
    mo = OrderedDict([("b", mag.tensor([1])), ("a", mag.tensor([2]))])
    mo._metadata = OrderedDict([("", {"version": 1}), ("sub", {"version": 2})])
    mag.save(mo, tmp_path / "m.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=True)
    assert list(got) == ["b", "a"] and got._metadata == mo._metadata
    torch.save(got, tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt")
    assert type(back) is OrderedDict and list(back) == ["b", "a"] and back._metadata == mo._metadata


# --- modules and optimizers

def test_linear_state_dict_round_trip(tmp_path):
    mag.manual_seed(3)
    mlin = mag.nn.Linear(4, 3)
    mag.save(mlin.state_dict(), tmp_path / "m.pt")
    tlin = torch.nn.Linear(4, 3)
    tsd = torch.load(tmp_path / "m.pt", weights_only=True)
    assert tsd._metadata == torch.nn.Linear(4, 3).state_dict()._metadata
    tlin.load_state_dict(tsd)
    assert_same_tree(mlin.state_dict(), tlin.state_dict())  # bit-exact weights
    x = [[0.5, -1.0, 2.0, 0.25]]
    assert torch.allclose(tlin(torch.tensor(x)), torch.tensor(mlin(mag.tensor(x)).tolist()), rtol=1.3e-6, atol=1e-5)
    # and back: torch's module state into a fresh myautograd Linear
    with torch.no_grad():
        tlin.weight.mul_(-2.0)
    torch.save(tlin.state_dict(), tmp_path / "t.pt")
    msd = mag.load(tmp_path / "t.pt")
    assert_same_tree(msd, tlin.state_dict())
    fresh = mag.nn.Linear(4, 3)
    fresh.load_state_dict(msd)
    assert_same_tree(fresh.state_dict(), tlin.state_dict())


def test_lstm_state_dict_round_trip(tmp_path):
    mag.manual_seed(5)
    mlstm = mag.nn.LSTM(3, 4, num_layers=2)
    mag.save(mlstm.state_dict(), tmp_path / "m.pt")
    tlstm = torch.nn.LSTM(3, 4, num_layers=2)
    tsd = torch.load(tmp_path / "m.pt", weights_only=True)
    assert list(tsd) == list(tlstm.state_dict())
    tlstm.load_state_dict(tsd)
    assert_same_tree(mlstm.state_dict(), tlstm.state_dict())
    torch.manual_seed(11)
    t2 = torch.nn.LSTM(3, 4, num_layers=2)
    torch.save(t2.state_dict(), tmp_path / "t.pt")
    m2 = mag.nn.LSTM(3, 4, num_layers=2)
    m2.load_state_dict(mag.load(tmp_path / "t.pt"))
    assert_same_tree(m2.state_dict(), t2.state_dict())


def _train(lib, model, opt, steps):
    x = lib.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    for _ in range(steps):
        opt.zero_grad()
        (model(x) ** 2).sum().backward()
        opt.step()


def test_adam_state_dict_round_trip(tmp_path):
    mag.manual_seed(0)
    mlin = mag.nn.Linear(3, 2)
    mopt = mag.optim.Adam(mlin.parameters(), lr=0.05)
    _train(mag, mlin, mopt, 3)
    mag.save({"model": mlin.state_dict(), "optim": mopt.state_dict(), "epoch": 3}, tmp_path / "m.pt")
    ck = torch.load(tmp_path / "m.pt", weights_only=True)
    assert_same_tree(mopt.state_dict(), ck["optim"])
    tlin = torch.nn.Linear(3, 2)
    tlin.load_state_dict(ck["model"])
    topt = torch.optim.Adam(tlin.parameters(), lr=0.05, foreach=False)
    topt.load_state_dict(ck["optim"])
    # resuming from the checkpoint continues the same trajectory in both libraries
    _train(mag, mlin, mopt, 2)
    _train(torch, tlin, topt, 2)
    for a, b in zip(mlin.parameters(), tlin.parameters()):
        assert torch.allclose(torch.tensor(a.tolist()), b.detach(), rtol=1.3e-6, atol=1e-5)
    # torch's optimizer checkpoint into ours
    torch.save({"model": tlin.state_dict(), "optim": topt.state_dict()}, tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt")
    assert_same_tree(back["optim"], topt.state_dict())
    m2 = mag.nn.Linear(3, 2)
    m2.load_state_dict(back["model"])
    o2 = mag.optim.Adam(m2.parameters(), lr=0.05)
    o2.load_state_dict(back["optim"])
    _train(mag, m2, o2, 1)
    _train(torch, tlin, topt, 1)
    for a, b in zip(m2.parameters(), tlin.parameters()):
        assert torch.allclose(torch.tensor(a.tolist()), b.detach(), rtol=1.3e-6, atol=1e-5)


# --- files, buffers, names

def test_paths_pathlike_and_file_objects(tmp_path):
    m, t = both("float64", [1.0, 2.0, 3.0])
    targets = [str(tmp_path / "a.pt"), tmp_path / "b.ckpt", tmp_path / "noext"]
    for target in targets:
        mag.save(m, target)
        prefix_m = zipfile.ZipFile(target).namelist()[0].split("/")[0]
        assert_same_tensor(mag.load(target), torch.load(target, weights_only=True))
        torch.save(t, target)
        assert zipfile.ZipFile(target).namelist()[0].split("/")[0] == prefix_m
        assert_same_tensor(mag.load(target), t)
    with open(tmp_path / "f.pt", "wb") as fh:
        mag.save(m, fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert_same_tensor(mag.load(fh), t)
    with open(tmp_path / "f.pt", "rb") as fh:
        assert_same_tensor(m, torch.load(fh, weights_only=True))
    buf = io.BytesIO(b"prefix")  # load starts at the current position, like torch
    buf.seek(6)
    mag.save(m, buf)
    buf.seek(6)
    assert_same_tensor(mag.load(buf), t)
    buf.seek(6)
    assert_same_tensor(m, torch.load(buf, weights_only=True))


def test_save_argument_errors_match_torch(tmp_path):
    for bad in (123, object()):
        with pytest.raises(AttributeError) as te:
            torch.save(torch.ones(1), bad)
        with pytest.raises(AttributeError) as me:
            mag.save(mag.ones(1), bad)
        assert str(me.value) == str(te.value)
    with pytest.raises(RuntimeError) as te:
        torch.save(torch.ones(1), tmp_path / "missing_dir" / "x.pt")
    with pytest.raises(RuntimeError) as me:
        mag.save(mag.ones(1), tmp_path / "missing_dir" / "x.pt")
    assert f"Parent directory {tmp_path / 'missing_dir'} does not exist." in str(te.value)
    assert str(me.value) == f"Parent directory {tmp_path / 'missing_dir'} does not exist."


# --- map_location, mmap, weights_only=False

def _rewrite(path, out, edit):
    """Copies a zip checkpoint with `edit(name, bytes) -> bytes | None` applied (None drops it)."""
    zin = zipfile.ZipFile(path)
    with zipfile.ZipFile(out, "w") as zout:
        for n in zin.namelist():
            d = edit(n, zin.read(n))
            if d is not None:
                zout.writestr(n, d)
    return out


def _cuda_file(tmp_path):
    torch.save({"a": torch.tensor([1.0, 2.0]), "b": torch.tensor([3, 4])}, tmp_path / "cpu.pt")
    loc = b"X\x03\x00\x00\x00cpu"
    cuda = b"X\x06\x00\x00\x00cuda:0"
    return _rewrite(tmp_path / "cpu.pt", tmp_path / "cuda.pt",
                    lambda n, d: d.replace(loc, cuda) if n.endswith("data.pkl") else d)


def test_map_location_forms(tmp_path):
    m, t = both("float32", [1.0, -2.0])
    mag.save({"x": m, "y": m[1:]}, tmp_path / "m.pt")
    torch.save({"x": t, "y": t[1:]}, tmp_path / "t.pt")
    for mloc, tloc in [(None, None), ("cpu", "cpu"), (mag.device("cpu"), torch.device("cpu")),
                       ({"cpu": "cpu"}, {"cpu": "cpu"}), (lambda s, loc: s, lambda s, loc: s),
                       (lambda s, loc: None, lambda s, loc: None)]:
        assert_same_tree(mag.load(tmp_path / "t.pt", map_location=mloc), {"x": t, "y": t[1:]})
        assert_same_tree({"x": m, "y": m[1:]}, torch.load(tmp_path / "m.pt", map_location=tloc, weights_only=True))
    seen_m, seen_t = [], []
    mag.load(tmp_path / "t.pt", map_location=lambda s, loc: seen_m.append(loc))
    torch.load(tmp_path / "m.pt", map_location=lambda s, loc: seen_t.append(loc))
    assert seen_m == seen_t == ["cpu"]  # called once per storage


def test_cuda_locations(tmp_path):
    path = _cuda_file(tmp_path)
    expect = torch.load(path, map_location="cpu")
    for loc in ("cpu", {"cuda:0": "cpu"}, torch.device("cpu")):
        mloc = mag.device("cpu") if isinstance(loc, torch.device) else loc
        assert_same_tree(mag.load(path, map_location=mloc), expect)
    seen = []
    mag.load(path, map_location=lambda s, loc: seen.append(loc) or s)
    assert seen == ["cuda:0", "cuda:0"]
    if torch.cuda.is_available():
        pytest.skip("torch has CUDA here; the CPU-only error texts cannot be compared")
    for mloc, tloc in [(None, None), ("cuda", "cuda"), ({"cuda:0": "cuda:1"}, {"cuda:0": "cuda:1"})]:
        with pytest.raises(RuntimeError) as te:
            torch.load(path, map_location=tloc)
        with pytest.raises(RuntimeError) as me:
            mag.load(path, map_location=mloc)
        assert str(me.value) == str(te.value)
    m, t = both("float32", [1.0])
    mag.save(m, tmp_path / "m.pt")
    for loc in ("cuda", "cuda:1", "xpu:0", "hpu", "foo"):
        with pytest.raises(RuntimeError) as te:
            torch.load(tmp_path / "m.pt", map_location=loc)
        with pytest.raises(RuntimeError) as me:
            mag.load(tmp_path / "m.pt", map_location=loc)
        assert str(me.value) == str(te.value)


def test_mmap(tmp_path):
    m, t = both("int32", list(range(100)))
    torch.save({"a": t, "b": t[10:20], "c": torch.tensor([1.5, 2.5], dtype=torch.float64)}, tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt", mmap=True)
    assert_same_tree(back, torch.load(tmp_path / "t.pt", mmap=True))
    back["a"][0] = 7  # private mapping: writable, file untouched
    assert torch.load(tmp_path / "t.pt")["a"][0].item() == 0
    with open(tmp_path / "t.pt", "rb") as fh:
        with pytest.raises(ValueError) as te:
            torch.load(fh, mmap=True)
        fh.seek(0)
        with pytest.raises(ValueError) as me:
            mag.load(fh, mmap=True)
    assert str(me.value) == str(te.value)


class Custom:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return type(other) is Custom and self.v == other.v


def test_weights_only_false_loads_arbitrary_objects(tmp_path):
    t = torch.tensor([1.0, 2.0])
    torch.save({"obj": Custom(3), "t": t, "dt": torch.float64, "sz": torch.Size([1])}, tmp_path / "t.pt")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "t.pt")
    with pytest.raises(pickle.UnpicklingError):
        mag.load(tmp_path / "t.pt")
    back = mag.load(tmp_path / "t.pt", weights_only=False)
    assert back["obj"] == Custom(3) and str(back["dt"]) == "torch.float64" and back["sz"] == mag.Size([1])
    assert_same_tensor(back["t"], t)
    mag.save({"obj": Custom(4), "t": mag.tensor([1.0, 2.0])}, tmp_path / "m.pt")
    got = torch.load(tmp_path / "m.pt", weights_only=False)
    assert got["obj"] == Custom(4)
    assert_same_tensor(mag.load(tmp_path / "m.pt", weights_only=False)["t"], got["t"])


def test_big_endian_checkpoint(tmp_path):
    """A file marked 'big' with byte-swapped payloads: torch swaps them back; so must we."""
    vals = {"f": torch.tensor([1.5, -2.0, 3.25]), "d": torch.tensor([1e100, -3.0], dtype=torch.float64),
            "h": torch.tensor([0.5, 2.0], dtype=torch.float16), "i": torch.tensor([1, -2**40]), "u": torch.tensor([1, 2], dtype=torch.uint8)}
    torch.save(vals, tmp_path / "le.pt")
    sizes = {}
    for key, t in zip(range(len(vals)), vals.values()):
        sizes[f"le/data/{key}"] = t.element_size()

    def swap(n, d):
        if n.endswith("byteorder"):
            return b"big"
        k = sizes.get(n)
        if k and k > 1:
            return b"".join(d[i:i + k][::-1] for i in range(0, len(d), k))
        return d
    _rewrite(tmp_path / "le.pt", tmp_path / "be.pt", swap)
    expect = torch.load(tmp_path / "be.pt")
    assert_same_tree(expect, vals)
    assert_same_tree(mag.load(tmp_path / "be.pt"), expect)


def test_allowed_globals_are_torchs():
    from myautograd._weights_only_unpickler import allowed_globals
    assert set(allowed_globals()) == set(torch._weights_only_unpickler._get_allowed_globals())


def test_plain_pickle_of_tensors():
    m = mag.tensor([[1.0, 2.0], [3.0, 4.0]]).t()
    r = pickle.loads(pickle.dumps(m))
    assert r.tolist() == m.tolist() and str(r.dtype) == str(m.dtype)
    p = mag.nn.Parameter(mag.tensor([1.0]))
    rp = pickle.loads(pickle.dumps(p))
    assert type(rp).__name__ == "Parameter" and rp.requires_grad and rp.tolist() == [1.0]


def test_legacy_format_is_refused_clearly(tmp_path):
    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    assert torch.load(tmp_path / "legacy.pt").tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="legacy"):
        mag.load(tmp_path / "legacy.pt")
    with pytest.raises(RuntimeError, match="legacy"):
        mag.save(mag.ones(2), tmp_path / "x.pt", _use_new_zipfile_serialization=False)


def test_large_offsets_are_consistent_struct():
    # the writer's zip64 end records are always present, as torch's
    buf = io.BytesIO()
    mag.save(mag.ones(3), buf)
    data = buf.getvalue()
    assert data.rfind(b"PK\x06\x06") > 0 and data.rfind(b"PK\x06\x07") > 0
    eocd = data.rfind(b"PK\x05\x06")
    n = struct.unpack("<H", data[eocd + 10:eocd + 12])[0]
    assert n == len(zipfile.ZipFile(io.BytesIO(data)).namelist())
