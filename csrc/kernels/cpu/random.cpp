// random.cpp: torch's CPU generator (32-bit MT19937) and the distribution kernels built on it,
// reproducing torch 2.13's x86-64 AVX2/AVX512 build bit for bit (TORCH_FACTS.md section 1).
// The project compiles with -ffp-contract=off, so every fused multiply-add that torch's build
// performs is written out here with std::fma / std::fmaf, and nothing else is fused.
// Sections: engine, state, uniform, normal (scalar), normal (vectorised: float32 AVX2
// emulation, float64, half/bfloat16), integers, bernoulli/exponential.
// Thread safety: like torch, callers must serialise draws on one generator (no lock here).
#include "kernels/cpu/random.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mag {

namespace {

constexpr int kMtN = 624;
constexpr int kMtM = 397;
constexpr uint32_t kMatrixA = 0x9908b0dfu;
constexpr uint32_t kUpperMask = 0x80000000u;
constexpr uint32_t kLowerMask = 0x7fffffffu;
constexpr double kPi = 3.14159265358979323846;  // c10::pi<double>

inline uint32_t mt_twist(uint32_t u, uint32_t v) {
  uint32_t mixed = (u & kUpperMask) | (v & kLowerMask);
  return (mixed >> 1) ^ ((v & 1u) ? kMatrixA : 0u);
}

inline uint32_t mt_temper(uint32_t y) {
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  return y;
}

inline float bits_to_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t float_to_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

template <typename T>
constexpr bool is_reduced_float_v = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// Casts as torch's static_cast<scalar_t>: half/bfloat16 go through float.
template <typename T, typename V>
inline T cast_to(V v) {
  if constexpr (is_reduced_float_v<T>) return T(static_cast<float>(v));
  else return static_cast<T>(v);
}

// Dispatch restricted to the floating dtypes (uniform/normal/exponential).
template <typename F>
void dispatch_floating(DType d, const char* what, F&& f) {
  switch (d) {
    case DType::Float16: f(Tag<Half>{}); return;
    case DType::BFloat16: f(Tag<BFloat16>{}); return;
    case DType::Float32: f(Tag<float>{}); return;
    case DType::Float64: f(Tag<double>{}); return;
    default: throw std::invalid_argument(std::string(what) + ": expected a floating dtype");
  }
}

// ---- uniform building blocks (transformation::uniform_real with from=0, to=1) ----
// float recipe: 24 random bits of one 32-bit draw.
inline float uniform24(CPUGenerator& g) {
  return static_cast<float>(g.random() & 0xFFFFFFu) * (1.0f / 16777216.0f);
}
// double recipe: 53 random bits of one random64().
inline double uniform53(CPUGenerator& g) {
  return static_cast<double>(g.random64() & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// Bulk versions, exactly equivalent to calling the above n times.
constexpr int64_t kChunk = 512;
template <typename Sink>  // sink(i, u) receives the i-th float uniform
void uniform24_n(CPUGenerator& g, int64_t n, Sink sink) {
  uint32_t buf[kChunk];
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t m = n - i0 < kChunk ? n - i0 : kChunk;
    g.random_n(buf, m);
    for (int64_t i = 0; i < m; ++i)
      sink(i0 + i, static_cast<float>(buf[i] & 0xFFFFFFu) * (1.0f / 16777216.0f));
  }
}
template <typename Sink>  // sink(i, u) receives the i-th double uniform
void uniform53_n(CPUGenerator& g, int64_t n, Sink sink) {
  uint32_t buf[kChunk];
  for (int64_t i0 = 0; i0 < n; i0 += kChunk / 2) {
    const int64_t m = n - i0 < kChunk / 2 ? n - i0 : kChunk / 2;
    g.random_n(buf, 2 * m);
    for (int64_t i = 0; i < m; ++i) {
      const uint64_t r = (static_cast<uint64_t>(buf[2 * i]) << 32) | buf[2 * i + 1];
      sink(i0 + i, static_cast<double>(r & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0));
    }
  }
}

}  // namespace

// =============================================================================================
// Engine: MT19937 exactly as at::mt19937 (left/next bookkeeping included, since it is part of
// the observable state).
// =============================================================================================

CPUGenerator::CPUGenerator(uint64_t seed) { manual_seed(seed); }

void CPUGenerator::manual_seed(uint64_t seed) {
  seed_ = seed;
  state_[0] = static_cast<uint32_t>(seed & 0xffffffffu);
  for (int j = 1; j < kMtN; ++j) {
    state_[j] = 1812433253u * (state_[j - 1] ^ (state_[j - 1] >> 30)) + static_cast<uint32_t>(j);
  }
  left_ = 1;
  next_ = 0;
  has_normal = false;
  next_normal = 0.0;
}

void CPUGenerator::twist() {
  // In place; the last word uses the already regenerated state_[0].
  int k = 0;
  for (; k < kMtN - kMtM; ++k) state_[k] = state_[k + kMtM] ^ mt_twist(state_[k], state_[k + 1]);
  for (; k < kMtN - 1; ++k) state_[k] = state_[k + kMtM - kMtN] ^ mt_twist(state_[k], state_[k + 1]);
  state_[kMtN - 1] = state_[kMtM - 1] ^ mt_twist(state_[kMtN - 1], state_[0]);
  left_ = kMtN;
  next_ = 0;
}

uint32_t CPUGenerator::random() {
  if (--left_ == 0) twist();
  return mt_temper(state_[next_++]);
}

void CPUGenerator::random_n(uint32_t* out, int64_t n) {
  while (n > 0) {
    // left_ - 1 draws are available before the draw that triggers the next twist.
    const int64_t k = n < left_ - 1 ? n : left_ - 1;
    for (int64_t i = 0; i < k; ++i) out[i] = mt_temper(state_[next_ + i]);
    next_ += static_cast<uint32_t>(k);
    left_ -= static_cast<int>(k);
    out += k;
    n -= k;
    if (n > 0) {
      *out++ = random();  // twists
      --n;
    }
  }
}

uint64_t CPUGenerator::random64() {
  uint64_t hi = random();
  uint64_t lo = random();
  return (hi << 32) | lo;
}

CPUGenerator& default_generator() {
  // Like torch's getDefaultCPUGenerator(): created on first use with 64 non-deterministic bits.
  static CPUGenerator gen([] {
    std::random_device rd;
    uint64_t hi = rd();
    uint64_t lo = rd();
    return (hi << 32) | lo;
  }());
  return gen;
}

// =============================================================================================
// State: torch's CPUGeneratorImplState, 5056 bytes, little-endian, padding zeroed:
//   0 u64 initial_seed | 8 i32 left | 12 i32 seeded | 16 u64 next | 24 u64 state[624]
//   5016 f64 normal_x (0) | 5024 f64 normal_y (cached normal) | 5032 f64 normal_rho (0)
//   5040 i32 normal_is_valid | 5044 pad | 5048 f32 next_float_normal (0) | 5052 u8 valid (0) | pad
// =============================================================================================

namespace {
constexpr size_t kOffLeft = 8, kOffSeeded = 12, kOffNext = 16, kOffState = 24;
constexpr size_t kOffNormalY = 5024, kOffNormalValid = 5040;
}  // namespace

void CPUGenerator::get_state(uint8_t* out) const {
  std::memset(out, 0, kRngStateBytes);
  std::memcpy(out, &seed_, 8);
  int32_t left = left_, seeded = 1;
  uint64_t next = next_;
  std::memcpy(out + kOffLeft, &left, 4);
  std::memcpy(out + kOffSeeded, &seeded, 4);
  std::memcpy(out + kOffNext, &next, 8);
  for (int i = 0; i < kMtN; ++i) {
    uint64_t w = state_[i];
    std::memcpy(out + kOffState + 8 * i, &w, 8);
  }
  if (has_normal) {
    int32_t valid = 1;
    std::memcpy(out + kOffNormalY, &next_normal, 8);
    std::memcpy(out + kOffNormalValid, &valid, 4);
  }
}

bool CPUGenerator::set_state(const uint8_t* in, size_t n) {
  if (n != kRngStateBytes) return false;
  uint64_t seed, next;
  int32_t left, seeded, normal_valid;
  double normal_y;
  std::memcpy(&seed, in, 8);
  std::memcpy(&left, in + kOffLeft, 4);
  std::memcpy(&seeded, in + kOffSeeded, 4);
  std::memcpy(&next, in + kOffNext, 8);
  std::memcpy(&normal_y, in + kOffNormalY, 8);
  std::memcpy(&normal_valid, in + kOffNormalValid, 4);
  // torch's mt19937::is_valid() (checked on the 32-bit truncated `next`, as torch does).
  uint32_t next32 = static_cast<uint32_t>(next);
  if (seeded == 0 || left <= 0 || left > kMtN || next32 > static_cast<uint32_t>(kMtN))
    return false;
  seed_ = seed;
  left_ = left;
  next_ = next32;
  for (int i = 0; i < kMtN; ++i) {
    uint64_t w;
    std::memcpy(&w, in + kOffState + 8 * i, 8);
    state_[i] = static_cast<uint32_t>(w);
  }
  has_normal = normal_valid != 0;
  next_normal = has_normal ? normal_y : 0.0;
  return true;
}

// =============================================================================================
// Uniform: per element, serially. float32/half/bfloat16 compute in float32 with from/to rounded
// to float32; y = fmaf(x, to - from, from); cast; a result equal to dtype(to) becomes from.
// float64: 53-bit uniform, y = fma(x, to - from, from), same replacement rule.
// =============================================================================================

void fill_uniform(CPUGenerator& g, DType dtype, void* out, int64_t n, double from, double to) {
  dispatch_floating(dtype, "uniform_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    if constexpr (std::is_same_v<T, double>) {
      const double range = to - from;
      uniform53_n(g, n, [&](int64_t i, double x) {
        const double y = std::fma(x, range, from);
        o[i] = (y == to) ? from : y;
      });
    } else {
      const float f = static_cast<float>(from), t = static_cast<float>(to);
      const float range = t - f;
      const float t_cast = static_cast<float>(T(t));
      const T f_cast = T(f);
      if (f == 0.0f && range == 1.0f) {  // rand(): fmaf(x, 1, 0) == x, skip the libm call
        // (the cast can still round up to 1 for half/bfloat16, which then becomes 0)
        uniform24_n(g, n, [&](int64_t i, float x) {
          const T y = T(x);
          o[i] = (static_cast<float>(y) == t_cast) ? f_cast : y;
        });
        return;
      }
      uniform24_n(g, n, [&](int64_t i, float x) {
        const T y = T(std::fmaf(x, range, f));
        o[i] = (static_cast<float>(y) == t_cast) ? f_cast : y;
      });
    }
  });
}

