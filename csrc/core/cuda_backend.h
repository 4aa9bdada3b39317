// cuda_backend.h: the one seam between the device-independent core (built by g++) and the
// CUDA code (csrc/kernels/cuda, built by nvcc only when a toolkit is found). The CUDA objects
// register a CudaBackend at load time; a build without them has none, and every CUDA request
// raises torch's error for a build without CUDA. Nothing here needs the CUDA headers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include "core/tensor.h"

namespace mag {

struct KernelTable;

enum class CopyKind : int { HostToDevice = 0, DeviceToHost = 1, DeviceToDevice = 2 };

struct CudaBackend {
  int (*device_count)();         // 0 when there is no driver or no device; never throws
  bool (*has_driver)();          // false: torch says "Found no NVIDIA driver on your system..."
  void (*set_device)(int index);
  int (*current_device)();
  void (*synchronize)(int index);
  std::string (*device_name)(int index);
  void* (*alloc)(size_t nbytes, int index);  // the caching allocator; OutOfMemory as torch words it
  void (*free)(void* p, int index);
  // n bytes between host and device (or device and device); blocking unless non_blocking
  void (*memcpy)(void* dst, const void* src, size_t n, CopyKind kind, bool non_blocking, int index);
  // allocated, max allocated, reserved (bytes) of one device
  void (*memory_stats)(int index, int64_t out[3]);
  void (*reset_peak)(int index);
  void (*empty_cache)();
  void (*add_cublas_path)(const std::string& path);  // tried before the system's libcublas
  const KernelTable* kernels;
};

// nullptr when this build has no CUDA code.
const CudaBackend* cuda_backend();
void register_cuda_backend(const CudaBackend* b);
// The backend, after torch's lazy-init checks: not compiled / no driver / no GPU / bad ordinal.
const CudaBackend& require_cuda(int index = -1);
// The device a "cuda" tensor lands on: an explicit index, else the current device.
Device resolve_cuda_device(Device d);

// True once any CUDA storage was allocated (then CPU kernels check their operands' devices).
bool cuda_memory_exists();
// Storage for a CUDA device (from the caching allocator).
Rc<Storage> cuda_storage(size_t nbytes, Device device);
// A copy of t on `device` (same dtype, contiguous); t itself when it is already there.
Tensor to_device(const Tensor& t, Device device, bool non_blocking = false);
// t's values readable by the CPU: t itself on the CPU, else a host copy. For the few host-side
// reads (item, tolist, printing, index validation) so no code dereferences device memory.
Tensor host_readable(const Tensor& t);

}  // namespace mag
