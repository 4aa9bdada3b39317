// elementwise.cpp: CPU unary, binary, copy/cast, fill and where kernels. One switch per op
// family picks a scalar lambda; map_elements does the strided iteration. float16/bfloat16
// compute in float.
#include <cmath>
#include <limits>
#include <type_traits>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/vec_math.h"

namespace mag {

template <typename T>
using compute_t = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;

template <typename T> static inline bool isnan_(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(x); else return false;
}

// float32 exp/log/tanh/sigmoid: contiguous rows through the vectorised loops of vec_math,
// other rows element by element through the same inline functions (identical results).
static bool unary_vec_f32(UnaryOp op, const Tensor& out, const Tensor& in) {
  void (*vec)(float*, const float*, int64_t);
  float (*one)(float);
  switch (op) {
    case UnaryOp::Exp: vec = vm::vexp_f32; one = vm::expf_; break;
    case UnaryOp::Log: vec = vm::vlog_f32; one = vm::logf_; break;
    case UnaryOp::Tanh: vec = vm::vtanh_f32; one = vm::tanhf_; break;
    case UnaryOp::Sigmoid: vec = vm::vsigmoid_f32; one = vm::sigmoidf_; break;
    default: return false;
  }
  StridedLoop<2> loop({&out, &in});
  loop.run([&](char** p, const int64_t* s, int64_t n) {
    if (s[0] == 4 && s[1] == 4) { vec((float*)p[0], (const float*)p[1], n); return; }
    for (int64_t i = 0; i < n; ++i) *(float*)(p[0] + i * s[0]) = one(*(const float*)(p[1] + i * s[1]));
  });
  return true;
}

template <typename T>
static void unary_typed(UnaryOp op, const Tensor& out, const Tensor& in) {
  using C = compute_t<T>;
  auto run = [&](auto f) { map_elements<T, T>(out, {&in}, [&](T x) -> T { return T(f(C(x))); }); };
  if constexpr (std::is_same_v<T, float>) {
    if (unary_vec_f32(op, out, in)) return;
  } else if constexpr (std::is_same_v<C, float>) {  // float16 / bfloat16 compute in float
    switch (op) {
      case UnaryOp::Exp: run(vm::expf_); return;
      case UnaryOp::Log: run(vm::logf_); return;
      case UnaryOp::Tanh: run(vm::tanhf_); return;
      case UnaryOp::Sigmoid: run(vm::sigmoidf_); return;
      default: break;
    }
  }
  switch (op) {
    case UnaryOp::Neg: run([](C x) { return (C)-x; }); break;
    case UnaryOp::Abs: run([](C x) { if constexpr (std::is_floating_point_v<C>) return std::fabs(x); else return x < 0 ? (C)-x : x; }); break;
    case UnaryOp::Sign: run([](C x) { return (C)((C(0) < x) - (x < C(0))); }); break;
    case UnaryOp::Exp: run([](C x) { return std::exp(x); }); break;
    case UnaryOp::Log: run([](C x) { return std::log(x); }); break;
    case UnaryOp::Log2: run([](C x) { return std::log2(x); }); break;
    case UnaryOp::Log10: run([](C x) { return std::log10(x); }); break;
    case UnaryOp::Log1p: run([](C x) { return std::log1p(x); }); break;
    case UnaryOp::Expm1: run([](C x) { return std::expm1(x); }); break;
    case UnaryOp::Sqrt: run([](C x) { return std::sqrt(x); }); break;
    case UnaryOp::Rsqrt: run([](C x) { return (C)(C(1) / std::sqrt(x)); }); break;
    case UnaryOp::Sin: run([](C x) { return std::sin(x); }); break;
    case UnaryOp::Cos: run([](C x) { return std::cos(x); }); break;
    case UnaryOp::Tan: run([](C x) { return std::tan(x); }); break;
    case UnaryOp::Tanh: run([](C x) { return std::tanh(x); }); break;
    case UnaryOp::Sigmoid: run([](C x) { return (C)(C(1) / (C(1) + std::exp(-x))); }); break;
    case UnaryOp::Relu: run([](C x) { return isnan_(x) ? x : (x > C(0) ? x : C(0)); }); break;
    case UnaryOp::Floor: run([](C x) { if constexpr (std::is_floating_point_v<C>) return std::floor(x); else return x; }); break;
    case UnaryOp::Ceil: run([](C x) { if constexpr (std::is_floating_point_v<C>) return std::ceil(x); else return x; }); break;
    case UnaryOp::Round: run([](C x) { if constexpr (std::is_floating_point_v<C>) return std::nearbyint(x); else return x; }); break;
    case UnaryOp::Trunc: run([](C x) { if constexpr (std::is_floating_point_v<C>) return std::trunc(x); else return x; }); break;
    case UnaryOp::Reciprocal: run([](C x) { return (C)(C(1) / x); }); break;
    case UnaryOp::Erf: run([](C x) { return std::erf(x); }); break;
    case UnaryOp::Asin: run([](C x) { return std::asin(x); }); break;
    case UnaryOp::Acos: run([](C x) { return std::acos(x); }); break;
    case UnaryOp::Atan: run([](C x) { return std::atan(x); }); break;
    case UnaryOp::Sinh: run([](C x) { return std::sinh(x); }); break;
    case UnaryOp::Cosh: run([](C x) { return std::cosh(x); }); break;
    case UnaryOp::Silu: run([](C x) { return (C)(x / (C(1) + std::exp(-x))); }); break;
    case UnaryOp::Square: run([](C x) { return (C)(x * x); }); break;
  }
}

static void cpu_unary(UnaryOp op, const Tensor& out, const Tensor& in) {
  dispatch_all(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      // bool inputs only reach ops that keep bool (abs/sign/relu...): identity-like.
      map_elements<bool, bool>(out, {&in}, [&](bool x) { return op == UnaryOp::Neg ? x : x; });
    } else {
      unary_typed<T>(op, out, in);
    }
  });
}

