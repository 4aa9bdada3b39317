// reduce.cu: CUDA reductions over any set of dims (sum/prod/max/min/all/any), arg reductions
// along one dim, and cumsum. Reduced dims are those where out has size 1 and in does not.
// One block per output element reduces in shared memory; few outputs over many elements
// first reduce chunks into partials (a second pass combines them), so a full sum uses the
// whole GPU. Accumulation: float for 16/32-bit floats, double for double, int64 for integers.
#include <algorithm>
#include "kernels/cuda/cuda_common.cuh"

namespace mag {
namespace cuda {

template <typename A> __device__ __forceinline__ bool nan_(A x) {
  if constexpr (std::is_floating_point_v<A>) return x != x; else return false;
}

template <typename A>
__device__ __forceinline__ A combine(ReduceOp op, A x, A y) {
  switch (op) {
    case ReduceOp::Sum: return (A)(x + y);
    case ReduceOp::Prod: return (A)(x * y);
    case ReduceOp::Max: if (nan_(x)) return x; if (nan_(y)) return y; return x > y ? x : y;
    case ReduceOp::Min: if (nan_(x)) return x; if (nan_(y)) return y; return x < y ? x : y;
    case ReduceOp::All: return (A)(x && y);
    case ReduceOp::Any: return (A)(x || y);
  }
  return x;
}

// Block-wide combine of each thread's value (blockDim.x is a power of two); thread 0 gets it.
template <typename A>
__device__ A block_combine(ReduceOp op, A v) {
  extern __shared__ __align__(16) unsigned char smem_raw[];
  A* sm = reinterpret_cast<A*>(smem_raw);
  sm[threadIdx.x] = v;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if ((int)threadIdx.x < s) sm[threadIdx.x] = combine<A>(op, sm[threadIdx.x], sm[threadIdx.x + s]);
    __syncthreads();
  }
  A r = sm[0];
  __syncthreads();  // sm is reused by the next output
  return r;
}

// Task t = (output o, chunk c) reduces in[o's base + red(r)] for r in chunk c. With parts == 1
// the result goes to out at o's offset, else to partial[t].
template <typename T, typename A, typename O>
__global__ void reduce_kernel(ReduceOp op, int64_t n_out, int64_t n_red, int64_t parts, int64_t chunk,
                              OffsetCalc<2> kept, OffsetCalc<1> red, const T* in, O* out, A* partial, A init) {
  for (int64_t t = blockIdx.x; t < n_out * parts; t += gridDim.x) {
    int64_t o = t / parts, c = t % parts;
    int64_t ko[2];
    kept.get(o, ko);
    int64_t lo = c * chunk, hi = min(n_red, lo + chunk);
    A acc = init;
    for (int64_t r = lo + threadIdx.x; r < hi; r += blockDim.x) {
      int64_t ro[1];
      red.get(r, ro);
      acc = combine<A>(op, acc, cast_to<A, T>(in[ko[0] + ro[0]]));
    }
    acc = block_combine<A>(op, acc);
    if (threadIdx.x == 0) {
      if (parts == 1) out[ko[1]] = cast_to<O, A>(acc);
      else partial[t] = acc;
    }
  }
}

// Second pass: out[o] = combine of partial[o * parts .. o * parts + parts).
template <typename A, typename O>
__global__ void finish_kernel(ReduceOp op, int64_t n_out, int64_t parts, OffsetCalc<2> kept, const A* partial, O* out, A init) {
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    A acc = init;
    for (int64_t r = threadIdx.x; r < parts; r += blockDim.x) acc = combine<A>(op, acc, partial[o * parts + r]);
    acc = block_combine<A>(op, acc);
    if (threadIdx.x == 0) {
      int64_t ko[2];
      kept.get(o, ko);
      out[ko[1]] = cast_to<O, A>(acc);
    }
  }
}

template <typename A> constexpr DType dtype_of() {
  if constexpr (std::is_same_v<A, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<A, int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<A, double>) return DType::Float64;
  else return DType::Float32;
}

template <typename A> static A init_value(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: case ReduceOp::Any: return A(0);
    case ReduceOp::Prod: case ReduceOp::All: return A(1);
    case ReduceOp::Max:
      if constexpr (std::is_floating_point_v<A>) return -std::numeric_limits<A>::infinity();
      else return std::numeric_limits<A>::lowest();
    case ReduceOp::Min:
      if constexpr (std::is_floating_point_v<A>) return std::numeric_limits<A>::infinity();
      else return std::numeric_limits<A>::max();
  }
  return A(0);
}

