"""test_cuda: the device surface. What a CPU-only machine can check runs for real here (device
objects, is_available telling the truth, torch's errors for .cuda() / device='cuda' without a
GPU, set_default_device('cpu')); the GPU behaviour (moves, printing, save, autograd, modules,
memory statistics, seeding, mixed-device errors, cuBLAS) skips loudly without a GPU
(tests/_cuda_util.py; REQUIRE_CUDA=1 makes it fail). The per-op CUDA-vs-CPU checks are
test_ops.py::test_cuda_matches_cpu."""
import io

import numpy as np
import pytest
import torch

import myautograd as mag
from _cuda_util import require_cuda

NO_DRIVER = ("Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a "
             "driver from http://www.nvidia.com/Download/index.aspx")


@pytest.mark.parametrize("spec", ["cpu", "cuda", "cuda:1", ("cuda", 0), ("cpu", None), 0])
def test_device_objects_match_torch(spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    try:
        t = torch.device(*args)
    except RuntimeError as et:  # device(0) with no accelerator
        with pytest.raises(RuntimeError) as em:
            mag.device(*args)
        assert str(em.value) == str(et)
        return
    m = mag.device(*args)
    assert (str(m), repr(m), m.type, m.index) == (str(t), repr(t), t.type, t.index)
    assert m == mag.device(str(t)) and hash(m) == hash(mag.device(str(t)))


def test_bad_device_strings_match_torch():
    for bad in ["gpu", "cuda:-1"]:
        with pytest.raises(RuntimeError) as et:
            torch.device(bad)
        with pytest.raises(RuntimeError) as em:
            mag.device(bad)
        assert type(em.value) is type(et.value)


def test_is_available_tells_the_truth():
    built = mag._C._cuda_is_built()
    n = mag.cuda.device_count()
    assert mag.cuda.is_available() == (n > 0)
    if not built:
        assert n == 0


def _gpu_request_error():
    """The exception type and text every GPU request must raise on this machine."""
    if not mag._C._cuda_is_built():
        return AssertionError, "Torch not compiled with CUDA enabled"  # torch's CPU-only build
    return RuntimeError, NO_DRIVER  # torch built with CUDA, no driver (this machine kind)


@pytest.mark.parametrize("request_", [
    lambda: mag.ones(2).cuda(), lambda: mag.ones(2).to("cuda"), lambda: mag.ones(2).to("cuda:0"),
    lambda: mag.zeros(3, device="cuda"), lambda: mag.tensor([1.0], device="cuda"), lambda: mag.randn(2, device="cuda"),
    lambda: mag.arange(3, device="cuda"), lambda: mag.cuda.current_device(), lambda: mag.cuda.synchronize(),
    lambda: mag.cuda.memory_allocated(), lambda: mag.nn.Linear(2, 2).cuda()])
def test_gpu_requests_without_a_gpu_raise_torchs_error(request_):
    if mag.cuda.is_available():
        pytest.skip("a GPU is present: covered by the GPU tests")
    typ, msg = _gpu_request_error()
    with pytest.raises(typ) as e:
        request_()
    assert str(e.value) == msg


def test_cpu_moves_and_default_device_cpu():
    x = mag.arange(6.0).reshape(2, 3)
    assert x.cpu() is x and x.to("cpu") is x and x.to(mag.device("cpu")) is x
    assert x.device == mag.device("cpu") and x.is_cpu and not x.is_cuda and x.get_device() == -1
    assert str(mag.get_default_device()) == str(torch.get_default_device())
    mag.set_default_device("cpu")
    try:
        y = mag.zeros(2)
        assert y.device.type == "cpu" and repr(y) == repr(torch.zeros(2))
        assert mag.get_default_device() == mag.device("cpu")
    finally:
        mag.set_default_device(None)
    mag.cuda.manual_seed_all(0)  # no devices: nothing to seed, no error (as torch)
    mag.cuda.empty_cache()


# --- on a GPU ------------------------------------------------------------------------------

def test_moves_roundtrip_and_non_blocking():
    require_cuda()
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = mag.from_numpy(a)
    for dt in (mag.float32, mag.float64, mag.int64, mag.bool, mag.float16):
        g = x.to(dt).to("cuda", non_blocking=True)
        assert g.device == mag.device("cuda", 0) and g.is_cuda and g.get_device() == 0 and g.dtype == dt
        assert np.array_equal(g.cpu().numpy(), x.to(dt).numpy())
    t = x.cuda().transpose(0, 2)  # a strided view goes over as its values
    assert np.array_equal(t.cpu().numpy(), a.transpose(2, 1, 0))
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.cuda().numpy()


def test_printing_and_save_location():
    require_cuda()
    x = mag.tensor([1.5, -2.0])
    assert repr(x.cuda()) == "tensor([ 1.5000, -2.0000], device='cuda:0')"
    assert repr(x.cuda().requires_grad_()) == "tensor([ 1.5000, -2.0000], device='cuda:0', requires_grad=True)"
    buf = io.BytesIO()
    mag.save({"w": x.cuda()}, buf)
    assert b"cuda:0" in buf.getvalue()
    back = mag.load(io.BytesIO(buf.getvalue()), map_location="cpu")
    assert np.array_equal(back["w"].numpy(), x.numpy())


def test_autograd_across_devices():
    require_cuda()
    x = mag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.cuda()
    assert type(y.grad_fn).__name__ == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.device.type == "cpu" and np.allclose(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_mixed_devices_error_and_cpu_scalars():
    require_cuda()
    a, b = mag.ones(2).cuda(), mag.ones(2)
    with pytest.raises(RuntimeError) as e:
        a + b
    assert str(e.value) == "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
    assert (a + mag.tensor(2.0)).device.type == "cuda"  # a 0-d CPU tensor is a scalar: allowed
    assert np.array_equal((a * 3).cpu().numpy(), [3.0, 3.0])


def test_module_and_optimizer_on_cuda():
    require_cuda()
    mag.manual_seed(0)
    m = mag.nn.Linear(3, 2)
    ref = mag.nn.Linear(3, 2)
    ref.load_state_dict(m.state_dict())
    m.cuda()
    assert all(p.device.type == "cuda" for p in m.parameters())
    x = mag.randn(4, 3)
    for model, inp in ((m, x.cuda()), (ref, x)):
        opt = mag.optim.Adam(model.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            model(inp).pow(2).mean().backward()
            opt.step()
    for p, q in zip(m.parameters(), ref.parameters()):
        assert np.allclose(p.detach().cpu().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_memory_statistics_and_cache():
    require_cuda()
    mag.cuda.synchronize()
    before = mag.cuda.memory_allocated()
    x = mag.empty(1 << 20, device="cuda")
    assert mag.cuda.memory_allocated() >= before + 4 * (1 << 20)
    assert mag.cuda.max_memory_allocated() >= mag.cuda.memory_allocated()
    assert mag.cuda.memory_reserved() >= mag.cuda.memory_allocated()
    del x
    assert mag.cuda.memory_allocated() == before
    mag.cuda.empty_cache()
    assert mag.cuda.memory_reserved() >= mag.cuda.memory_allocated()
    assert isinstance(mag.cuda.get_device_name(0), str) and mag.cuda.device_count() >= 1


def test_random_reproducible_under_manual_seed():
    require_cuda()
    mag.manual_seed(123)
    a = mag.randn(1000, device="cuda")
    b = mag.rand(7, device="cuda")
    mag.manual_seed(123)
    assert np.array_equal(a.cpu().numpy(), mag.randn(1000, device="cuda").cpu().numpy())
    assert np.array_equal(b.cpu().numpy(), mag.rand(7, device="cuda").cpu().numpy())
    mag.cuda.manual_seed(5)
    c = mag.randperm(10, device="cuda")
    assert sorted(c.cpu().tolist()) == list(range(10))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_matmul_matches_cpu(dtype):
    require_cuda()
    rng = np.random.default_rng(0)
    a = mag.from_numpy(rng.standard_normal((3, 17, 33))).to(getattr(mag, dtype))
    b = mag.from_numpy(rng.standard_normal((33, 9))).to(getattr(mag, dtype))
    for x, y in ((a, b), (a.transpose(1, 2).contiguous().transpose(1, 2), b.t().contiguous().t())):
        got = (x.cuda() @ y.cuda()).cpu().numpy()
        assert np.allclose(got, (x @ y).numpy(), rtol=1e-5, atol=1e-4)
