// vec_math.cpp: the contiguous float32 loops of vec_math.h. Each is cloned for AVX-512, AVX2 and the
// baseline ISA (GCC target_clones, resolved once at load); both clones do the same IEEE
// operations (no FMA), so results do not depend on the CPU.
#pragma GCC optimize("O3", "no-trapping-math")
#include "kernels/cpu/vec_math.h"

namespace mag {
namespace vm {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MAG_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MAG_CLONES
#endif

MAG_CLONES void vexp_f32(float* __restrict out, const float* __restrict in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = expf_(in[i]);
}
MAG_CLONES void vlog_f32(float* __restrict out, const float* __restrict in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = logf_(in[i]);
}
MAG_CLONES void vtanh_f32(float* __restrict out, const float* __restrict in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = tanhf_(in[i]);
}
MAG_CLONES void vsigmoid_f32(float* __restrict out, const float* __restrict in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = sigmoidf_(in[i]);
}

}  // namespace vm
}  // namespace mag
