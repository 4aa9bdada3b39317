// elementwise.cu: CUDA unary, binary, copy/cast, fill and where. One kernel per dtype with
// the op chosen by a switch (uniform across a warp), so the build stays small; operands are
// walked through OffsetCalc (any strides, broadcasting by stride 0) with a contiguous fast
// path. float16/bfloat16 compute in float, as on the CPU.
#include "kernels/cuda/cuda_common.cuh"

namespace mag {
namespace cuda {

template <typename C> __device__ __forceinline__ bool isnan_(C x) {
  if constexpr (std::is_floating_point_v<C>) return x != x; else return false;
}

template <typename C>
__device__ C unary_apply(UnaryOp op, C x) {
  constexpr bool fp = std::is_floating_point_v<C>;
  if constexpr (std::is_same_v<C, bool>) {
    return x;  // bool inputs only reach ops that keep bool (abs/sign/relu...)
  } else if constexpr (fp) {
    switch (op) {
      case UnaryOp::Neg: return -x;
      case UnaryOp::Abs: return fabs(x);
      case UnaryOp::Sign: return (C)((C(0) < x) - (x < C(0)));
      case UnaryOp::Exp: return exp(x);
      case UnaryOp::Log: return log(x);
      case UnaryOp::Log2: return log2(x);
      case UnaryOp::Log10: return log10(x);
      case UnaryOp::Log1p: return log1p(x);
      case UnaryOp::Expm1: return expm1(x);
      case UnaryOp::Sqrt: return sqrt(x);
      case UnaryOp::Rsqrt: return C(1) / sqrt(x);
      case UnaryOp::Sin: return sin(x);
      case UnaryOp::Cos: return cos(x);
      case UnaryOp::Tan: return tan(x);
      case UnaryOp::Tanh: return tanh(x);
      case UnaryOp::Sigmoid: return C(1) / (C(1) + exp(-x));
      case UnaryOp::Relu: return isnan_(x) ? x : (x > C(0) ? x : C(0));
      case UnaryOp::Floor: return floor(x);
      case UnaryOp::Ceil: return ceil(x);
      case UnaryOp::Round: return rint(x);  // half to even, as nearbyint on the CPU
      case UnaryOp::Trunc: return trunc(x);
      case UnaryOp::Reciprocal: return C(1) / x;
      case UnaryOp::Erf: return erf(x);
      case UnaryOp::Asin: return asin(x);
      case UnaryOp::Acos: return acos(x);
      case UnaryOp::Atan: return atan(x);
      case UnaryOp::Sinh: return sinh(x);
      case UnaryOp::Cosh: return cosh(x);
      case UnaryOp::Silu: return x / (C(1) + exp(-x));
      case UnaryOp::Square: return x * x;
    }
    return x;
  } else {
    // integers: the ops that keep an integer dtype (the others were promoted to float)
    switch (op) {
      case UnaryOp::Neg: return (C)(0 - x);
      case UnaryOp::Abs: return x < 0 ? (C)(0 - x) : x;
      case UnaryOp::Sign: return (C)((C(0) < x) - (x < C(0)));
      case UnaryOp::Relu: return x > C(0) ? x : C(0);
      case UnaryOp::Square: return (C)(x * x);
      default: return x;  // floor/ceil/round/trunc are the identity on integers
    }
  }
}

template <typename T>
__global__ void unary_kernel(UnaryOp op, int64_t n, OffsetCalc<2> oc, T* out, const T* in) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[2];
    oc.get(i, o);
    out[o[0]] = from_c<T>(unary_apply<compute_t<T>>(op, to_c<T>(in[o[1]])));
  }
}

static void cuda_unary(UnaryOp op, const Tensor& out, const Tensor& in) {
  int64_t n = out.numel();
  if (!n) return;
  DeviceGuard g(out);
  auto oc = make_offset_calc<2>({&out, &in});
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    unary_kernel<T><<<grid_for(n), kBlock>>>(op, n, oc, (T*)out.data(), (const T*)in.data());
  });
  MAG_CUDA_LAUNCH_CHECK();
}

// --- binary
template <typename C> __device__ C floor_div(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (b == 0) return a / b;
    C mod = fmod(a, b);
    C div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= C(1);
    if (div != 0) {
      C fl = floor(div);
      if (div - fl > C(0.5)) fl += C(1);
      return fl;
    }
    return copysign(C(0), a / b);
  } else {
    if (b == 0) return 0;  // the CPU raises ZeroDivisionError; a kernel cannot (torch's CUDA gives garbage)
    if constexpr (std::is_signed_v<C>) if (b == -1) return (C)(std::make_unsigned_t<C>(0) - std::make_unsigned_t<C>(a));
    C q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    return q;
  }
}