// =============================================================================================
// Normal, scalar path (numel < 16 or non-contiguous): normal_distribution<double> with the
// generator's cached second sample. The FIRST uniform gives the angle, the SECOND the radius.
// =============================================================================================

namespace {

double normal_scalar(CPUGenerator& g, double mean, double std) {
  if (g.has_normal) {
    g.has_normal = false;
    return std::fma(g.next_normal, std, mean);
  }
  const double u1 = uniform53(g);
  const double u2 = uniform53(g);
  const double r = std::sqrt(-2.0 * std::log1p(-u2));
  const double theta = (2.0 * kPi) * u1;
  g.has_normal = true;
  g.next_normal = r * std::sin(theta);
  return std::fma(r * std::cos(theta), std, mean);
}

// =============================================================================================
// Normal, vectorised path, float32: one lane of torch's AVX2 normal_fill_16_AVX2, i.e. the
// Cephes-derived log256_ps / sincos256_ps of avx_mathfun.h, with exactly the multiply-adds that
// GCC contracts in torch's build fused (and no others).
// =============================================================================================

float avx2_logf(float x) {
  const float min_normal = bits_to_float(0x00800000u);
  x = x > min_normal ? x : min_normal;  // cut off denormals; like max_ps(x, min), NaN -> min
  const uint32_t bx = float_to_bits(x);
  const int32_t e_int = static_cast<int32_t>(bx >> 23) - 127;
  float m = bits_to_float((bx & 0x807FFFFFu) | float_to_bits(0.5f));  // mantissa in [0.5, 1)
  float e = static_cast<float>(e_int) + 1.0f;
  const bool below = m < 0.707106781186547524f;  // cephes SQRTHF
  const float tmp = below ? m : 0.0f;
  m = m - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  m = m + tmp;
  const float z = m * m;
  float y = 7.0376836292E-2f;
  y = std::fmaf(y, m, -1.1514610310E-1f);
  y = std::fmaf(y, m, 1.1676998740E-1f);
  y = std::fmaf(y, m, -1.2420140846E-1f);
  y = std::fmaf(y, m, 1.4249322787E-1f);
  y = std::fmaf(y, m, -1.6668057665E-1f);
  y = std::fmaf(y, m, 2.0000714765E-1f);
  y = std::fmaf(y, m, -2.4999993993E-1f);
  y = std::fmaf(y, m, 3.3333331174E-1f);
  y = y * m;
  y = std::fmaf(y, z, e * -2.12194440e-4f);  // cephes q1
  y = y - z * 0.5f;
  float r = m + y;
  r = std::fmaf(e, 0.693359375f, r);         // cephes q2
  return r;
}

void avx2_sincosf(float x, float* s_out, float* c_out) {
  const uint32_t sign_sin0 = float_to_bits(x) & 0x80000000u;
  x = bits_to_float(float_to_bits(x) & 0x7fffffffu);
  int32_t j = static_cast<int32_t>(x * 1.27323954473516f);  // 4/pi, truncation like cvttps
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  const uint32_t swap_sign_sin = static_cast<uint32_t>(j & 4) << 29;
  const bool poly = (j & 2) == 0;
  // extended precision modular arithmetic, each step fused
  x = std::fmaf(y, -0.78515625f, x);
  x = std::fmaf(y, -2.4187564849853515625e-4f, x);
  x = std::fmaf(y, -3.77489497744594108e-8f, x);
  const uint32_t sign_cos = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  const uint32_t sign_sin = sign_sin0 ^ swap_sign_sin;
  const float z = x * x;
  // cosine polynomial (0 <= x <= pi/4)
  float c = std::fmaf(2.443315711809948E-005f, z, -1.388731625493765E-003f);
  c = std::fmaf(c, z, 4.166664568298827E-002f);
  c = c * z;
  c = std::fmaf(c, z, -(z * 0.5f));
  c = c + 1.0f;
  // sine polynomial
  float s = std::fmaf(-1.9515295891E-4f, z, 8.3321608736E-3f);
  s = std::fmaf(s, z, -1.6666654611E-1f);
  s = s * z;
  s = std::fmaf(s, x, x);
  // select as the SIMD code does (mask, subtract, add), including its signed-zero behaviour
  const float ysin2 = poly ? s : 0.0f;
  const float ysin1 = poly ? 0.0f : c;
  const float s_rest = s - ysin2;
  const float c_rest = c - ysin1;
  const float sin_v = ysin1 + ysin2;
  const float cos_v = c_rest + s_rest;
  *s_out = bits_to_float(float_to_bits(sin_v) ^ sign_sin);
  *c_out = bits_to_float(float_to_bits(cos_v) ^ sign_cos);
}

// Box-Muller on a block of 16 uniforms in place (8 pairs), one lane at a time: the reference,
// and the path on CPUs without AVX2+FMA.
void normal_fill_16_f32_lanes(float* data, float mean, float std) {
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - data[j];
    const float u2 = data[j + 8];
    const float radius = std::sqrt(-2.0f * avx2_logf(u1));
    const float theta = 6.2831855f * u2;  // float32(2*pi)
    float s, c;
    avx2_sincosf(theta, &s, &c);
    data[j] = std::fmaf(radius * c, std, mean);
    data[j + 8] = std::fmaf(radius * s, std, mean);
  }
}

