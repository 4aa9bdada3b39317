// device_check.h: kernel tables that first check every operand is on the output's device
// (torch's "Expected all tensors to be on the same device..." error), so no kernel ever
// dereferences another device's memory. kernels_for() hands them out once CUDA memory exists.
#pragma once
#include "kernels/kernels.h"

namespace mag {
// `base` wrapped with device checks (built once per base table).
const KernelTable& checked_cpu_kernels();
const KernelTable& checked_kernels(const KernelTable* base);
}  // namespace mag