template <typename T>
static T floor_div(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= T(1);
    T fl;
    if (div != 0) {
      fl = std::floor(div);
      if (div - fl > T(0.5)) fl += T(1);
    } else {
      fl = std::copysign(T(0), a / b);
    }
    return fl;
  } else {
    if (b == 0) MAG_THROW(Runtime, "ZeroDivisionError");
    // min / -1 overflows (SIGFPE in C++); torch wraps: -a in two's complement
    if constexpr (std::is_signed_v<T>) if (b == -1) return (T)(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(a));
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return q;
  }
}

template <typename T>
static T remainder_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T mod = std::fmod(a, b);
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  } else {
    if (b == 0) MAG_THROW(Runtime, "ZeroDivisionError");
    if constexpr (std::is_signed_v<T>) if (b == -1) return 0;  // min % -1 would trap
    T mod = a % b;
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  }
}

// C's fmod: the result has the sign of the dividend (torch.fmod); remainder_ above is Python's %.
template <typename T>
static T fmod_(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(a, b);
  } else {
    if (b == 0) MAG_THROW(Runtime, "ZeroDivisionError");
    if constexpr (std::is_signed_v<T>) if (b == -1) return 0;
    return a % b;
  }
}

// torch's powi: a negative exponent gives 1 / base**|e| truncated (0 unless base is +-1);
// the product wraps like torch's (computed unsigned: signed overflow is undefined in C++).
// The "Integers to negative integer powers" error is raised for a scalar exponent only (ops).
template <typename T>
static T int_pow(T base, T exp) {
  if (exp < 0) {
    if (base == 1) return 1;
    if (base == -1) return (exp % 2) ? -1 : 1;
    return 0;
  }
  using U = std::make_unsigned_t<T>;
  U r = 1, b = (U)base;
  while (exp) { if (exp & 1) r *= b; b *= b; exp >>= 1; }
  return (T)r;
}