#if defined(__GNUC__) && defined(__x86_64__)
#define MAG_HAVE_AVX2_NORMAL 1
#define MAG_PS(v) _mm256_set1_ps(v)
#define MAG_PI32(v) _mm256_set1_epi32(static_cast<int>(v))
// The same computation on 8 lanes with AVX2/FMA intrinsics, operation for operation (several
// times faster). Bit-identical to the lane version: check_random.py compares the two on every
// possible 24-bit uniform.
__attribute__((target("avx2,fma"))) void normal_fill_16_f32_avx2(float* data, float mean,
                                                                 float std) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 half = _mm256_set1_ps(0.5f);
  // ---- log(u1), u1 = 1 - U ----
  __m256 x = _mm256_sub_ps(one, _mm256_loadu_ps(data));
  x = _mm256_max_ps(x, _mm256_castsi256_ps(MAG_PI32(0x00800000u)));
  __m256i ei = _mm256_sub_epi32(_mm256_srli_epi32(_mm256_castps_si256(x), 23), MAG_PI32(127));
  x = _mm256_or_ps(_mm256_and_ps(x, _mm256_castsi256_ps(MAG_PI32(0x807FFFFFu))), half);
  __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(ei), one);
  const __m256 below = _mm256_cmp_ps(x, MAG_PS(0.707106781186547524f), _CMP_LT_OS);
  const __m256 tmp = _mm256_and_ps(x, below);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, below));
  x = _mm256_add_ps(x, tmp);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = MAG_PS(7.0376836292E-2f);
  y = _mm256_fmadd_ps(y, x, MAG_PS(-1.1514610310E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(1.1676998740E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(-1.2420140846E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(1.4249322787E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(-1.6668057665E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(2.0000714765E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(-2.4999993993E-1f));
  y = _mm256_fmadd_ps(y, x, MAG_PS(3.3333331174E-1f));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, MAG_PS(-2.12194440e-4f)));
  y = _mm256_sub_ps(y, _mm256_mul_ps(z, half));
  x = _mm256_add_ps(x, y);
  const __m256 log_u1 = _mm256_fmadd_ps(e, MAG_PS(0.693359375f), x);
  const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(MAG_PS(-2.0f), log_u1));
  // ---- sincos(theta), theta = float32(2*pi) * u2 ----
  __m256 t = _mm256_mul_ps(MAG_PS(6.2831855f), _mm256_loadu_ps(data + 8));
  __m256 sign_sin = _mm256_and_ps(t, _mm256_castsi256_ps(MAG_PI32(0x80000000u)));
  t = _mm256_and_ps(t, _mm256_castsi256_ps(MAG_PI32(0x7fffffffu)));
  __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(t, MAG_PS(1.27323954473516f)));
  j = _mm256_and_si256(_mm256_add_epi32(j, MAG_PI32(1)), MAG_PI32(~1u));
  const __m256 yj = _mm256_cvtepi32_ps(j);
  const __m256 swap_sin = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, MAG_PI32(4)), 29));
  const __m256 poly = _mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(j, MAG_PI32(2)), _mm256_setzero_si256()));
  t = _mm256_fmadd_ps(yj, MAG_PS(-0.78515625f), t);
  t = _mm256_fmadd_ps(yj, MAG_PS(-2.4187564849853515625e-4f), t);
  t = _mm256_fmadd_ps(yj, MAG_PS(-3.77489497744594108e-8f), t);
  const __m256 sign_cos = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_andnot_si256(_mm256_sub_epi32(j, MAG_PI32(2)), MAG_PI32(4)), 29));
  sign_sin = _mm256_xor_ps(sign_sin, swap_sin);
  const __m256 zz = _mm256_mul_ps(t, t);
  __m256 c = _mm256_fmadd_ps(MAG_PS(2.443315711809948E-005f), zz, MAG_PS(-1.388731625493765E-003f));
  c = _mm256_fmadd_ps(c, zz, MAG_PS(4.166664568298827E-002f));
  c = _mm256_mul_ps(c, zz);
  c = _mm256_fmsub_ps(c, zz, _mm256_mul_ps(zz, half));
  c = _mm256_add_ps(c, one);
  __m256 s = _mm256_fmadd_ps(MAG_PS(-1.9515295891E-4f), zz, MAG_PS(8.3321608736E-3f));
  s = _mm256_fmadd_ps(s, zz, MAG_PS(-1.6666654611E-1f));
  s = _mm256_mul_ps(s, zz);
  s = _mm256_fmadd_ps(s, t, t);
  const __m256 ysin2 = _mm256_and_ps(poly, s);
  const __m256 ysin1 = _mm256_andnot_ps(poly, c);
  const __m256 sin_v = _mm256_xor_ps(_mm256_add_ps(ysin1, ysin2), sign_sin);
  const __m256 cos_v =
      _mm256_xor_ps(_mm256_add_ps(_mm256_sub_ps(c, ysin1), _mm256_sub_ps(s, ysin2)), sign_cos);
  // ---- out = fma(radius * trig, std, mean) ----
  _mm256_storeu_ps(data, _mm256_fmadd_ps(_mm256_mul_ps(radius, cos_v), MAG_PS(std), MAG_PS(mean)));
  _mm256_storeu_ps(data + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, sin_v), MAG_PS(std), MAG_PS(mean)));
}

