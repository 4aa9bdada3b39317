// sum_cascade.cpp: floating-point sum in torch's order, so results match torch bit for bit.
// torch (aten/src/ATen/native/cpu/SumKernel.cpp) sums with a 4-level cascade over chunks of
// >= 16 elements, in vector lanes (8 float lanes: its AVX2 build), inside the
// iteration order of a reduction TensorIterator (reduced dims innermost, coalesced), split
// across threads by TensorIteratorReduce.cpp (two-pass per-thread partials for full
// reductions, a split of one kept dim otherwise). This file re-derives that geometry and
// order; the lanes are plain arrays (the compiler vectorises them). float16/bfloat16
// accumulate in float, store with torch's rounding (`Half += float` rounds the addend first).
#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/parallel.h"
#include "kernels/cpu/sum_cascade.h"

namespace mag {
namespace {

// ---- the reduction iterator's geometry (TensorIterator: reorder_dimensions + coalesce) ----
struct RedIter {
  int ndim = 0;
  int64_t shape[16];
  int64_t st[2][16];  // byte strides: [0] output (0 on reduced dims), [1] input
  char* ptr[2];
  int64_t numel() const { int64_t n = 1; for (int d = 0; d < ndim; ++d) n *= shape[d]; return n; }
  bool is_dim_reduced(int d) const { return st[0][d] == 0 && shape[d] > 1; }
};

RedIter make_iter(const Tensor& out, const Tensor& in) {
  RedIter it;
  int nd = (int)in.dim();
  int64_t osz = itemsize(out.dtype()), isz = itemsize(in.dtype());
  int64_t shape[16], st[2][16];
  for (int d = 0; d < nd; ++d) {
    shape[d] = in.sizes()[d];
    bool reduced = out.sizes()[d] == 1 && in.sizes()[d] != 1;
    st[0][d] = reduced ? 0 : out.strides()[d] * osz;
    st[1][d] = in.strides()[d] * isz;
  }
  // reorder: start fastest-first (reversed), insertion sort with torch's comparison
  int perm[16];
  for (int i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  auto should_swap = [&](int d0, int d1) -> int {
    for (int arg = 0; arg < 2; ++arg) {
      int64_t s0 = st[arg][d0], s1 = st[arg][d1];
      if (arg == 0 && ((s0 == 0) != (s1 == 0))) return s1 == 0 ? 1 : -1;  // reduced dims first
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (int i = 1; i < nd; ++i) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; --d0) {
      int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) { std::swap(perm[d0], perm[d1]); d1 = d0; }
      else if (c < 0) break;
    }
  }
  for (int i = 0; i < nd; ++i) {
    it.shape[i] = shape[perm[i]];
    it.st[0][i] = st[0][perm[i]];
    it.st[1][i] = st[1][perm[i]];
  }
  it.ndim = nd;
  // coalesce
  if (nd > 1) {
    int prev = 0;
    for (int d = 1; d < nd; ++d) {
      int64_t s0 = it.shape[prev], s1 = it.shape[d];
      bool can = s0 == 1 || s1 == 1;
      if (!can) {
        can = true;
        for (int k = 0; k < 2; ++k) if (s0 * it.st[k][prev] != it.st[k][d]) { can = false; break; }
      }
      if (can) {
        if (it.shape[prev] == 1) for (int k = 0; k < 2; ++k) it.st[k][prev] = it.st[k][d];
        it.shape[prev] *= it.shape[d];
      } else {
        ++prev;
        if (prev != d) {
          for (int k = 0; k < 2; ++k) it.st[k][prev] = it.st[k][d];
          it.shape[prev] = it.shape[d];
        }
      }
    }
    it.ndim = prev + 1;
  }
  it.ptr[0] = out.data();
  it.ptr[1] = in.data();
  return it;
}

// at::internal::serial_for_each over a linear range, with torch's DimCounter 2-D steps.
template <typename Loop>
void serial_for_each(const RedIter& it, char* const base[2], const Loop& loop, int64_t begin, int64_t end) {
  int nd = it.ndim;
  int64_t strides[4] = {nd > 0 ? it.st[0][0] : 0, nd > 0 ? it.st[1][0] : 0, nd > 1 ? it.st[0][1] : 0, nd > 1 ? it.st[1][1] : 0};
  if (nd <= 1) {
    char* p[2] = {base[0] + (nd ? begin * it.st[0][0] : 0), base[1] + (nd ? begin * it.st[1][0] : 0)};
    loop(p, strides, end - begin, 1);
    return;
  }
  int64_t values[16] = {0};
  int64_t lin = begin;
  for (int d = 0; d < nd; ++d) if (it.shape[d] > 0) { values[d] = lin % it.shape[d]; lin /= it.shape[d]; }
  int64_t offset = begin;
  while (offset < end) {
    char* p[2];
    for (int k = 0; k < 2; ++k) {
      char* q = base[k];
      for (int d = 0; d < nd; ++d) q += values[d] * it.st[k][d];
      p[k] = q;
    }
    int64_t step0 = std::min(it.shape[0] - values[0], end - offset), step1 = 1;
    if (step0 == it.shape[0]) step1 = std::min(it.shape[1] - values[1], (end - offset) / it.shape[0]);
    loop(p, strides, step0, step1);
    offset += step0 * step1;
    int i = 0;
    int64_t overflow = step0;
    if (step1 != 1) { i = 1; overflow = step1; }
    for (; i < nd && overflow > 0; ++i) {
      int64_t v = values[i] + overflow;
      if (v >= it.shape[i]) { overflow = 1; v -= it.shape[i]; } else overflow = 0;
      values[i] = v;
    }
  }
}

// TensorIteratorBase::parallel_reduce (TensorIteratorReduce.cpp)
template <typename T, typename Loop>
void parallel_reduce(const RedIter& it, const Loop& loop) {
  int64_t numel = it.numel();
  int nthreads = get_num_threads();
  bool out_scalar = true;
  for (int d = 0; d < it.ndim; ++d) if (it.st[0][d] != 0 && it.shape[d] > 1) out_scalar = false;
  if (numel < GRAIN_SIZE || nthreads == 1 || in_parallel_region()) {
    serial_for_each(it, it.ptr, loop, 0, numel);
  } else if (out_scalar) {
    // two-pass: per-thread partials in a buffer of the output dtype, then reduced in order
    std::vector<T> buf(nthreads, T(0.0f));
    parallel_for(0, numel, GRAIN_SIZE, [&](int64_t b, int64_t e) {
      char* base[2] = {(char*)(buf.data() + get_thread_num()), it.ptr[1]};
      serial_for_each(it, base, loop, b, e);
    });
    RedIter fin;
    fin.ndim = 1;
    fin.shape[0] = nthreads;
    fin.st[0][0] = 0;
    fin.st[1][0] = sizeof(T);
    char* base[2] = {it.ptr[0], (char*)buf.data()};
    serial_for_each(fin, base, loop, 0, nthreads);
  } else {
    // split the outer-most kept dim that has >= nthreads entries
    int dim = it.ndim - 1;
    int best = dim;
    for (; dim >= 0 && !it.is_dim_reduced(dim); --dim) {
      if (it.shape[dim] >= nthreads) { best = dim; break; }
      if (it.shape[dim] > it.shape[best]) best = dim;
    }
    dim = best;
    int64_t cols = it.shape[dim];
    bool round = it.st[1][dim] == (int64_t)sizeof(T);
    parallel_for(0, cols, 1, [&](int64_t b, int64_t e) {
      if (round) {
        int64_t m = 128 / (int64_t)sizeof(T);
        b -= b % m;
        if (e != cols) e -= e % m;
      }
      if (b == e) return;
      RedIter sub = it;
      sub.shape[dim] = e - b;
      for (int k = 0; k < 2; ++k) sub.ptr[k] = it.ptr[k] + b * it.st[k][dim];
      serial_for_each(sub, sub.ptr, loop, 0, sub.numel());
    });
  }
}

// ---- SumKernel.cpp's cascade, with L-lane vectors as arrays ----
template <typename A, int L>
struct Lanes {
  A v[L];
  Lanes& operator+=(const Lanes& o) {
    for (int i = 0; i < L; ++i) v[i] += o.v[i];
    return *this;
  }
};
template <typename V> inline V zero() { if constexpr (std::is_arithmetic_v<V>) return V(0); else return V{}; }

template <typename A, typename T> inline A to_acc(T x) {
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) return (A)(float)x; else return (A)x;
}

template <typename T, typename A>
struct ScalarLoad {
  static constexpr int64_t memsize = sizeof(T);
  static A load(const char* data, int64_t stride, int64_t index) { return to_acc<A>(*(const T*)(data + index * stride)); }
};
// inner sum: a full vector of T; for half types the two float halves are added lane-wise
template <typename T, typename A, int VT, int VA>
struct InnerVecLoad {
  static constexpr int64_t memsize = VT * sizeof(T);
  static Lanes<A, VA> load(const char* data, int64_t stride, int64_t index) {
    const T* p = (const T*)(data + stride * index);
    Lanes<A, VA> r;
    if constexpr (VT == VA) { for (int i = 0; i < VA; ++i) r.v[i] = to_acc<A>(p[i]); }
    else { for (int i = 0; i < VA; ++i) r.v[i] = to_acc<A>(p[i]) + to_acc<A>(p[i + VA]); }
    return r;
  }
};
// outer sum: VA consecutive columns
template <typename T, typename A, int VA>
struct OuterVecLoad {
  static constexpr int64_t memsize = VA * sizeof(T);
  static Lanes<A, VA> load(const char* data, int64_t stride, int64_t index) {
    const T* p = (const T*)(data + stride * index);
    Lanes<A, VA> r;
    for (int i = 0; i < VA; ++i) r.v[i] = to_acc<A>(p[i]);
    return r;
  }
};

template <typename T, typename A>
inline void store_acc(char* data, int64_t stride, int64_t index, A value) {
  T* p = (T*)(data + index * stride);
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) *p = T((float)*p + (float)value);
  else *p += value;
}
template <typename T, typename A, int L>
inline void store_acc(char* data, int64_t stride, int64_t index, const Lanes<A, L>& v) {
  char* base = data + stride * index;
  for (int k = 0; k < L; ++k) store_acc<T, A>(base, stride, k, v.v[k]);
}
template <typename T, typename A, size_t N, typename V>
inline void store_acc(char* data, int64_t stride, int64_t index, const std::array<V, N>& v) {
  char* base = data + stride * index;
  for (size_t k = 0; k < N; ++k) store_acc<T, A>(base, stride, (int64_t)k, v[k]);
}

