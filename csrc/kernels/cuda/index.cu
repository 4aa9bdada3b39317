// index.cu: CUDA index_select / index_add / gather / scatter(_add) along one dim. One thread
// per element of the iterated tensor; accumulation uses atomics (so index_add / scatter_add
// with repeated indices add in an unspecified order, as torch's CUDA path). A bad index is
// recorded in a device flag and raised on the host with the CPU path's message after the
// kernel (a kernel cannot throw); outputs are fresh clones, so nothing the caller holds is
// half-written.
#include "kernels/cuda/cuda_common.cuh"

namespace mag {
namespace cuda {

// Geometry of one launch: the iterated shape and each operand's strides (elements).
struct IndexGeom {
  int nd;
  int64_t sizes[kMaxDims];
  int64_t s_out[kMaxDims], s_in[kMaxDims], s_idx[kMaxDims];
};

static IndexGeom make_geom(const Shape& sizes, const Tensor& out, const Tensor& in, const Shape& idx_strides) {
  MAG_CHECK(sizes.size() <= (size_t)kMaxDims, "tensors with more than 16 dims are not supported");
  IndexGeom g{};
  g.nd = (int)sizes.size();
  for (int d = 0; d < g.nd; ++d) {
    g.sizes[d] = sizes[d];
    g.s_out[d] = out.dim() ? out.strides()[d] : 0;
    g.s_in[d] = in.dim() ? in.strides()[d] : 0;
    g.s_idx[d] = idx_strides.size() ? idx_strides[d] : 0;
  }
  return g;
}

// first bad index seen by any thread (flag set once)
__device__ int g_bad_flag;
__device__ long long g_bad_value;

__device__ void report_bad(int64_t v) {
  if (atomicCAS(&g_bad_flag, 0, 1) == 0) g_bad_value = v;
}

static void reset_flag() {
  int zero = 0;
  MAG_CUDA_CHECK(cudaMemcpyToSymbol(g_bad_flag, &zero, sizeof(int)));
}
// true (and the bad value) when a kernel recorded an out-of-range index; synchronizes
static bool read_flag(int64_t& v) {
  int f = 0;
  long long bv = 0;
  MAG_CUDA_CHECK(cudaMemcpyFromSymbol(&f, g_bad_flag, sizeof(int)));
  if (!f) return false;
  MAG_CUDA_CHECK(cudaMemcpyFromSymbol(&bv, g_bad_value, sizeof(long long)));
  v = bv;
  return true;
}

// --- atomics for every dtype
template <typename T> __device__ void atomic_add(T* addr, T v) {
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int> ||
                std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>) {
    atomicAdd(addr, v);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    atomicAdd((unsigned long long*)addr, (unsigned long long)v);  // two's complement wraps alike
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v) *addr = true;  // logical or: idempotent stores
  } else {
    // 8/16-bit integers: compare-and-swap on the aligned 32-bit word that holds them
    uintptr_t a = (uintptr_t)addr;
    unsigned int* word = (unsigned int*)(a & ~uintptr_t(3));
    unsigned int shift = (unsigned int)(a & 3) * 8, mask = (sizeof(T) == 1 ? 0xffu : 0xffffu) << shift;
    unsigned int old = *word, assumed;
    do {
      assumed = old;
      T cur = (T)((assumed & mask) >> shift);
      T nv = (T)(cur + v);
      unsigned int repl = (assumed & ~mask) | (((unsigned int)(std::make_unsigned_t<T>)nv << shift) & mask);
      old = atomicCAS(word, assumed, repl);
    } while (old != assumed);
  }
}

// offsets of one linear position: out/in/idx offsets with the index dim taken from `idx`
__device__ __forceinline__ void decompose(const IndexGeom& g, int64_t i, int64_t* pos) {
  for (int d = g.nd - 1; d >= 0; --d) { pos[d] = i % g.sizes[d]; i /= g.sizes[d]; }
}

// out[..., j, ...] = in[..., index[j], ...]; iterates out
template <typename T>
__global__ void index_select_kernel(int64_t n, IndexGeom g, int dim, T* out, const T* in, const int64_t* index,
                                    int64_t ixs, int64_t size) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t pos[kMaxDims];
    decompose(g, i, pos);
    int64_t v = g.nd ? index[pos[dim] * ixs] : index[0];
    if (v < 0 || v >= size) { report_bad(v); continue; }
    int64_t oo = 0, io = 0;
    for (int d = 0; d < g.nd; ++d) { oo += pos[d] * g.s_out[d]; io += (d == dim ? v : pos[d]) * g.s_in[d]; }
    out[oo] = in[io];
  }
}

static void cuda_index_select(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  int64_t n = out.numel();
  if (!n) return;
  DeviceGuard dg(out);
  MAG_CHECK(index.device() == out.device(), "Expected all tensors to be on the same device, but found at least two devices, ",
            device_str(out.device()), " and ", device_str(index.device()), "!");
  IndexGeom g = make_geom(out.sizes(), out, in, {});
  int64_t size = in.dim() ? in.sizes()[dim] : 1, ixs = index.dim() ? index.strides()[0] : 0;
  reset_flag();
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    index_select_kernel<T><<<grid_for(n), kBlock>>>(n, g, (int)dim, (T*)out.data(), (const T*)in.data(),
                                                    (const int64_t*)index.data(), ixs, size);
  });
  MAG_CUDA_LAUNCH_CHECK();
  int64_t bad;
  if (read_flag(bad)) MAG_THROW(Index, "index out of range in self");
}

