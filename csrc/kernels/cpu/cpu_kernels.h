// cpu_kernels.h: each CPU kernel family file fills its slots of the CPU KernelTable.
#pragma once
#include "kernels/kernels.h"

namespace mag {
void register_elementwise(KernelTable& t);
void register_reduce(KernelTable& t);
void register_linalg(KernelTable& t);
void register_index(KernelTable& t);
void register_rnn(KernelTable& t);
void register_optim(KernelTable& t);
// BLAS is dlopen'ed at first use from this path (set by the Python package at import).
void set_blas_path(const std::string& path);
// Row-major BLAS GEMM on contiguous float/double buffers (linalg.cpp): C = alpha op(A) op(B) + beta C
template <typename T>
void cpu_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc);
}  // namespace mag
