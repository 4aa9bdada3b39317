// cuda_common.cuh: what every CUDA kernel file shares: error checks (every CUDA call is
// checked and becomes torch's "CUDA error: ..." RuntimeError), the device guard, the dtype
// dispatch onto device types (float16 -> __half, bfloat16 -> __nv_bfloat16), value casts,
// and OffsetCalc, the strided indexer (linear index -> element offset of every operand).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <array>
#include <cstdint>
#include <limits>
#include <type_traits>
#include "core/cuda_backend.h"
#include "kernels/kernels.h"

namespace mag {
namespace cuda {

[[noreturn]] void throw_cuda_error(cudaError_t e, const char* what);

#define MAG_CUDA_CHECK(expr)                                        \
  do {                                                              \
    cudaError_t e_ = (expr);                                        \
    if (e_ != cudaSuccess) ::mag::cuda::throw_cuda_error(e_, #expr); \
  } while (0)
// after every kernel launch: launch-configuration errors surface here
#define MAG_CUDA_LAUNCH_CHECK() MAG_CUDA_CHECK(cudaGetLastError())

// Makes `index` the current device for the scope (kernels launch on the current device).
struct DeviceGuard {
  int prev = -1;
  explicit DeviceGuard(int index);
  explicit DeviceGuard(const Tensor& t) : DeviceGuard((int)t.device().index) {}
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;
};

constexpr int kBlock = 256;
// Blocks for n elements with a grid-stride loop (capped: big tensors loop).
inline unsigned grid_for(int64_t n, int block = kBlock) {
  int64_t g = (n + block - 1) / block;
  if (g < 1) g = 1;
  if (g > (1 << 20)) g = 1 << 20;
  return (unsigned)g;
}

// --- dtype dispatch onto device types
template <DType D> struct DevTypeOf { using type = typename CppTypeOf<D>::type; };
template <> struct DevTypeOf<DType::Float16> { using type = __half; };
template <> struct DevTypeOf<DType::BFloat16> { using type = __nv_bfloat16; };

#define MAG_CUDA_DTYPE_CASE(D) \
  case DType::D: return f(Tag<typename DevTypeOf<DType::D>::type>{});
template <typename F>
decltype(auto) dispatch_dev(DType d, F&& f) {
  switch (d) {
    MAG_CUDA_DTYPE_CASE(Bool) MAG_CUDA_DTYPE_CASE(UInt8) MAG_CUDA_DTYPE_CASE(Int8) MAG_CUDA_DTYPE_CASE(Int16)
    MAG_CUDA_DTYPE_CASE(Int32) MAG_CUDA_DTYPE_CASE(Int64) MAG_CUDA_DTYPE_CASE(Float16) MAG_CUDA_DTYPE_CASE(BFloat16)
    MAG_CUDA_DTYPE_CASE(Float32) MAG_CUDA_DTYPE_CASE(Float64)
    default: break;
  }
  return f(Tag<float>{});
}
#undef MAG_CUDA_DTYPE_CASE

template <typename T> constexpr bool is_half_v = std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;
// the type arithmetic happens in: float for the 16-bit floats, the type itself otherwise
template <typename T> using compute_t = std::conditional_t<is_half_v<T>, float, T>;
template <typename T> constexpr bool is_fp_v = is_half_v<T> || std::is_floating_point_v<T>;

template <typename T> __device__ __forceinline__ compute_t<T> to_c(T v) {
  if constexpr (std::is_same_v<T, __half>) return __half2float(v);
  else if constexpr (std::is_same_v<T, __nv_bfloat16>) return __bfloat162float(v);
  else return v;
}
template <typename T> __device__ __forceinline__ T from_c(compute_t<T> v) {
  if constexpr (std::is_same_v<T, __half>) return __float2half_rn(v);
  else if constexpr (std::is_same_v<T, __nv_bfloat16>) return __float2bfloat16_rn(v);
  else return v;
}

// dst = src with the CPU path's cast rules (kernels/cpu/elementwise.cpp cast_value)
template <typename D, typename S> __device__ __forceinline__ D cast_to(S v) {
  auto c = to_c<S>(v);
  using C = decltype(c);
  if constexpr (std::is_same_v<D, bool>) return c != C(0) || (is_fp_v<S> && c != c);
  else if constexpr (is_half_v<D>) return from_c<D>((float)c);
  else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<C>) {
    // out-of-range float -> int wraps through int64 like the CPU path (never UB)
    if (!(c >= (C)-9.2233720368547758e18 && c < (C)9.2233720368547758e18)) return (D)INT64_MIN;
    return (D)(int64_t)c;
  } else return (D)c;
}

// --- the strided indexer
constexpr int kMaxDims = 16;
template <int N>
struct OffsetCalc {
  int ndim = 0;
  bool contiguous = true;  // every operand is dense in row-major order: offset == linear index
  int64_t sizes[kMaxDims];
  int64_t strides[N][kMaxDims];  // in elements of each operand

  __device__ __forceinline__ void get(int64_t linear, int64_t* off) const {
#pragma unroll
    for (int k = 0; k < N; ++k) off[k] = contiguous ? linear : 0;
    if (contiguous) return;
    for (int d = ndim - 1; d >= 0; --d) {
      int64_t i = linear % sizes[d];
      linear /= sizes[d];
#pragma unroll
      for (int k = 0; k < N; ++k) off[k] += i * strides[k][d];
    }
  }
};

// An indexer over `sizes` with one stride list per operand (elements). Size-1 dims are dropped
// and dims every operand walks contiguously are merged (as the CPU StridedLoop does).
template <int N>
OffsetCalc<N> calc_from(const Shape& sizes, const std::array<Shape, N>& strides) {
  OffsetCalc<N> oc;
  MAG_CHECK(sizes.size() <= (size_t)kMaxDims, "tensors with more than 16 dims are not supported");
  int m = 0;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) continue;
    oc.sizes[m] = sizes[d];
    for (int k = 0; k < N; ++k) oc.strides[k][m] = strides[k][d];
    ++m;
  }
  int w = 0;
  for (int i = 0; i < m; ++i) {
    if (w > 0) {
      bool ok = true;
      for (int k = 0; k < N; ++k)
        if (oc.strides[k][w - 1] != oc.strides[k][i] * oc.sizes[i]) { ok = false; break; }
      if (ok) {
        oc.sizes[w - 1] *= oc.sizes[i];
        for (int k = 0; k < N; ++k) oc.strides[k][w - 1] = oc.strides[k][i];
        continue;
      }
    }
    oc.sizes[w] = oc.sizes[i];
    for (int k = 0; k < N; ++k) oc.strides[k][w] = oc.strides[k][i];
    ++w;
  }
  oc.ndim = w;
  // dense when at most one dim is left and every operand walks it with stride 1 (or nothing is left)
  oc.contiguous = true;
  if (w > 1) oc.contiguous = false;
  if (w == 1)
    for (int k = 0; k < N; ++k) if (oc.strides[k][0] != 1) oc.contiguous = false;
  return oc;
}

// ops[0] gives the iteration shape; all operands are views of that shape.
template <int N>
OffsetCalc<N> make_offset_calc(const std::array<const Tensor*, N>& ops) {
  std::array<Shape, N> st;
  for (int k = 0; k < N; ++k) st[k] = ops[k]->strides();
  return calc_from<N>(ops[0]->sizes(), st);
}

// The register functions each kernel family file provides (table.cu assembles the table).
void register_elementwise(KernelTable& t);
void register_reduce(KernelTable& t);
void register_index(KernelTable& t);
void register_blas(KernelTable& t);

}  // namespace cuda
}  // namespace mag