template <typename T>
static void binary_typed(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, Scalar alpha) {
  using C = compute_t<T>;
  auto run = [&](auto f) { map_elements<T, T, T>(out, {&a, &b}, [&](T x, T y) -> T { return T(f(C(x), C(y))); }); };
  auto cmp = [&](auto f) { map_elements<bool, T, T>(out, {&a, &b}, [&](T x, T y) -> bool { return f(C(x), C(y)); }); };
  constexpr bool fp = std::is_floating_point_v<C>;
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      bool sub = op == BinaryOp::Sub;
      if constexpr (std::is_same_v<T, bool>) {
        run([](C x, C y) { return (C)(x || y); });
      } else if (alpha.to_double() == 1.0) {
        if (sub) run([](C x, C y) { return (C)(x - y); }); else run([](C x, C y) { return (C)(x + y); });
      } else {
        if constexpr (fp) {
          C al = sub ? (C)-alpha.to_double() : (C)alpha.to_double();
          run([al](C x, C y) { return std::fma(y, al, x); });  // torch's vectorised add fuses
        } else {
          C al = sub ? (C)-alpha.to_int() : (C)alpha.to_int();
          run([al](C x, C y) { return (C)(x + al * y); });
        }
      }
      break;
    }
    case BinaryOp::Mul:
      if constexpr (std::is_same_v<T, bool>) run([](C x, C y) { return (C)(x && y); });
      else run([](C x, C y) { return (C)(x * y); });
      break;
    case BinaryOp::Div:
      if constexpr (!std::is_same_v<T, bool>) {
        if constexpr (fp) run([](C x, C y) { return (C)(x / y); });
        else run([](C x, C y) { if (y == 0) MAG_THROW(Runtime, "ZeroDivisionError"); return (C)(x / y); });
      }
      break;
    case BinaryOp::FloorDivide:
      if constexpr (!std::is_same_v<T, bool>) run([](C x, C y) { return floor_div<C>(x, y); });
      break;
    case BinaryOp::Remainder:
      if constexpr (!std::is_same_v<T, bool>) run([](C x, C y) { return remainder_<C>(x, y); });
      break;
    case BinaryOp::Fmod:
      if constexpr (!std::is_same_v<T, bool>) run([](C x, C y) { return fmod_<C>(x, y); });
      break;
    case BinaryOp::Pow:
      if constexpr (fp) run([](C x, C y) { return (C)std::pow(x, y); });
      else if constexpr (!std::is_same_v<T, bool>) run([](C x, C y) { return int_pow<C>(x, y); });
      break;
    case BinaryOp::Maximum:
      run([](C x, C y) { if (isnan_(x)) return x; if (isnan_(y)) return y; return x > y ? x : y; });
      break;
    case BinaryOp::Minimum:
      run([](C x, C y) { if (isnan_(x)) return x; if (isnan_(y)) return y; return x < y ? x : y; });
      break;
    case BinaryOp::Atan2:
      if constexpr (fp) run([](C x, C y) { return (C)std::atan2(x, y); });
      break;
    case BinaryOp::BitAnd:
      if constexpr (!fp) run([](C x, C y) { return (C)(x & y); });
      break;
    case BinaryOp::BitOr:
      if constexpr (!fp) run([](C x, C y) { return (C)(x | y); });
      break;
    case BinaryOp::BitXor:
      if constexpr (!fp) run([](C x, C y) { return (C)(x ^ y); });
      break;
    case BinaryOp::SigmoidBackward:  // torch's order: (grad * (1 - y)) * y
      if constexpr (fp) run([](C g, C y) { return (C)(g * (C(1) - y) * y); });
      break;
    case BinaryOp::TanhBackward:
      if constexpr (fp) run([](C g, C y) { return (C)(g * (C(1) - y * y)); });
      break;
    case BinaryOp::Eq: cmp([](C x, C y) { return x == y; }); break;
    case BinaryOp::Ne: cmp([](C x, C y) { return x != y; }); break;
    case BinaryOp::Lt: cmp([](C x, C y) { return x < y; }); break;
    case BinaryOp::Le: cmp([](C x, C y) { return x <= y; }); break;
    case BinaryOp::Gt: cmp([](C x, C y) { return x > y; }); break;
    case BinaryOp::Ge: cmp([](C x, C y) { return x >= y; }); break;
    case BinaryOp::LogicalAnd: cmp([](C x, C y) { return x != C(0) && y != C(0); }); break;
    case BinaryOp::LogicalOr: cmp([](C x, C y) { return x != C(0) || y != C(0); }); break;
    case BinaryOp::LogicalXor: cmp([](C x, C y) { return (x != C(0)) != (y != C(0)); }); break;
  }
}

static void cpu_binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, Scalar alpha) {
  dispatch_all(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    binary_typed<T>(op, out, a, b, alpha);
  });
}

template <typename D, typename S>
static inline D cast_value(S v) {
  if constexpr (std::is_same_v<D, bool>) return (bool)(compute_t<S>)v;
  else if constexpr (std::is_same_v<S, Half> || std::is_same_v<S, BFloat16>) return D((float)v);
  else if constexpr (std::is_same_v<D, Half> || std::is_same_v<D, BFloat16>) return D((float)v);
  else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>) {
    // out-of-range float -> int is UB in C++; wrap through int64 like x86 torch builds do.
    if (!(v >= -9.2233720368547758e18 && v < 9.2233720368547758e18)) return (D)std::numeric_limits<int64_t>::min();
    return (D)(int64_t)v;
  } else return (D)v;
}

static void cpu_copy(const Tensor& dst, const Tensor& src) {
  dispatch_all(dst.dtype(), [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    dispatch_all(src.dtype(), [&](auto stag) {
      using S = typename decltype(stag)::type;
      map_elements<D, S>(dst, {&src}, [](S v) { return cast_value<D, S>(v); });
    });
  });
}

static void cpu_fill(const Tensor& dst, Scalar v) {
  dispatch_all(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T val;
    if constexpr (std::is_same_v<T, bool>) val = v.kind == Scalar::Float ? v.d != 0 : v.i != 0;
    else if constexpr (std::is_integral_v<T>) val = v.kind == Scalar::Float ? cast_value<T, double>(v.d) : (T)v.i;
    else val = v.kind == Scalar::Float ? T((compute_t<T>)v.d) : T((compute_t<T>)v.i);
    StridedLoop<1> loop({&dst});
    loop.run([&](char** p, const int64_t* s, int64_t n) {
      if (s[0] == (int64_t)sizeof(T)) { T* o = (T*)p[0]; for (int64_t i = 0; i < n; ++i) o[i] = val; }
      else for (int64_t i = 0; i < n; ++i) *(T*)(p[0] + i * s[0]) = val;
    });
  });
}

static void cpu_where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  dispatch_all(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_elements<T, bool, T, T>(out, {&cond, &a, &b}, [](bool c, T x, T y) { return c ? x : y; });
  });
}

void register_elementwise(KernelTable& t) {
  t.unary = cpu_unary;
  t.binary = cpu_binary;
  t.copy = cpu_copy;
  t.fill = cpu_fill;
  t.where = cpu_where;
}

}  // namespace mag
