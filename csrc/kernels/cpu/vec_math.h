// vec_math.h: float32 exp / log / tanh / sigmoid written so the compiler vectorises them
// (no calls, no tables, branch-free). exp (and sigmoid, which torch computes as
// 1 / (1 + exp(-x)) in float) is evaluated in float, 16 lanes per AVX-512 vector (Note [float32
// exp]); log and tanh in double, where each result is the correctly rounded one but for rare
// near-ties. Each is faithful, so within 1 ulp of torch's (MKL / Sleef); sigmoid can differ by up to
// 4 ulp where the exps differ by one (tests/test_vec_math_ulp.py says why).
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

// Note [float32 exp]: evaluated in float, 16 lanes per AVX-512 vector (the double version,
// exp_d, fills only 8). x = k ln2 + r with k = round(x / ln2) and ln2 = L1 + L2 (Cody-Waite):
// L1 has 15 significant bits, so k L1 is exact for |k| <= 150 and x - k L1 is exact (Sterbenz);
// r is carried as rh + rl, rl the exact rounding error of rh (Fast2Sum). exp(r) = 1 + rh + t,
// t = rh^2 q(rh) + rl (1 + rh), q the Taylor series 1/2! .. 1/8! (truncation < 2^-31 for
// |r| <= 0.35); 1 + rh is split exactly into hi + lo, so only the last addition rounds at full
// weight: the result is within ~0.6 ulp (faithful), equal to the correctly rounded one for all
// but ~1 % of inputs (tests/test_vec_math_ulp.py). 2^k is applied as two exact power-of-two
// factors, so k = 128 (overflow to inf) and k < -126 (subnormal results) need no branch.
inline float as_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t as_u32(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

// exp(x) = 2^k y for x in [-104, 89]: returns y (in [0.70, 1.42]) and ks, whose low bits hold k
inline float exp_reduced(float x, float& ks) {
  const float shift = 0x1.8p23f;  // adding it rounds |t| < 2^22 to an integer in the low bits
  ks = x * 0x1.715476p+0f + shift;  // x log2(e)
  float k = ks - shift;
  float a = x - k * 0x1.62e4p-1f;          // exact
  float b = k * 0x1.7f7d1cp-20f;           // k (ln2 - L1)
  float rh = a - b;
  float rl = (a - rh) - b;
  float q = 0x1.a01a02p-16f;               // 1/8!
  q = q * rh + 0x1.a01a02p-13f;            // 1/7!
  q = q * rh + 0x1.6c16c2p-10f;            // 1/6!
  q = q * rh + 0x1.111112p-7f;             // 1/5!
  q = q * rh + 0x1.555556p-5f;             // 1/4!
  q = q * rh + 0x1.555556p-3f;             // 1/3!
  q = q * rh + 0.5f;
  float t = rh * rh * q + (rl + rl * rh);
  float hi = 1.0f + rh;
  float lo = (1.0f - hi) + rh;             // exact: |rh| < 1
  return hi + (lo + t);
}

inline float expf_(float x) {
  x = x < -104.0f ? -104.0f : x;  // exp(-104) rounds to 0, exp(89) to inf; NaN passes both
  x = x > 89.0f ? 89.0f : x;
  float ks;
  float y = exp_reduced(x, ks);
  int32_t ki = (int32_t)(as_u32(ks) - as_u32(0x1.8p23f));
  int32_t k1 = ki >> 1;                    // 2^k = 2^k1 2^(k - k1), both normal floats
  float s1 = as_float((uint32_t)(k1 + 127) << 23);
  float s2 = as_float((uint32_t)(ki - k1 + 127) << 23);
  return y * s1 * s2;
}

// torch's vectorised sigmoid: 1 / (1 + exp(-x)) in float. Bit for bit that formula on expf_,
// with a cheaper 2^k: below -87, exp(-x) < 2^-125 and 1 + exp(-x) rounds to 1 whatever its
// value, so -x is clamped there, k - 1 stays in [-127, 127] and e = 2y 2^(k-1) needs one
// factor (2^-127 becomes 0: still 1 + e = 1). ks's bits are 0x4B400000 + k; the shift by 23
// drops everything above the exponent field.
inline float sigmoidf_(float x) {
  float m = -x;
  m = m < -87.0f ? -87.0f : m;
  m = m > 89.0f ? 89.0f : m;
  float ks;
  float y = exp_reduced(m, ks);
  float e = (y + y) * as_float((as_u32(ks) + 126u) << 23);
  return 1.0f / (1.0f + e);
}

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
  return (float)__builtin_copysign(r, x);  // keeps -0 (and a nan) as they are
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
