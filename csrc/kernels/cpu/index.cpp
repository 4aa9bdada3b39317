// index.cpp: CPU index_select / index_add / gather / scatter along one dim.
#include <type_traits>
#include "kernels/cpu/cpu_kernels.h"

namespace mag {

template <typename F>
static void odometer(const Shape& sizes, F&& f) {
  for (auto s : sizes) if (s == 0) return;
  MAG_CHECK(sizes.size() <= 16, "tensors with more than 16 dims are not supported");  // idx[16] below
  int64_t idx[16] = {0};
  int64_t nd = (int64_t)sizes.size();
  while (true) {
    f(idx);
    int64_t d = nd - 1;
    while (d >= 0) { if (++idx[d] < sizes[d]) break; idx[d] = 0; --d; }
    if (d < 0) break;
  }
}

static int64_t offset_of(const int64_t* idx, const Tensor& t) {
  int64_t o = 0;
  for (int64_t d = 0; d < t.dim(); ++d) o += idx[d] * t.strides()[d];
  return o;
}

static void check_index(int64_t v, int64_t size, int64_t dim) {
  if (v < -size || v >= size)
    MAG_THROW(Index, "index ", v, " is out of bounds for dimension ", dim, " with size ", size);
}

static void cpu_index_select(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  const int64_t* ix = index.data_as<int64_t>();
  int64_t ixs = index.dim() ? index.strides()[0] : 0;
  int64_t size = in.dim() ? in.sizes()[dim] : 1;
  dispatch_all(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    odometer(out.sizes(), [&](const int64_t* idx) {
      int64_t tmp[16];
      for (int64_t d = 0; d < out.dim(); ++d) tmp[d] = idx[d];
      int64_t v = out.dim() ? ix[idx[dim] * ixs] : ix[0];
      // torch's index_select takes no negative indices, and words the error so
      if (v < 0 || v >= size) MAG_THROW(Index, "index out of range in self");
      if (out.dim()) tmp[dim] = v;
      out.data_as<T>()[offset_of(idx, out)] = in.data_as<T>()[offset_of(tmp, in)];
    });
  });
}

// exact accumulation for float/double/int (the float conversion above is only for half types)
template <typename T> static inline void add_into(T& o, T v) {
  if constexpr (std::is_same_v<T, bool>) o = o || v;
  else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) o = T((float)o + (float)v);
  else o = o + v;
}

static void cpu_index_add_exact(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t* ix = index.data_as<int64_t>();
  int64_t ixs = index.dim() ? index.strides()[0] : 0;
  int64_t size = out.dim() ? out.sizes()[dim] : 1;
  dispatch_all(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    odometer(src.sizes(), [&](const int64_t* idx) {
      int64_t tmp[16];
      for (int64_t d = 0; d < src.dim(); ++d) tmp[d] = idx[d];
      int64_t v = src.dim() ? ix[idx[dim] * ixs] : ix[0];
      check_index(v, size, dim);
      if (v < 0) v += size;
      if (src.dim()) tmp[dim] = v;
      add_into<T>(out.data_as<T>()[offset_of(tmp, out)], src.data_as<T>()[offset_of(idx, src)]);
    });
  });
}

static void cpu_gather(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  int64_t size = in.dim() ? in.sizes()[dim] : 1;
  dispatch_all(in.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    odometer(out.sizes(), [&](const int64_t* idx) {
      int64_t tmp[16];
      for (int64_t d = 0; d < out.dim(); ++d) tmp[d] = idx[d];
      int64_t v = index.data_as<int64_t>()[offset_of(idx, index)];
      if (v < 0 || v >= size)  // torch's gather takes no negative indices
        MAG_THROW(Runtime, "index ", v, " is out of bounds for dimension ", dim, " with size ", size);
      if (in.dim()) tmp[dim] = v;  // (out may be 0-d while in is 1-d)
      out.data_as<T>()[offset_of(idx, out)] = in.data_as<T>()[offset_of(tmp, in)];
    });
  });
}

static void cpu_scatter(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, bool add) {
  int64_t size = out.dim() ? out.sizes()[dim] : 1;
  dispatch_all(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    odometer(index.sizes(), [&](const int64_t* idx) {
      int64_t tmp[16];
      for (int64_t d = 0; d < index.dim(); ++d) tmp[d] = idx[d];
      int64_t v = index.data_as<int64_t>()[offset_of(idx, index)];
      if (v < 0 || v >= size)  // torch's scatter takes no negative indices either
        MAG_THROW(Runtime, "index ", v, " is out of bounds for dimension ", dim, " with size ", size);
      if (out.dim()) tmp[dim] = v;
      T& o = out.data_as<T>()[offset_of(tmp, out)];
      T s = src.data_as<T>()[offset_of(idx, src)];
      if (add) add_into<T>(o, s); else o = s;
    });
  });
}

void register_index(KernelTable& t) {
  t.index_select = cpu_index_select;
  t.index_add = cpu_index_add_exact;
  t.gather = cpu_gather;
  t.scatter = cpu_scatter;
}

}  // namespace mag
