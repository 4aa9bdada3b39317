// vec_math.h: float32 exp / log / tanh / sigmoid written so the compiler vectorises them
// (no calls, no tables, branch-free), evaluated in double so each float result is the
// correctly rounded value except in vanishingly rare near-tie cases (glibc's expf is within
// 0.502 ulp, torch's Sleef u10 within 1 ulp: ours and torch's differ by at most 1 ulp).
// The same inline functions serve the vector loops (vec_math.cpp) and single elements, so
// a value never depends on which path or thread computed it. -ffp-contract=off keeps FMA out.
#pragma once
#include <cstdint>
#include <cstring>

namespace mag {
namespace vm {

inline double as_double(uint64_t u) { double d; std::memcpy(&d, &u, 8); return d; }
inline uint64_t as_u64(double d) { uint64_t u; std::memcpy(&u, &d, 8); return u; }

// exp(x) for x in [-104, 89] (the float range): 2^k * p(r), r = x - k ln2, |r| <= 0.35,
// degree-11 Taylor polynomial (truncation < 1e-14 relative).
inline double exp_d(double x) {
  const double shift = 0x1.8p52;
  double t = x * 1.4426950408889634;
  double ks = t + shift;
  double kd = ks - shift;
  double r = (x - kd * 0x1.62e42fefa3800p-1) - kd * 0x1.ef35793c76730p-45;
  double p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  double scale = as_double((as_u64(ks) + 1023) << 52);  // 2^k from the low bits of ks
  return p * scale;
}

inline float expf_(float xf) {
  double x = xf;
  x = x < -104.0 ? -104.0 : x;  // NaN passes both comparisons unchanged
  x = x > 89.0 ? 89.0 : x;
  return (float)exp_d(x);
}

// torch's vectorised sigmoid is 1 / (1 + exp(-x)) in float; same formula, our exp
inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf_(-x)); }

// tanh(|x|) = (e - 1) / (e + 1), e = exp(2|x|); a - a^3/3 below 1e-4 (no cancellation)
inline float tanhf_(float xf) {
  double x = xf;
  double a = x < 0 ? -x : x;
  double ac = a > 9.5 ? 9.5 : a;  // tanhf(9.5) rounds to 1
  double e = exp_d(2.0 * ac);
  double big = (e - 1.0) / (e + 1.0);
  double small = a - a * a * a * (1.0 / 3.0);
  double r = a < 1e-4 ? small : big;
  r = a > 9.5 ? 1.0 : r;
  r = x != x ? x : r;
  return (float)(x < 0 ? -r : r);
}

// log(x) = e ln2 + 2 atanh(s), s = (m - 1) / (m + 1), m in [sqrt(1/2), sqrt(2)), |s| < 0.172
inline float logf_(float xf) {
  double x = xf;
  uint64_t u = as_u64(x);
  // every positive float (subnormals included) is a normal double
  // exponent as a double without an int->double conversion (vectorises without AVX-512)
  double e = as_double(((u >> 52) & 0x7ff) | 0x4330000000000000ULL) - 4503599627371519.0;  // - (2^52 + 1023)
  double m = as_double((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  bool hi = m > 1.4142135623730951;
  m = hi ? m * 0.5 : m;
  double ed = e + (hi ? 1.0 : 0.0);
  double s = (m - 1.0) / (m + 1.0);
  double s2 = s * s;
  double p = 1.0 / 21;
  p = p * s2 + 1.0 / 19;
  p = p * s2 + 1.0 / 17;
  p = p * s2 + 1.0 / 15;
  p = p * s2 + 1.0 / 13;
  p = p * s2 + 1.0 / 11;
  p = p * s2 + 1.0 / 9;
  p = p * s2 + 1.0 / 7;
  p = p * s2 + 1.0 / 5;
  p = p * s2 + 1.0 / 3;
  p = p * s2 + 1.0;
  double r = ed * 0.6931471805599453 + 2.0 * s * p;
  r = x == 0 ? -__builtin_inf() : r;
  r = x < 0 ? __builtin_nan("") : r;
  r = x == __builtin_inf() ? x : r;
  r = x != x ? x : r;
  return (float)r;
}

// contiguous float32 loops (vec_math.cpp: AVX2 and baseline clones, chosen at load time)
void vexp_f32(float* out, const float* in, int64_t n);
void vlog_f32(float* out, const float* in, int64_t n);
void vtanh_f32(float* out, const float* in, int64_t n);
void vsigmoid_f32(float* out, const float* in, int64_t n);

}  // namespace vm
}  // namespace mag
