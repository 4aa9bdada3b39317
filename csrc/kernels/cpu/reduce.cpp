// reduce.cpp: CPU reductions (sum/prod/max/min/all/any over any set of dims), arg
// reductions along one dim, and cumsum. Reduced dims are those where out has size 1.
#include <cmath>
#include <type_traits>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/sum_cascade.h"

namespace mag {

template <typename T>
using acc_t = std::conditional_t<std::is_floating_point_v<T> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>,
                                 std::conditional_t<std::is_same_v<T, double>, double, float>,
                                 std::conditional_t<std::is_same_v<T, bool>, int64_t, int64_t>>;

// Split `in`'s dims into kept (out size == in size) and reduced ones.
struct ReduceGeom {
  Shape kept_sizes, kept_strides, red_sizes, red_strides, out_strides;
  ReduceGeom(const Tensor& out, const Tensor& in) {
    for (int64_t d = 0; d < in.dim(); ++d) {
      if (out.sizes()[d] == in.sizes()[d]) {
        kept_sizes.push_back(in.sizes()[d]);
        kept_strides.push_back(in.strides()[d]);
        out_strides.push_back(out.strides()[d]);
      } else {
        red_sizes.push_back(in.sizes()[d]);
        red_strides.push_back(in.strides()[d]);
      }
    }
  }
};

// Calls f(out_offset, in_offset_of_reduction_start) for every output element, and
// g(in_offset) inside for every reduced element (through the callback's iterate()).
template <typename F>
static void for_each_index(const Shape& sizes, F&& f) {
  size_t nd = sizes.size();
  for (auto s : sizes) if (s == 0) return;
  MAG_CHECK(sizes.size() <= 16, "tensors with more than 16 dims are not supported");  // idx[16] below
  int64_t idx[16] = {0};
  while (true) {
    f(idx);
    int64_t d = (int64_t)nd - 1;
    while (d >= 0) { if (++idx[d] < sizes[d]) break; idx[d] = 0; --d; }
    if (d < 0) break;
  }
}

template <typename T>
static void reduce_typed(ReduceOp op, const Tensor& out, const Tensor& in) {
  using A = acc_t<T>;
  ReduceGeom g(out, in);
  const T* src = in.data_as<T>();
  int64_t red_n = shape_numel(g.red_sizes);
  bool inner_contig = g.red_sizes.size() == 1 && g.red_strides[0] == 1;
  for_each_index(g.kept_sizes, [&](const int64_t* kidx) {
    int64_t in_off = 0, out_off = 0;
    for (size_t i = 0; i < g.kept_sizes.size(); ++i) { in_off += kidx[i] * g.kept_strides[i]; out_off += kidx[i] * g.out_strides[i]; }
    const T* base = src + in_off;
    auto visit = [&](auto&& fn) {
      if (inner_contig) { for (int64_t i = 0; i < red_n; ++i) fn(base[i]); return; }
      for_each_index(g.red_sizes, [&](const int64_t* ridx) {
        int64_t o = 0;
        for (size_t i = 0; i < g.red_sizes.size(); ++i) o += ridx[i] * g.red_strides[i];
        fn(base[o]);
      });
    };
    char* optr = out.data() + out_off * itemsize(out.dtype());
    switch (op) {
      case ReduceOp::Sum: {
        if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
          int64_t acc = 0; visit([&](T v) { acc += (int64_t)v; });
          *(int64_t*)optr = acc;  // integer sums are int64
        } else {
          // sequential reference (the fast path is cascade_sum)
          A acc = 0; visit([&](T v) { acc += (A)v; });
          *(T*)optr = T(acc);
        }
        break;
      }
      case ReduceOp::Prod: {
        if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
          int64_t acc = 1; visit([&](T v) { acc *= (int64_t)v; });
          *(int64_t*)optr = acc;
        } else {
          A acc = 1; visit([&](T v) { acc *= (A)v; });
          *(T*)optr = T(acc);
        }
        break;
      }
      case ReduceOp::Max:
      case ReduceOp::Min: {
        bool is_max = op == ReduceOp::Max;
        bool first = true; T best{};
        visit([&](T v) {
          if (first) { best = v; first = false; return; }
          using C = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;
          C cb = (C)best, cv = (C)v;
          if constexpr (std::is_floating_point_v<C>) { if (std::isnan(cb)) return; if (std::isnan(cv)) { best = v; return; } }
          if (is_max ? cv > cb : cv < cb) best = v;
        });
        *(T*)optr = best;
        break;
      }
      case ReduceOp::All: {
        bool r = true; visit([&](T v) { if (!(bool)(float)v) r = false; }); *(bool*)optr = r; break;
      }
      case ReduceOp::Any: {
        bool r = false; visit([&](T v) { if ((bool)(float)v) r = true; }); *(bool*)optr = r; break;
      }
    }
  });
}

