// cpu_kernels.h: each CPU kernel family file fills its slots of the CPU KernelTable.
#pragma once
#include "kernels/kernels.h"

namespace mag {
void register_elementwise(KernelTable& t);
void register_reduce(KernelTable& t);
void register_linalg(KernelTable& t);
void register_index(KernelTable& t);
// BLAS is dlopen'ed at first use from this path (set by the Python package at import).
void set_blas_path(const std::string& path);
}  // namespace mag
