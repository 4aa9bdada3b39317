// cuda_backend.cpp: the registered CUDA backend (if any), torch's lazy-init errors, and CUDA
// storage. Built by g++ in every build; the CUDA objects fill the backend in when present.
#include "core/cuda_backend.h"
#include <atomic>

namespace mag {

static const CudaBackend* g_backend = nullptr;
static std::atomic<bool> g_cuda_memory{false};
bool cuda_memory_exists() { return g_cuda_memory.load(std::memory_order_relaxed); }

const CudaBackend* cuda_backend() { return g_backend; }
void register_cuda_backend(const CudaBackend* b) { g_backend = b; }

// torch's texts: torch/cuda/__init__.py (_lazy_init) and c10/cuda/CUDAFunctions.cpp
const CudaBackend& require_cuda(int index) {
  if (!g_backend) MAG_THROW(Runtime, "Torch not compiled with CUDA enabled");
  int n = g_backend->device_count();
  if (n == 0) {
    if (!g_backend->has_driver())
      MAG_THROW(Runtime, "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU "
                         "and installed a driver from http://www.nvidia.com/Download/index.aspx");
    MAG_THROW(Runtime, "No CUDA GPUs are available");
  }
  if (index >= n || index < -1)
    MAG_THROW(Runtime, "CUDA error: invalid device ordinal\nCUDA kernel errors might be asynchronously "
                       "reported at some other API call, so the stacktrace below might be incorrect.\n"
                       "For debugging consider passing CUDA_LAUNCH_BLOCKING=1\n"
                       "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.\n");
  return *g_backend;
}

Device resolve_cuda_device(Device d) {
  const CudaBackend& b = require_cuda(d.index);
  if (d.index < 0) d.index = (int8_t)b.current_device();
  return d;
}

namespace {
void cuda_free(void* ctx, void* p) {
  // ctx carries the device index (an integer, not a pointer)
  if (g_backend && p) g_backend->free(p, (int)(intptr_t)ctx);
}
}  // namespace

Rc<Storage> cuda_storage(size_t nbytes, Device device) {
  device = resolve_cuda_device(device);
  const CudaBackend& b = *g_backend;
  auto s = make_rc<Storage>();
  g_cuda_memory.store(true, std::memory_order_relaxed);
  s->data = b.alloc(nbytes, device.index);
  s->nbytes = nbytes;
  s->device = device;
  s->deleter = cuda_free;
  s->ctx = (void*)(intptr_t)device.index;
  return s;
}

}  // namespace mag
