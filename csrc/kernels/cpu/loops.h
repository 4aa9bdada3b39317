// loops.h: the one strided N-operand iteration helper all CPU elementwise kernels use.
// Dims are coalesced where every operand is contiguous across them; the innermost dim is
// handed to a callback with byte strides, so kernels can take a contiguous fast path.
#pragma once
#include <utility>
#include <algorithm>
#include <array>
#include "core/tensor.h"
#include "kernels/cpu/parallel.h"

namespace mag {

template <int N>
struct StridedLoop {
  int ndim = 0;
  int64_t sizes[16];
  int64_t strides[N][16];  // bytes
  char* base[N];

  // ops[0] is the output; all operands have the output's shape.
  explicit StridedLoop(const std::array<const Tensor*, N>& ops) {
    const Tensor& out = *ops[0];
    int64_t nd = out.dim();
    MAG_CHECK(nd <= 16, "tensors with more than 16 dims are not supported");
    for (int k = 0; k < N; ++k) base[k] = ops[k]->data();
    // drop size-1 dims, then coalesce from inner to outer
    int m = 0;
    for (int64_t d = 0; d < nd; ++d) {
      if (out.sizes()[d] == 1) continue;
      sizes[m] = out.sizes()[d];
      for (int k = 0; k < N; ++k) strides[k][m] = ops[k]->strides()[d] * itemsize(ops[k]->dtype());
      ++m;
    }
    // coalesce: merge dim i-1 into i when contiguous for all operands
    int w = 0;
    for (int i = 0; i < m; ++i) {
      if (w > 0) {
        bool ok = true;
        for (int k = 0; k < N; ++k)
          if (strides[k][w - 1] != strides[k][i] * sizes[i]) { ok = false; break; }
        if (ok) {
          sizes[w - 1] *= sizes[i];
          for (int k = 0; k < N; ++k) strides[k][w - 1] = strides[k][i];
          continue;
        }
      }
      sizes[w] = sizes[i];
      for (int k = 0; k < N; ++k) strides[k][w] = strides[k][i];
      ++w;
    }
    ndim = w;
  }

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= sizes[d];
    return n;
  }

  // f(char* ptrs[N], const int64_t strides[N], int64_t n) over every inner row. Above
  // GRAIN_SIZE elements the linear range is split across the pool's threads (torch's
  // TensorIterator::for_each); f must only touch the elements it is given.
  template <typename F>
  void run(F&& f) {
    int64_t n = numel();
    if (n > GRAIN_SIZE && get_num_threads() > 1 && !in_parallel_region())
      parallel_for(0, n, GRAIN_SIZE, [&](int64_t b, int64_t e) { run_range(f, b, e); });
    else
      run_range(f, 0, n);
  }

  // f over the linear index range [begin, end) (row-major over the coalesced dims).
  template <typename F>
  void run_range(F& f, int64_t begin, int64_t end) {
    char* ptrs[N];
    int64_t inner[N];
    if (ndim == 0) {
      for (int k = 0; k < N; ++k) { ptrs[k] = base[k]; inner[k] = 0; }
      if (begin < end) f(ptrs, inner, 1);
      return;
    }
    int last = ndim - 1;
    for (int k = 0; k < N; ++k) inner[k] = strides[k][last];
    if (begin >= end) return;
    int64_t idx[16] = {0};
    int64_t rem = begin;
    for (int d = last; d >= 0; --d) { idx[d] = rem % sizes[d]; rem /= sizes[d]; }
    int64_t pos = begin;
    while (pos < end) {
      for (int k = 0; k < N; ++k) {
        char* p = base[k];
        for (int d = 0; d <= last; ++d) p += idx[d] * strides[k][d];
        ptrs[k] = p;
      }
      int64_t n = std::min(sizes[last] - idx[last], end - pos);
      f(ptrs, inner, n);
      pos += n;
      idx[last] += n;
      for (int d = last; d > 0 && idx[d] >= sizes[d]; --d) { idx[d] = 0; ++idx[d - 1]; }
    }
  }
};

// Contiguous inner loops of map_elements, one per operand pattern (c: contiguous, s: a
// stride-0 scalar). __restrict lets the compiler vectorise without a runtime overlap check
// (which fails, and falls back to scalar code, for in-place ops where out == an input).
// Exact aliasing out == in is still correct: each element is read before it is written at
// the same index, and no other index of out is read. The scalar reference is the strided
// loop in map_elements; both apply the same f per element, so results are identical.
// MAG_SIMD: `omp simd` (-fopenmp-simd: no OpenMP runtime) vectorises these loops at the
// build's O2, whose own cost model skips any loop that needs a scalar epilogue. An exception
// cannot leave an omp simd loop (std::terminate), so only maps whose inputs are all float or
// double use it (Simd): those lambdas never throw; integer division by zero does.
#define MAG_SIMD _Pragma("omp simd")
#define MAG_LOOP(body)                                   \
  if constexpr (Simd) {                                  \
    MAG_SIMD for (int64_t i = 0; i < n; ++i) { body; }   \
  } else {                                               \
    for (int64_t i = 0; i < n; ++i) { body; }            \
  }
