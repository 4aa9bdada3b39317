// dtype.h: the dtype enum, per-dtype C++ types (incl. float16/bfloat16 storage types),
// type promotion, and the one dtype-dispatch helper every kernel uses.
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>
#include <string>

namespace mag {

// Order matters: promotion uses the category then the rank within it.
enum class DType : int8_t {
  Bool = 0, UInt8, Int8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64,
  NumDTypes
};
constexpr int kNumDTypes = (int)DType::NumDTypes;

// IEEE binary16 stored as bits; math goes through float.
struct Half {
  uint16_t x;
  Half() = default;
  Half(float f);
  operator float() const;
};
// bfloat16: the top 16 bits of a float32, round-to-nearest-even on conversion.
struct BFloat16 {
  uint16_t x;
  BFloat16() = default;
  BFloat16(float f) {
    uint32_t u; std::memcpy(&u, &f, 4);
    if (std::isnan(f)) { x = 0x7fc0; return; }
    uint32_t lsb = (u >> 16) & 1u;
    u += 0x7fffu + lsb;
    x = (uint16_t)(u >> 16);
  }
  operator float() const { uint32_t u = (uint32_t)x << 16; float f; std::memcpy(&f, &u, 4); return f; }
};

inline Half::Half(float f) {
  // round-to-nearest-even float -> half
  uint32_t u; std::memcpy(&u, &f, 4);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t a = u & 0x7fffffffu;
  if (a >= 0x7f800000u) { x = (uint16_t)(sign | (a > 0x7f800000u ? 0x7e00u : 0x7c00u)); return; }
  if (a >= 0x477ff000u) { x = (uint16_t)(sign | 0x7c00u); return; }  // overflow -> inf
  if (a < 0x38800000u) {  // subnormal or zero in half
    float af; std::memcpy(&af, &a, 4);
    float scaled = af * 16777216.0f;  // 2^24: half subnormal unit
    uint32_t m = (uint32_t)std::nearbyint(scaled);
    x = (uint16_t)(sign | m);
    return;
  }
  uint32_t mant_odd = (a >> 13) & 1u;
  a += 0xc8000fffu + mant_odd;  // rebias exponent (-112<<23) and round
  x = (uint16_t)(sign | (a >> 13));
}
inline Half::operator float() const {
  uint32_t sign = (uint32_t)(x & 0x8000u) << 16;
  uint32_t exp = (x >> 10) & 0x1fu, mant = x & 0x3ffu;
  uint32_t u;
  if (exp == 0) {
    if (mant == 0) u = sign;
    else { float f = (float)mant * 5.9604644775390625e-8f; std::memcpy(&u, &f, 4); u |= sign; }
  } else if (exp == 31) {
    u = sign | 0x7f800000u | (mant << 13);
  } else {
    u = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f; std::memcpy(&f, &u, 4); return f;
}

template <DType D> struct CppTypeOf;
template <> struct CppTypeOf<DType::Bool> { using type = bool; };
template <> struct CppTypeOf<DType::UInt8> { using type = uint8_t; };
template <> struct CppTypeOf<DType::Int8> { using type = int8_t; };
template <> struct CppTypeOf<DType::Int16> { using type = int16_t; };
template <> struct CppTypeOf<DType::Int32> { using type = int32_t; };
template <> struct CppTypeOf<DType::Int64> { using type = int64_t; };
template <> struct CppTypeOf<DType::Float16> { using type = Half; };
template <> struct CppTypeOf<DType::BFloat16> { using type = BFloat16; };
template <> struct CppTypeOf<DType::Float32> { using type = float; };
template <> struct CppTypeOf<DType::Float64> { using type = double; };

inline int itemsize(DType d) {
  static const int sizes[] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8};
  return sizes[(int)d];
}
inline bool is_floating(DType d) { return d >= DType::Float16; }
inline bool is_integral(DType d, bool include_bool) {
  return include_bool ? d <= DType::Int64 : (d > DType::Bool && d <= DType::Int64);
}
// torch's names, as in "torch.float32".
const char* dtype_name(DType d);
// legacy tensor type names used in error messages ("torch.FloatTensor").
const char* legacy_type_name(DType d);

// torch's promote_types for two dtypes.
DType promote_types(DType a, DType b);

// Dispatch: calls f with a value of type Tag<T> for the C++ type of d.
template <typename T> struct Tag { using type = T; };

#define MAG_DTYPE_CASE(D, ...) \
  case DType::D: return f(Tag<typename CppTypeOf<DType::D>::type>{});

template <typename F>
decltype(auto) dispatch_all(DType d, F&& f) {
  switch (d) {
    MAG_DTYPE_CASE(Bool) MAG_DTYPE_CASE(UInt8) MAG_DTYPE_CASE(Int8) MAG_DTYPE_CASE(Int16)
    MAG_DTYPE_CASE(Int32) MAG_DTYPE_CASE(Int64) MAG_DTYPE_CASE(Float16) MAG_DTYPE_CASE(BFloat16)
    MAG_DTYPE_CASE(Float32) MAG_DTYPE_CASE(Float64)
    default: break;
  }
  return f(Tag<float>{});
}
#undef MAG_DTYPE_CASE

}  // namespace mag