#undef MAG_PS
#undef MAG_PI32

bool cpu_has_avx2_fma() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}
#endif

void normal_fill_16_f32(float* data, float mean, float std) {
#ifdef MAG_HAVE_AVX2_NORMAL
  if (cpu_has_avx2_fma()) return normal_fill_16_f32_avx2(data, mean, std);
#endif
  normal_fill_16_f32_lanes(data, mean, std);
}

// float64: glibc log/cos/sin, explicit fma with std/mean.
void normal_fill_16_f64(double* data, double mean, double std) {
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1.0 - data[j];
    const double u2 = data[j + 8];
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double theta = (2.0 * kPi) * u2;
    data[j] = std::fma(radius * std::cos(theta), std, mean);
    data[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}

// float32/float64: all n uniforms first, then each full block of 16; a partial tail draws 16
// fresh uniforms into positions n-16..n-1 and transforms them.
template <typename T, typename UniformN, typename Fill16>
void normal_fill_full(CPUGenerator& g, T* data, int64_t n, T mean, T std, UniformN uniform_n,
                      Fill16 fill16) {
  uniform_n(g, n, [&](int64_t i, T u) { data[i] = u; });
  for (int64_t i = 0; i + 16 <= n; i += 16) fill16(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    uniform_n(g, 16, [&](int64_t i, T u) { tail[i] = u; });
    fill16(tail, mean, std);
  }
}

// half/bfloat16: per block, 16 float32 uniforms into a scratch buffer, the float32 transform,
// then the cast; the tail block uses the next 16 draws and lands at n-16..n-1.
template <typename T>
void normal_fill_reduced(CPUGenerator& g, T* data, int64_t n, float mean, float std) {
  float buf[16];
  auto block = [&](T* dst) {
    uniform24_n(g, 16, [&](int64_t i, float u) { buf[i] = u; });
    normal_fill_16_f32(buf, mean, std);
    for (int i = 0; i < 16; ++i) dst[i] = T(buf[i]);
  };
  for (int64_t i = 0; i + 16 <= n; i += 16) block(data + i);
  if (n % 16 != 0) block(data + n - 16);
}

}  // namespace

