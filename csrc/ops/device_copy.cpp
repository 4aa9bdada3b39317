// device_copy.cpp: moving tensors between the CPU and CUDA devices. Data crosses devices only
// as contiguous bytes of the same dtype (casts and strides are handled on one side by the
// copy kernel), so the backend needs nothing but a memcpy.
#include "core/cuda_backend.h"
#include "ops/native.h"

namespace mag {

static CopyKind copy_kind(Device from, Device to) {
  if (from.is_cpu()) return CopyKind::HostToDevice;
  return to.is_cpu() ? CopyKind::DeviceToHost : CopyKind::DeviceToDevice;
}

Tensor to_device(const Tensor& t, Device device, bool non_blocking) {
  if (!device.is_cpu()) device = resolve_cuda_device(device);
  if (t.device() == device) return t;
  if (t.device().is_cpu() && device.is_cpu()) return t;
  Tensor src = native::contiguous(t);  // on the source device
  Tensor out = empty(t.sizes(), t.dtype(), device);
  size_t n = (size_t)t.numel() * itemsize(t.dtype());
  if (n) {
    int index = device.is_cpu() ? src.device().index : device.index;
    // non_blocking is safe here: the host side is pageable memory, for which CUDA stages
    // host-to-device copies before returning and completes device-to-host ones
    require_cuda(index).memcpy(out.data(), src.data(), n, copy_kind(src.device(), device), non_blocking, index);
  }
  return out;
}

Tensor host_readable(const Tensor& t) {
  if (t.device().is_cpu()) return t;
  return to_device(t, Device());
}

}  // namespace mag