static void cpu_reduce(ReduceOp op, const Tensor& out, const Tensor& in) {
  dispatch_all(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    constexpr bool fp = std::is_floating_point_v<T> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;
    // floating sums follow torch's cascade order (sum_cascade.cpp); reduce_typed below is the
    // sequential reference it is tested against (tests/test_reductions_exact.py)
    if constexpr (fp) {
      if (op == ReduceOp::Sum && out.dtype() == in.dtype() && out.is_contiguous()) { cascade_sum<T>(out, in); return; }
    }
    reduce_typed<T>(op, out, in);
  });
}

template <typename T>
static void arg_reduce_typed(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim) {
  using C = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;
  Shape outer = in.sizes();
  int64_t n = in.dim() ? in.sizes()[dim] : 1;
  int64_t st = in.dim() ? in.strides()[dim] : 0;
  if (in.dim()) outer[dim] = 1;
  const T* src = in.data_as<T>();
  const Tensor& ref = values.defined() ? values : indices;
  for_each_index(outer, [&](const int64_t* idx) {
    int64_t off = 0, ooff_v = 0, ooff_i = 0;
    for (int64_t d = 0; d < in.dim(); ++d) {
      off += idx[d] * in.strides()[d];
      if (values.defined()) ooff_v += idx[d] * values.strides()[d];
      if (indices.defined()) ooff_i += idx[d] * indices.strides()[d];
    }
    (void)ref;
    int64_t best_i = 0; C best = (C)src[off];
    for (int64_t i = 1; i < n; ++i) {
      C v = (C)src[off + i * st];
      if constexpr (std::is_floating_point_v<C>) {
        if (std::isnan(best)) break;
        if (std::isnan(v)) { best = v; best_i = i; break; }
      }
      if (is_max ? v > best : v < best) { best = v; best_i = i; }
    }
    if (values.defined()) values.data_as<T>()[ooff_v] = T(best);
    if (indices.defined()) indices.data_as<int64_t>()[ooff_i] = best_i;
  });
}

static void cpu_arg_reduce(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim) {
  dispatch_all(in.dtype(), [&](auto tag) { arg_reduce_typed<typename decltype(tag)::type>(is_max, values, indices, in, dim); });
}

template <typename T>
static void cumsum_typed(const Tensor& out, const Tensor& in, int64_t dim) {
  using A = std::conditional_t<std::is_integral_v<T> || std::is_same_v<T, bool>, int64_t, acc_t<T>>;
  Shape outer = in.sizes();
  int64_t n = in.dim() ? in.sizes()[dim] : 1;
  int64_t sti = in.dim() ? in.strides()[dim] : 0, sto = out.dim() ? out.strides()[dim] : 0;
  if (in.dim()) outer[dim] = 1;
  for_each_index(outer, [&](const int64_t* idx) {
    int64_t io = 0, oo = 0;
    for (int64_t d = 0; d < in.dim(); ++d) { io += idx[d] * in.strides()[d]; oo += idx[d] * out.strides()[d]; }
    A acc = 0;
    for (int64_t i = 0; i < n; ++i) {
      acc += (A)(std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>)in.data_as<T>()[io + i * sti];
      dispatch_all(out.dtype(), [&](auto otag) {
        using O = typename decltype(otag)::type;
        if constexpr (std::is_same_v<O, Half> || std::is_same_v<O, BFloat16>) out.data_as<O>()[oo + i * sto] = O((float)acc);
        else out.data_as<O>()[oo + i * sto] = (O)acc;
      });
    }
  });
}

static void cpu_cumsum(const Tensor& out, const Tensor& in, int64_t dim) {
  dispatch_all(in.dtype(), [&](auto tag) { cumsum_typed<typename decltype(tag)::type>(out, in, dim); });
}

void register_reduce(KernelTable& t) {
  t.reduce = cpu_reduce;
  t.arg_reduce = cpu_arg_reduce;
  t.cumsum = cpu_cumsum;
}

}  // namespace mag