template <typename C> __device__ C remainder_(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    C mod = fmod(a, b);
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<C>) if (b == -1) return 0;
    C mod = a % b;
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  }
}

template <typename C> __device__ C fmod_(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) return fmod(a, b);
  else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<C>) if (b == -1) return 0;
    return a % b;
  }
}

template <typename C> __device__ C int_pow(C base, C exp) {
  if constexpr (std::is_signed_v<C>) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2) ? -1 : 1;
      return 0;
    }
  }
  using U = std::make_unsigned_t<C>;
  U r = 1, b = (U)base;
  while (exp) { if (exp & 1) r *= b; b *= b; exp >>= 1; }
  return (C)r;
}

// arithmetic ops (kind 0): result in the compute dtype
template <typename C>
__device__ C binary_apply(BinaryOp op, C x, C y, C alpha, bool unit_alpha) {
  constexpr bool fp = std::is_floating_point_v<C>;
  if constexpr (std::is_same_v<C, bool>) {
    switch (op) {
      case BinaryOp::Add: case BinaryOp::Sub: case BinaryOp::BitOr: case BinaryOp::Maximum: return x || y;
      case BinaryOp::Mul: case BinaryOp::BitAnd: case BinaryOp::Minimum: return x && y;
      case BinaryOp::BitXor: return x != y;
      default: return x;
    }
  } else {
    switch (op) {
      case BinaryOp::Add:
        if (unit_alpha) return x + y;
        if constexpr (fp) return fma(y, alpha, x); else return (C)(x + alpha * y);
      case BinaryOp::Sub:
        if (unit_alpha) return x - y;
        if constexpr (fp) return fma(y, -alpha, x); else return (C)(x - alpha * y);
      case BinaryOp::Mul: return x * y;
      case BinaryOp::Div:
        if constexpr (fp) return x / y; else return y == 0 ? C(0) : (C)(x / y);
      case BinaryOp::FloorDivide: return floor_div<C>(x, y);
      case BinaryOp::Remainder: return remainder_<C>(x, y);
      case BinaryOp::Fmod: return fmod_<C>(x, y);
      case BinaryOp::Pow:
        if constexpr (fp) return pow(x, y); else return int_pow<C>(x, y);
      case BinaryOp::Maximum: if (isnan_(x)) return x; if (isnan_(y)) return y; return x > y ? x : y;
      case BinaryOp::Minimum: if (isnan_(x)) return x; if (isnan_(y)) return y; return x < y ? x : y;
      case BinaryOp::Atan2:
        if constexpr (fp) return atan2(x, y); else return x;
      case BinaryOp::BitAnd: if constexpr (!fp) return x & y; else return x;
      case BinaryOp::BitOr: if constexpr (!fp) return x | y; else return x;
      case BinaryOp::BitXor: if constexpr (!fp) return x ^ y; else return x;
      default: return x;
    }
  }
}

// comparison and logical ops (kinds 1, 2): bool result
template <typename C>
__device__ bool compare_apply(BinaryOp op, C x, C y) {
  switch (op) {
    case BinaryOp::Eq: return x == y;
    case BinaryOp::Ne: return x != y;
    case BinaryOp::Lt: return x < y;
    case BinaryOp::Le: return x <= y;
    case BinaryOp::Gt: return x > y;
    case BinaryOp::Ge: return x >= y;
    case BinaryOp::LogicalAnd: return x != C(0) && y != C(0);
    case BinaryOp::LogicalOr: return x != C(0) || y != C(0);
    case BinaryOp::LogicalXor: return (x != C(0)) != (y != C(0));
    default: return false;
  }
}

template <typename T>
__global__ void binary_kernel(BinaryOp op, int64_t n, OffsetCalc<3> oc, T* out, const T* a, const T* b,
                              compute_t<T> alpha, bool unit_alpha) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[3];
    oc.get(i, o);
    out[o[0]] = from_c<T>(binary_apply<compute_t<T>>(op, to_c<T>(a[o[1]]), to_c<T>(b[o[2]]), alpha, unit_alpha));
  }
}

template <typename T>
__global__ void compare_kernel(BinaryOp op, int64_t n, OffsetCalc<3> oc, bool* out, const T* a, const T* b) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[3];
    oc.get(i, o);
    out[o[0]] = compare_apply<compute_t<T>>(op, to_c<T>(a[o[1]]), to_c<T>(b[o[2]]));
  }
}