inline int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  return 64 - __builtin_clzll((uint64_t)x - 1);
}

template <typename V, int64_t nrows, typename Load>
std::array<V, nrows> multi_row_sum(const char* in, int64_t row_stride, int64_t col_stride, int64_t size) {
  constexpr int64_t num_levels = 4;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2(size) / num_levels);
  const int64_t level_step = (int64_t)1 << level_power;
  const int64_t level_mask = level_step - 1;
  V acc[num_levels][nrows];
  for (auto& lv : acc) for (auto& a : lv) a = zero<V>();
  int64_t i = 0;
  for (; i + level_step <= size;) {
    for (int64_t j = 0; j < level_step; ++j, ++i) {
      const char* base = in + i * row_stride;
      for (int64_t k = 0; k < nrows; ++k) acc[0][k] += Load::load(base, col_stride, k);
    }
    for (int64_t j = 1; j < num_levels; ++j) {
      for (int64_t k = 0; k < nrows; ++k) { acc[j][k] += acc[j - 1][k]; acc[j - 1][k] = zero<V>(); }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < size; ++i) {
    const char* base = in + i * row_stride;
    for (int64_t k = 0; k < nrows; ++k) acc[0][k] += Load::load(base, col_stride, k);
  }
  for (int64_t j = 1; j < num_levels; ++j)
    for (int64_t k = 0; k < nrows; ++k) acc[0][k] += acc[j][k];
  std::array<V, nrows> r;
  for (int64_t k = 0; k < nrows; ++k) r[k] = acc[0][k];
  return r;
}