static int block_for(int64_t n) {
  int b = 32;
  while (b < kBlock && b < n) b <<= 1;
  return b;
}

template <typename T, typename A, typename O>
static void run_reduce(ReduceOp op, const Tensor& out, const Tensor& in) {
  Shape ks, kin, kout, rs, rin;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (out.sizes()[d] == in.sizes()[d]) { ks.push_back(in.sizes()[d]); kin.push_back(in.strides()[d]); kout.push_back(out.strides()[d]); }
    else { rs.push_back(in.sizes()[d]); rin.push_back(in.strides()[d]); }
  }
  auto kept = calc_from<2>(ks, {kin, kout});
  auto red = calc_from<1>(rs, {rin});
  int64_t n_out = shape_numel(ks), n_red = shape_numel(rs);
  A init = init_value<A>(op);
  // few outputs over many elements: split each reduction into chunks of about 16 elements a thread
  int64_t parts = 1, chunk = n_red;
  if (n_out < 1024 && n_red > 16 * kBlock) {
    parts = std::min<int64_t>((n_red + 16 * kBlock - 1) / (16 * kBlock), std::max<int64_t>(1, 4096 / n_out));
    chunk = (n_red + parts - 1) / parts;
    parts = (n_red + chunk - 1) / chunk;
  }
  int block = block_for(parts > 1 ? chunk : n_red);
  size_t smem = (size_t)block * sizeof(A);
  unsigned grid = (unsigned)std::min<int64_t>(n_out * parts, 1 << 20);
  if (parts == 1) {
    reduce_kernel<T, A, O><<<grid, block, smem>>>(op, n_out, n_red, 1, chunk, kept, red, (const T*)in.data(),
                                                  (O*)out.data(), nullptr, init);
    MAG_CUDA_LAUNCH_CHECK();
    return;
  }
  Tensor partial = empty(Shape{n_out * parts}, dtype_of<A>(), in.device());
  reduce_kernel<T, A, O><<<grid, block, smem>>>(op, n_out, n_red, parts, chunk, kept, red, (const T*)in.data(),
                                                nullptr, (A*)partial.data(), init);
  MAG_CUDA_LAUNCH_CHECK();
  int b2 = block_for(parts);
  finish_kernel<A, O><<<(unsigned)std::min<int64_t>(n_out, 1 << 20), b2, (size_t)b2 * sizeof(A)>>>(
      op, n_out, parts, kept, (const A*)partial.data(), (O*)out.data(), init);
  MAG_CUDA_LAUNCH_CHECK();
}

static void cuda_reduce(ReduceOp op, const Tensor& out, const Tensor& in) {
  if (!out.numel()) return;
  DeviceGuard g(out);
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_t<T>;
    switch (op) {
      case ReduceOp::Sum: case ReduceOp::Prod:
        if constexpr (is_fp_v<T>) run_reduce<T, std::conditional_t<std::is_same_v<T, double>, double, float>, T>(op, out, in);
        else run_reduce<T, int64_t, int64_t>(op, out, in);  // integer sums and products are int64
        break;
      case ReduceOp::Max: case ReduceOp::Min:
        run_reduce<T, C, T>(op, out, in);
        break;
      case ReduceOp::All: case ReduceOp::Any:
        run_reduce<T, bool, bool>(op, out, in);
        break;
    }
  });
}

// --- argmax / argmin along one dim: the first extreme wins; a NaN beats everything (first NaN)
template <typename C>
__device__ __forceinline__ bool arg_better(bool is_max, C a, int64_t ai, C b, int64_t bi) {
  bool an = nan_(a), bn = nan_(b);
  if (an || bn) return an && (!bn || ai < bi);
  if (a == b) return ai < bi;
  return is_max ? a > b : a < b;
}