// out[..., index[j], ...] += src[..., j, ...]; iterates src
template <typename T>
__global__ void index_add_kernel(int64_t n, IndexGeom g, int dim, T* out, const T* src, const int64_t* index,
                                 int64_t ixs, int64_t size) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t pos[kMaxDims];
    decompose(g, i, pos);
    int64_t v = g.nd ? index[pos[dim] * ixs] : index[0];
    if (v < -size || v >= size) { report_bad(v); continue; }
    if (v < 0) v += size;
    int64_t oo = 0, so = 0;
    for (int d = 0; d < g.nd; ++d) { oo += (d == dim ? v : pos[d]) * g.s_out[d]; so += pos[d] * g.s_in[d]; }
    atomic_add<T>(out + oo, src[so]);
  }
}

static void cuda_index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  int64_t n = src.numel();
  if (!n) return;
  DeviceGuard dg(out);
  IndexGeom g = make_geom(src.sizes(), out, src, {});
  int64_t size = out.dim() ? out.sizes()[dim] : 1, ixs = index.dim() ? index.strides()[0] : 0;
  reset_flag();
  dispatch_dev(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    index_add_kernel<T><<<grid_for(n), kBlock>>>(n, g, (int)dim, (T*)out.data(), (const T*)src.data(),
                                                 (const int64_t*)index.data(), ixs, size);
  });
  MAG_CUDA_LAUNCH_CHECK();
  int64_t bad;
  if (read_flag(bad)) MAG_THROW(Index, "index ", bad, " is out of bounds for dimension ", dim, " with size ", size);
}

// out[pos] = in[pos with dim <- index[pos]]; iterates out (index has out's shape)
template <typename T>
__global__ void gather_kernel(int64_t n, IndexGeom g, int dim, T* out, const T* in, const int64_t* index, int64_t size) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t pos[kMaxDims];
    decompose(g, i, pos);
    int64_t xo = 0;
    for (int d = 0; d < g.nd; ++d) xo += pos[d] * g.s_idx[d];
    int64_t v = index[xo];
    if (v < -size || v >= size) { report_bad(v); continue; }
    if (v < 0) v += size;
    int64_t oo = 0, io = 0;
    for (int d = 0; d < g.nd; ++d) { oo += pos[d] * g.s_out[d]; io += (d == dim ? v : pos[d]) * g.s_in[d]; }
    out[oo] = in[io];
  }
}

static void cuda_gather(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  int64_t n = out.numel();
  if (!n) return;
  DeviceGuard dg(out);
  IndexGeom g = make_geom(out.sizes(), out, in, index.strides());
  int64_t size = in.dim() ? in.sizes()[dim] : 1;
  reset_flag();
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    gather_kernel<T><<<grid_for(n), kBlock>>>(n, g, (int)dim, (T*)out.data(), (const T*)in.data(),
                                              (const int64_t*)index.data(), size);
  });
  MAG_CUDA_LAUNCH_CHECK();
  int64_t bad;
  if (read_flag(bad)) MAG_THROW(Runtime, "index ", bad, " is out of bounds for dimension ", dim, " with size ", size);
}

// out[pos with dim <- index[pos]] (+)= src[pos]; iterates index
template <typename T>
__global__ void scatter_kernel(int64_t n, IndexGeom g, int dim, T* out, const T* src, const int64_t* index,
                               int64_t size, bool add) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    int64_t pos[kMaxDims];
    decompose(g, i, pos);
    int64_t xo = 0;
    for (int d = 0; d < g.nd; ++d) xo += pos[d] * g.s_idx[d];
    int64_t v = index[xo];
    if (v < -size || v >= size) { report_bad(v); continue; }
    if (v < 0) v += size;
    int64_t oo = 0, so = 0;
    for (int d = 0; d < g.nd; ++d) { oo += (d == dim ? v : pos[d]) * g.s_out[d]; so += pos[d] * g.s_in[d]; }
    if (add) atomic_add<T>(out + oo, src[so]);
    else out[oo] = src[so];
  }
}

static void cuda_scatter(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, bool add) {
  int64_t n = index.numel();
  if (!n) return;
  DeviceGuard dg(out);
  IndexGeom g = make_geom(index.sizes(), out, src, index.strides());
  int64_t size = out.dim() ? out.sizes()[dim] : 1;
  reset_flag();
  dispatch_dev(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    scatter_kernel<T><<<grid_for(n), kBlock>>>(n, g, (int)dim, (T*)out.data(), (const T*)src.data(),
                                               (const int64_t*)index.data(), size, add);
  });
  MAG_CUDA_LAUNCH_CHECK();
  int64_t bad;
  if (read_flag(bad)) MAG_THROW(Runtime, "index ", bad, " is out of bounds for dimension ", dim, " with size ", size);
}

void register_index(KernelTable& t) {
  t.index_select = cuda_index_select;
  t.index_add = cuda_index_add;
  t.gather = cuda_gather;
  t.scatter = cuda_scatter;
}

}  // namespace cuda
}  // namespace mag