namespace loop_detail {
template <bool Simd, typename O, typename A, typename F>
inline void map_c(O* __restrict o, const A* __restrict a, int64_t n, F& f) {
  MAG_LOOP(o[i] = f(a[i]))
}
template <bool Simd, typename O, typename A, typename F>
inline void map_s(O* __restrict o, A a, int64_t n, F& f) {
  O v = f(a);  // f is pure: one evaluation serves the whole row
  MAG_LOOP(o[i] = v)
}
template <bool Simd, typename O, typename A, typename B, typename F>
inline void map_cc(O* __restrict o, const A* __restrict a, const B* __restrict b, int64_t n, F& f) {
  MAG_LOOP(o[i] = f(a[i], b[i]))
}
template <bool Simd, typename O, typename A, typename B, typename F>
inline void map_cs(O* __restrict o, const A* __restrict a, B b, int64_t n, F& f) {
  MAG_LOOP(o[i] = f(a[i], b))
}
template <bool Simd, typename O, typename A, typename B, typename F>
inline void map_sc(O* __restrict o, A a, const B* __restrict b, int64_t n, F& f) {
  MAG_LOOP(o[i] = f(a, b[i]))
}
template <bool Simd, typename O, typename A, typename B, typename C, typename F>
inline void map_ccc(O* __restrict o, const A* __restrict a, const B* __restrict b, const C* __restrict c, int64_t n, F& f) {
  MAG_LOOP(o[i] = f(a[i], b[i], c[i]))
}
}  // namespace loop_detail
#undef MAG_LOOP

// Element-wise map over N operands of C++ types Ts...; f returns the output value and must
// be pure (it may throw; map_s evaluates it once per row).
namespace loop_detail {
template <typename Out, typename... In, typename F, size_t... I>
inline void map_one(const Tensor& out, const std::array<const Tensor*, sizeof...(In)>& ins, F& f,
                    std::index_sequence<I...>) {
  *(Out*)out.data() = f(*(const In*)ins[I]->data()...);
}
}  // namespace loop_detail

template <typename Out, typename... In, typename F>
void map_elements(const Tensor& out, const std::array<const Tensor*, sizeof...(In)>& ins, F&& f) {
  if (out.numel() == 1) {  // one element (inputs are broadcast to out): no loop set-up
    loop_detail::map_one<Out, In...>(out, ins, f, std::index_sequence_for<In...>{});
    return;
  }
  constexpr int N = 1 + sizeof...(In);
  std::array<const Tensor*, N> ops;
  ops[0] = &out;
  for (size_t i = 0; i < sizeof...(In); ++i) ops[i + 1] = ins[i];
  StridedLoop<N> loop(ops);
  loop.run([&](char** p, const int64_t* s, int64_t n) {
    using namespace loop_detail;
    constexpr bool simd = (std::is_floating_point_v<In> && ...);
    bool contiguous = s[0] == (int64_t)sizeof(Out);
    if constexpr (sizeof...(In) == 1) {
      using A = std::tuple_element_t<0, std::tuple<In...>>;
      if (contiguous && s[1] == (int64_t)sizeof(A)) {
        map_c<simd>((Out*)p[0], (const A*)p[1], n, f);
      } else if (contiguous && s[1] == 0) {
        map_s<simd>((Out*)p[0], *(const A*)p[1], n, f);
      } else {
        for (int64_t i = 0; i < n; ++i)
          *(Out*)(p[0] + i * s[0]) = f(*(const A*)(p[1] + i * s[1]));
      }
    } else if constexpr (sizeof...(In) == 2) {
      using A = std::tuple_element_t<0, std::tuple<In...>>;
      using B = std::tuple_element_t<1, std::tuple<In...>>;
      bool ca = s[1] == (int64_t)sizeof(A), cb = s[2] == (int64_t)sizeof(B);
      if (contiguous && ca && cb) {
        map_cc<simd>((Out*)p[0], (const A*)p[1], (const B*)p[2], n, f);
      } else if (contiguous && ca && s[2] == 0) {
        map_cs<simd>((Out*)p[0], (const A*)p[1], *(const B*)p[2], n, f);
      } else if (contiguous && s[1] == 0 && cb) {
        map_sc<simd>((Out*)p[0], *(const A*)p[1], (const B*)p[2], n, f);
      } else {
        for (int64_t i = 0; i < n; ++i)
          *(Out*)(p[0] + i * s[0]) = f(*(const A*)(p[1] + i * s[1]), *(const B*)(p[2] + i * s[2]));
      }
    } else {
      using A = std::tuple_element_t<0, std::tuple<In...>>;
      using B = std::tuple_element_t<1, std::tuple<In...>>;
      using C = std::tuple_element_t<2, std::tuple<In...>>;
      if (contiguous && s[1] == (int64_t)sizeof(A) && s[2] == (int64_t)sizeof(B) && s[3] == (int64_t)sizeof(C)) {
        map_ccc<simd>((Out*)p[0], (const A*)p[1], (const B*)p[2], (const C*)p[3], n, f);
      } else {
        for (int64_t i = 0; i < n; ++i)
          *(Out*)(p[0] + i * s[0]) = f(*(const A*)(p[1] + i * s[1]), *(const B*)(p[2] + i * s[2]),
                                       *(const C*)(p[3] + i * s[3]));
      }
    }
  });
}

}  // namespace mag