template <typename T>
__global__ void arg_reduce_kernel(bool is_max, int64_t n_out, int64_t n, int64_t st, OffsetCalc<3> outer,
                                  const T* in, T* values, int64_t* indices) {
  using C = compute_t<T>;
  __shared__ C sv[kBlock];
  __shared__ int64_t si[kBlock];
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    int64_t off[3];
    outer.get(o, off);
    C best{};
    int64_t bi = -1;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
      C v = to_c<T>(in[off[0] + i * st]);
      if (bi < 0 || arg_better<C>(is_max, v, i, best, bi)) { best = v; bi = i; }
    }
    sv[threadIdx.x] = best;
    si[threadIdx.x] = bi;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
      if ((int)threadIdx.x < s) {
        int64_t oi = si[threadIdx.x + s];
        if (oi >= 0 && (si[threadIdx.x] < 0 || arg_better<C>(is_max, sv[threadIdx.x + s], oi, sv[threadIdx.x], si[threadIdx.x]))) {
          sv[threadIdx.x] = sv[threadIdx.x + s];
          si[threadIdx.x] = oi;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      if (values) values[off[1]] = from_c<T>(sv[0]);
      if (indices) indices[off[2]] = si[0];
    }
    __syncthreads();
  }
}

static void cuda_arg_reduce(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim) {
  const Tensor& ref = values.defined() ? values : indices;
  if (!ref.numel()) return;
  DeviceGuard g(in);
  int64_t n = in.dim() ? in.sizes()[dim] : 1;
  int64_t st = in.dim() ? in.strides()[dim] : 0;
  Shape os, s_in, s_v, s_i;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (d == dim) continue;
    os.push_back(in.sizes()[d]);
    s_in.push_back(in.strides()[d]);
    s_v.push_back(values.defined() ? values.strides()[d] : 0);
    s_i.push_back(indices.defined() ? indices.strides()[d] : 0);
  }
  auto outer = calc_from<3>(os, {s_in, s_v, s_i});
  int64_t n_out = shape_numel(os);
  int block = block_for(n);
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    arg_reduce_kernel<T><<<(unsigned)std::min<int64_t>(n_out, 1 << 20), block>>>(
        is_max, n_out, n, st, outer, (const T*)in.data(), values.defined() ? (T*)values.data() : nullptr,
        indices.defined() ? (int64_t*)indices.data() : nullptr);
  });
  MAG_CUDA_LAUNCH_CHECK();
}

// --- cumsum: one thread per row along dim, accumulating in A, written as A (cast after if needed)
template <typename T, typename A>
__global__ void cumsum_kernel(int64_t n_rows, int64_t n, int64_t sti, int64_t sto, OffsetCalc<2> outer,
                              const T* in, A* out) {
  for (int64_t r = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; r < n_rows; r += (int64_t)gridDim.x * blockDim.x) {
    int64_t off[2];
    outer.get(r, off);
    A acc = 0;
    for (int64_t i = 0; i < n; ++i) {
      acc += cast_to<A, T>(in[off[0] + i * sti]);
      out[off[1] + i * sto] = acc;
    }
  }
}

void cuda_copy_kernel(const Tensor& dst, const Tensor& src);

static void cuda_cumsum(const Tensor& out, const Tensor& in, int64_t dim) {
  if (!in.numel()) return;
  DeviceGuard g(in);
  dispatch_dev(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = std::conditional_t<is_fp_v<T>, std::conditional_t<std::is_same_v<T, double>, double, float>, int64_t>;
    Tensor dst = out.dtype() == dtype_of<A>() ? out : empty(in.sizes(), dtype_of<A>(), in.device());
    int64_t n = in.dim() ? in.sizes()[dim] : 1;
    int64_t sti = in.dim() ? in.strides()[dim] : 0, sto = in.dim() ? dst.strides()[dim] : 0;
    Shape os, s_in, s_out;
    for (int64_t d = 0; d < in.dim(); ++d) {
      if (d == dim) continue;
      os.push_back(in.sizes()[d]);
      s_in.push_back(in.strides()[d]);
      s_out.push_back(dst.strides()[d]);
    }
    int64_t rows = shape_numel(os);
    cumsum_kernel<T, A><<<grid_for(rows), kBlock>>>(rows, n, sti, sto, calc_from<2>(os, {s_in, s_out}),
                                                    (const T*)in.data(), (A*)dst.data());
    MAG_CUDA_LAUNCH_CHECK();
    if (!dst.is_same(out)) cuda_copy_kernel(out, dst);
  });
}

void register_reduce(KernelTable& t) {
  t.reduce = cuda_reduce;
  t.arg_reduce = cuda_arg_reduce;
  t.cumsum = cuda_cumsum;
}

}  // namespace cuda
}  // namespace mag