static void cuda_binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, Scalar alpha) {
  int64_t n = out.numel();
  if (!n) return;
  DeviceGuard g(out);
  auto oc = make_offset_calc<3>({&out, &a, &b});
  dispatch_dev(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    if (binary_kind(op) == 0) {
      C al;
      if constexpr (std::is_same_v<C, bool>) al = alpha.to_double() != 0;
      else if constexpr (std::is_floating_point_v<C>) al = (C)alpha.to_double();
      else al = (C)alpha.to_int();
      binary_kernel<T><<<grid_for(n), kBlock>>>(op, n, oc, (T*)out.data(), (const T*)a.data(), (const T*)b.data(),
                                                 al, alpha.to_double() == 1.0);
    } else {
      compare_kernel<T><<<grid_for(n), kBlock>>>(op, n, oc, (bool*)out.data(), (const T*)a.data(), (const T*)b.data());
    }
  });
  MAG_CUDA_LAUNCH_CHECK();
}

// --- copy / cast, fill, where
template <typename D, typename S>
__global__ void copy_kernel(int64_t n, OffsetCalc<2> oc, D* dst, const S* src) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[2];
    oc.get(i, o);
    dst[o[0]] = cast_to<D, S>(src[o[1]]);
  }
}

void cuda_copy_kernel(const Tensor& dst, const Tensor& src) {
  int64_t n = dst.numel();
  if (!n) return;
  MAG_CHECK(dst.device() == src.device(), "copy kernel: operands on different devices");
  DeviceGuard g(dst);
  auto oc = make_offset_calc<2>({&dst, &src});
  dispatch_dev(dst.dtype(), [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    dispatch_dev(src.dtype(), [&](auto stag) {
      using S = typename decltype(stag)::type;
      copy_kernel<D, S><<<grid_for(n), kBlock>>>(n, oc, (D*)dst.data(), (const S*)src.data());
    });
  });
  MAG_CUDA_LAUNCH_CHECK();
}

template <typename T>
__global__ void fill_kernel(int64_t n, OffsetCalc<1> oc, T* dst, T v) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[1];
    oc.get(i, o);
    dst[o[0]] = v;
  }
}

// The fill value in T, computed on the host with the CPU path's rules.
template <typename T> static T host_fill_value(Scalar v) {
  if constexpr (std::is_same_v<T, bool>) return v.kind == Scalar::Float ? v.d != 0 : v.i != 0;
  else if constexpr (std::is_same_v<T, __half>) return __float2half_rn(v.kind == Scalar::Float ? (float)v.d : (float)v.i);
  else if constexpr (std::is_same_v<T, __nv_bfloat16>) return __float2bfloat16_rn(v.kind == Scalar::Float ? (float)v.d : (float)v.i);
  else if constexpr (std::is_integral_v<T>) {
    if (v.kind != Scalar::Float) return (T)v.i;
    if (!(v.d >= -9.2233720368547758e18 && v.d < 9.2233720368547758e18)) return (T)INT64_MIN;
    return (T)(int64_t)v.d;
  } else return v.kind == Scalar::Float ? (T)v.d : (T)v.i;
}

static void cuda_fill(const Tensor& dst, Scalar v) {
  int64_t n = dst.numel();
  if (!n) return;
  DeviceGuard g(dst);
  auto oc = make_offset_calc<1>({&dst});
  dispatch_dev(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    fill_kernel<T><<<grid_for(n), kBlock>>>(n, oc, (T*)dst.data(), host_fill_value<T>(v));
  });
  MAG_CUDA_LAUNCH_CHECK();
}

void cuda_fill_zero(const Tensor& dst) { cuda_fill(dst, Scalar::from_int(0)); }

template <typename T>
__global__ void where_kernel(int64_t n, OffsetCalc<4> oc, T* out, const bool* c, const T* a, const T* b) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t o[4];
    oc.get(i, o);
    out[o[0]] = c[o[1]] ? a[o[2]] : b[o[3]];
  }
}

static void cuda_where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  int64_t n = out.numel();
  if (!n) return;
  DeviceGuard g(out);
  auto oc = make_offset_calc<4>({&out, &cond, &a, &b});
  dispatch_dev(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    where_kernel<T><<<grid_for(n), kBlock>>>(n, oc, (T*)out.data(), (const bool*)cond.data(), (const T*)a.data(),
                                             (const T*)b.data());
  });
  MAG_CUDA_LAUNCH_CHECK();
}

void register_elementwise(KernelTable& t) {
  t.unary = cuda_unary;
  t.binary = cuda_binary;
  t.copy = cuda_copy_kernel;
  t.fill = cuda_fill;
  t.where = cuda_where;
}

}  // namespace cuda
}  // namespace mag
