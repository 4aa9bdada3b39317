// random_check.cpp: extern "C" wrappers around csrc/kernels/cpu/random.{h,cpp} so that
// check_random.py can drive the generator through ctypes and compare with torch byte for byte.
// random.cpp is included (one translation unit) so internal pieces can be checked directly.
#include "kernels/cpu/random.cpp"

#include <cstdio>

using mag::CPUGenerator;
using mag::DType;

extern "C" {
void* rc_new(uint64_t seed) { return new CPUGenerator(seed); }
void* rc_new_default_seed() { return new CPUGenerator(); }
void rc_free(void* g) { delete static_cast<CPUGenerator*>(g); }
void* rc_default() { return &mag::default_generator(); }
void rc_manual_seed(void* g, uint64_t seed) { static_cast<CPUGenerator*>(g)->manual_seed(seed); }
uint64_t rc_initial_seed(void* g) { return static_cast<CPUGenerator*>(g)->initial_seed(); }
uint32_t rc_random(void* g) { return static_cast<CPUGenerator*>(g)->random(); }
uint64_t rc_random64(void* g) { return static_cast<CPUGenerator*>(g)->random64(); }
void rc_get_state(void* g, uint8_t* out) { static_cast<CPUGenerator*>(g)->get_state(out); }
int rc_set_state(void* g, const uint8_t* in, size_t n) {
  return static_cast<CPUGenerator*>(g)->set_state(in, n) ? 1 : 0;
}
void rc_uniform(void* g, int dt, void* out, int64_t n, double a, double b) {
  mag::fill_uniform(*static_cast<CPUGenerator*>(g), (DType)dt, out, n, a, b);
}
void rc_normal(void* g, int dt, void* out, int64_t n, double mean, double std, int vec) {
  mag::fill_normal(*static_cast<CPUGenerator*>(g), (DType)dt, out, n, mean, std, vec != 0);
}
void rc_random_from_to(void* g, int dt, void* out, int64_t n, int64_t low, uint64_t range) {
  mag::fill_random_from_to(*static_cast<CPUGenerator*>(g), (DType)dt, out, n, low, range);
}
void rc_random_default(void* g, int dt, void* out, int64_t n) {
  mag::fill_random_default(*static_cast<CPUGenerator*>(g), (DType)dt, out, n);
}
void rc_bernoulli_scalar(void* g, int dt, void* out, int64_t n, double p) {
  mag::fill_bernoulli_scalar(*static_cast<CPUGenerator*>(g), (DType)dt, out, n, p);
}
void rc_bernoulli_tensor(void* g, int dt, void* out, int pdt, const void* p, int64_t n) {
  mag::fill_bernoulli_tensor(*static_cast<CPUGenerator*>(g), (DType)dt, out, (DType)pdt, p, n);
}
void rc_exponential(void* g, int dt, void* out, int64_t n, double lambd) {
  mag::fill_exponential(*static_cast<CPUGenerator*>(g), (DType)dt, out, n, lambd);
}
void rc_randperm(void* g, int64_t* out, int64_t n) {
  mag::fill_randperm(*static_cast<CPUGenerator*>(g), out, n);
}
void rc_random_n(void* g, uint32_t* out, int64_t n) { static_cast<CPUGenerator*>(g)->random_n(out, n); }

// Float32 Box-Muller: the one-lane reference against the AVX2 version on every 24-bit uniform,
// in both the radius slot and the angle slot. Returns the number of differing outputs, or -1
// when this CPU (or compiler) has no AVX2 path.
int64_t rc_lanes_vs_avx2(float mean, float std) {
#ifdef MAG_HAVE_AVX2_NORMAL
  if (!mag::cpu_has_avx2_fma()) return -1;
  int64_t bad = 0;
  const uint32_t kCount = 1u << 24;
  for (uint32_t k0 = 0; k0 < kCount; k0 += 8) {
    float a[16], b[16];
    for (int j = 0; j < 8; ++j) {
      const uint32_t k = k0 + j;
      a[j] = static_cast<float>(k) * (1.0f / 16777216.0f);                      // radius slot
      a[j + 8] = static_cast<float>((k * 2654435761u) & 0xFFFFFFu) * (1.0f / 16777216.0f);
    }
    for (int j = 0; j < 16; ++j) b[j] = a[j];
    float c[16], d[16];  // and the swapped roles: every value in the angle slot
    for (int j = 0; j < 8; ++j) { c[j] = a[j + 8]; c[j + 8] = a[j]; }
    for (int j = 0; j < 16; ++j) d[j] = c[j];
    mag::normal_fill_16_f32_lanes(a, mean, std);
    mag::normal_fill_16_f32_avx2(b, mean, std);
    mag::normal_fill_16_f32_lanes(c, mean, std);
    mag::normal_fill_16_f32_avx2(d, mean, std);
    bad += std::memcmp(a, b, sizeof a) != 0;
    bad += std::memcmp(c, d, sizeof c) != 0;
  }
  return bad;
#else
  (void)mean; (void)std;
  return -1;
#endif
}
}
