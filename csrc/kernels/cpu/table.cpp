// table.cpp: builds the CPU kernel table and the one device dispatch point.
#include "kernels/cpu/cpu_kernels.h"

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
  if (d.type == DeviceType::CPU) return cpu_kernels;
  MAG_THROW(Runtime, "Torch not compiled with CUDA enabled");
}

}  // namespace mag