template <typename V, typename Load>
V row_sum(const char* in, int64_t in_stride, int64_t size) {
  constexpr int64_t ilp = 4;
  const int64_t size_ilp = size / ilp;
  auto partial = multi_row_sum<V, ilp, Load>(in, in_stride * ilp, in_stride, size_ilp);
  for (int64_t i = size_ilp * ilp; i < size; ++i) partial[0] += Load::load(in, in_stride, i);
  for (int64_t k = 1; k < ilp; ++k) partial[0] += partial[k];
  return partial[0];
}

// cascade_sum's loop body (the lambda given to parallel_reduce), VT/VA = lanes of T / of A.
template <typename T, typename A, int VT, int VA>
struct CascadeLoop {
  using VAcc = Lanes<A, VA>;
  using SLoad = ScalarLoad<T, A>;

  void operator()(char** data, const int64_t* strides, int64_t size0, int64_t size1) const {
    int64_t in_s[2] = {strides[1], strides[3]};
    int64_t out_s[2] = {strides[0], strides[2]};
    if (out_s[0] != 0 && out_s[1] == 0) {  // move the reduction to the first dim
      std::swap(in_s[0], in_s[1]);
      std::swap(out_s[0], out_s[1]);
      std::swap(size0, size1);
    }
    if (out_s[0] != 0 && out_s[1] != 0) {  // not a true reduction: out += in
      for (int64_t j = 0; j < size1; ++j) {
        char* o = data[0] + j * strides[2];
        const char* x = data[1] + j * strides[3];
        for (int64_t i = 0; i < size0; ++i) {
          T* po = (T*)(o + i * strides[0]);
          T xv = *(const T*)(x + i * strides[1]);
          if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) *po = T((float)*po + (float)xv);
          else *po = *po + xv;
        }
      }
      return;
    }
    const int64_t out_stride = out_s[1];
    if (in_s[0] == (int64_t)sizeof(T) && size0 >= VT) inner_vec(data, in_s[1], out_stride, size0, size1);
    else if (in_s[1] == (int64_t)sizeof(T) && size1 >= VT) outer_vec(data, in_s[0], out_stride, size0, size1);
    else if (in_s[0] < in_s[1]) {
      for (int64_t j = 0; j < size1; ++j)
        store_acc<T, A>(data[0], out_stride, j, row_sum<A, SLoad>(data[1] + j * in_s[1], in_s[0], size0));
    } else {
      constexpr int64_t nrows = 4;
      int64_t j = 0;
      for (; j + (nrows - 1) < size1; j += nrows)
        store_acc<T, A>(data[0], out_stride, j, multi_row_sum<A, nrows, SLoad>(data[1] + j * in_s[1], in_s[0], in_s[1], size0));
      for (; j < size1; ++j)
        store_acc<T, A>(data[0], out_stride, j, row_sum<A, SLoad>(data[1] + j * in_s[1], in_s[0], size0));
    }
  }

  static void inner_vec(char** data, int64_t outer_stride, int64_t out_stride, int64_t size0, int64_t size1) {
    using VLoad = InnerVecLoad<T, A, VT, VA>;
    const int64_t vec_size = size0 / VT;
    for (int64_t j = 0; j < size1; ++j) {
      const char* row = data[1] + j * outer_stride;
      VAcc v = row_sum<VAcc, VLoad>(row, VLoad::memsize, vec_size);
      A acc = 0;
      for (int64_t k = vec_size * VT; k < size0; ++k) acc += SLoad::load(row, sizeof(T), k);
      for (int k = 0; k < VA; ++k) acc += v.v[k];
      store_acc<T, A>(data[0], out_stride, j, acc);
    }
  }

  static void outer_vec(char** data, int64_t inner_stride, int64_t out_stride, int64_t size0, int64_t size1) {
    using VLoad = OuterVecLoad<T, A, VA>;
    constexpr int64_t nrows = 4;
    int64_t j = 0;
    for (; j + nrows * VA <= size1; j += nrows * VA) {
      auto sums = multi_row_sum<VAcc, nrows, VLoad>(data[1] + j * sizeof(T), inner_stride, VLoad::memsize, size0);
      for (int64_t i = 0; i < nrows; ++i) store_acc<T, A>(data[0], out_stride, j + i * VA, sums[i]);
    }
    for (; j + VA <= size1; j += VA)
      store_acc<T, A>(data[0], out_stride, j, row_sum<VAcc, VLoad>(data[1] + j * sizeof(T), inner_stride, size0));
    for (; j < size1; ++j)
      store_acc<T, A>(data[0], out_stride, j, row_sum<A, SLoad>(data[1] + j * sizeof(T), inner_stride, size0));
  }
};

