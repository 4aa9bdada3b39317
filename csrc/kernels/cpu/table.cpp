// table.cpp: builds the CPU kernel table and the one device dispatch point.
#include "core/cuda_backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/device_check.h"

namespace mag {

static KernelTable make_cpu_table() {
  KernelTable t{};
  register_elementwise(t);
  register_reduce(t);
  register_linalg(t);
  register_index(t);
  register_rnn(t);
  register_optim(t);
  return t;
}

const KernelTable cpu_kernels = make_cpu_table();

const KernelTable& kernels_for(Device d) {
  // once CUDA memory exists, CPU kernels also check no operand lives on a GPU
  if (d.type == DeviceType::CPU) return cuda_memory_exists() ? checked_cpu_kernels() : cpu_kernels;
  return checked_kernels(require_cuda(d.index).kernels);  // torch's "not compiled" error without CUDA
}

}  // namespace mag