void fill_normal(CPUGenerator& g, DType dtype, void* out, int64_t n, double mean, double std,
                 bool vectorized) {
  dispatch_floating(dtype, "normal_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    if (!vectorized || n < 16) {
      for (int64_t i = 0; i < n; ++i) o[i] = cast_to<T>(normal_scalar(g, mean, std));
      return;
    }
    if constexpr (std::is_same_v<T, float>) {
      normal_fill_full<float>(g, o, n, static_cast<float>(mean), static_cast<float>(std),
                              [](CPUGenerator& gg, int64_t m, auto sink) { uniform24_n(gg, m, sink); },
                              normal_fill_16_f32);
    } else if constexpr (std::is_same_v<T, double>) {
      normal_fill_full<double>(g, o, n, mean, std,
                               [](CPUGenerator& gg, int64_t m, auto sink) { uniform53_n(gg, m, sink); },
                               normal_fill_16_f64);
    } else {
      normal_fill_reduced<T>(g, o, n, static_cast<float>(mean), static_cast<float>(std));
    }
  });
}

// =============================================================================================
// Integers.
// =============================================================================================

void fill_random_from_to(CPUGenerator& g, DType dtype, void* out, int64_t n, int64_t low,
                         uint64_t range) {
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    if (range == 0) {
      // Full 64-bit range (random_(-2**63, None)): the raw random64 reinterpreted as signed.
      for (int64_t i = 0; i < n; ++i) o[i] = cast_to<T>(static_cast<int64_t>(g.random64()));
      return;
    }
    // A range of 2^28 or more takes a 64-bit draw, whatever the dtype (int32 included).
    const bool use64 = range >= (1ULL << 28);
    for (int64_t i = 0; i < n; ++i) {
      uint64_t v = use64 ? g.random64() : static_cast<uint64_t>(g.random());
      o[i] = cast_to<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(low)));
    }
  });
}