// torch's Vectorized<T> width for this kernel: 32 bytes. SumKernel.cpp registers no AVX-512
// variant (REGISTER_NO_AVX512_DISPATCH: "slower with AVX512"), so even AVX-512 machines run
// its AVX2 build (8 float lanes), and the generic fallback is 32 bytes wide as well.
constexpr int kVecBytes = 32;

template <typename T, int W>
void cascade_sum_w(const Tensor& out, const Tensor& in) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  constexpr int VT = W / (int)sizeof(T), VA = W / (int)sizeof(A);
  RedIter it = make_iter(out, in);
  parallel_reduce<T>(it, CascadeLoop<T, A, VT, VA>{});
}

}  // namespace

template <typename T>
void cascade_sum(const Tensor& out, const Tensor& in) {
  // out is filled with 0 first: the loop accumulates into it (torch's CastStoreAccumulate)
  int64_t on = out.numel();
  T* o = out.data_as<T>();
  MAG_CHECK(out.is_contiguous(), "cascade_sum: output must be contiguous");
  for (int64_t i = 0; i < on; ++i) o[i] = T(0.0f);
  if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    // With several reduced iteration dims each output receives several rounded stores; torch
    // then matches sum(dtype=float32).to(half) (checked empirically), so compute that.
    RedIter it = make_iter(out, in);
    int nred = 0;
    for (int d = 0; d < it.ndim; ++d) nred += it.is_dim_reduced(d);
    if (nred > 1) {
      Tensor inf = empty(in.sizes(), DType::Float32), outf = empty(out.sizes(), DType::Float32);
      cpu_kernels.copy(inf, in);
      cascade_sum<float>(outf, inf);
      cpu_kernels.copy(out, outf);
      return;
    }
  }
  cascade_sum_w<T, kVecBytes>(out, in);
}

template void cascade_sum<float>(const Tensor&, const Tensor&);
template void cascade_sum<double>(const Tensor&, const Tensor&);
template void cascade_sum<Half>(const Tensor&, const Tensor&);
template void cascade_sum<BFloat16>(const Tensor&, const Tensor&);

}  // namespace mag