void fill_random_default(CPUGenerator& g, DType dtype, void* out, int64_t n) {
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        o[i] = (g.random() & 1u) != 0;
      } else if constexpr (std::is_same_v<T, int64_t>) {
        o[i] = static_cast<int64_t>(g.random64() % (1ULL << 63));
      } else if constexpr (std::is_same_v<T, double>) {
        o[i] = static_cast<double>(g.random64() % ((1ULL << 53) + 1));
      } else if constexpr (std::is_same_v<T, float>) {
        o[i] = static_cast<float>(g.random() % ((1ULL << 24) + 1));
      } else if constexpr (std::is_same_v<T, Half>) {
        o[i] = cast_to<T>(g.random() % ((1ULL << 11) + 1));
      } else if constexpr (std::is_same_v<T, BFloat16>) {
        o[i] = cast_to<T>(g.random() % ((1ULL << 8) + 1));
      } else {  // uint8, int8, int16, int32: modulo max + 1
        constexpr uint64_t mod = static_cast<uint64_t>(std::numeric_limits<T>::max()) + 1;
        o[i] = static_cast<T>(static_cast<uint64_t>(g.random()) % mod);
      }
    }
  });
}

void fill_randperm(CPUGenerator& g, int64_t* out, int64_t n) {
  if (n < static_cast<int64_t>(0xFFFFFFFFu / 20)) {
    for (int64_t i = 0; i < n; ++i) out[i] = i;
    for (int64_t i = 0; i < n - 1; ++i) {
      const int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
      const int64_t t = out[i];
      out[i] = out[z + i];
      out[z + i] = t;
    }
    return;
  }
  // Large n: inside-out Fisher-Yates with 64-bit draws.
  for (int64_t i = 0; i < n; ++i) {
    const int64_t z = static_cast<int64_t>(g.random64() % static_cast<uint64_t>(i + 1));
    out[i] = out[z];
    out[z] = i;
  }
}

// =============================================================================================
// Bernoulli and exponential.
// =============================================================================================

void fill_bernoulli_scalar(CPUGenerator& g, DType dtype, void* out, int64_t n, double p) {
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) o[i] = cast_to<T>(uniform53(g) < p ? 1.0 : 0.0);
  });
}

void fill_bernoulli_tensor(CPUGenerator& g, DType dtype, void* out, DType p_dtype,
                           const void* p, int64_t n) {
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    if (p_dtype == DType::Float64) {
      // double p: one 53-bit uniform per element
      const double* pp = static_cast<const double*>(p);
      for (int64_t i = 0; i < n; ++i) o[i] = cast_to<T>(uniform53(g) < pp[i] ? 1.0 : 0.0);
      return;
    }
    // float32/half/bfloat16 p: a 24-bit float uniform compared with float(p)
    dispatch_all(p_dtype, [&](auto ptag) {
      using P = typename decltype(ptag)::type;
      const P* pp = static_cast<const P*>(p);
      for (int64_t i = 0; i < n; ++i) {
        const float pv = static_cast<float>(pp[i]);
        o[i] = cast_to<T>(uniform24(g) < pv ? 1.0 : 0.0);
      }
    });
  });
}

void fill_exponential(CPUGenerator& g, DType dtype, void* out, int64_t n, double lambd) {
  dispatch_floating(dtype, "exponential_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    const double scale = -1.0 / lambd;
    for (int64_t i = 0; i < n; ++i) o[i] = cast_to<T>(scale * std::log1p(-uniform53(g)));
  });
}

}  // namespace mag
