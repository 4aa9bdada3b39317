// shape.cpp (ops): views as stride arithmetic (view/reshape/permute/transpose/expand/
// squeeze/unsqueeze/select/slice), joins (cat/stack) and index ops.
#include <algorithm>
#include "ops/native.h"

namespace mag {
namespace native {

Shape infer_size(const std::vector<int64_t>& shape, int64_t numel) {
  int64_t known = 1, infer = -1;
  Shape out(shape);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) MAG_THROW(Runtime, "only one dimension can be inferred");
      infer = (int64_t)i;
    } else if (shape[i] < 0) {
      MAG_THROW(Runtime, "invalid shape dimension ", shape[i]);
    } else {
      known *= shape[i];
    }
  }
  auto bad = [&] {
    MAG_THROW(Runtime, "shape '", shape_str(Shape(shape)), "' is invalid for input of size ", numel);
  };
  if (infer >= 0) {
    if (known == 0) {
      if (numel != 0) bad();
      MAG_THROW(Runtime, "cannot reshape tensor of 0 elements into shape ", shape_str(Shape(shape)),
                " because the unspecified dimension size -1 can be any value and is ambiguous");
    }
    if (numel % known != 0) bad();
    out[infer] = numel / known;
  } else if (known != numel) {
    bad();
  }
  return out;
}

// torch's computeStride: can `sizes` view a's memory without copying?
bool view_strides(const Tensor& a, const Shape& sizes, Shape& new_strides) {
  const Shape& old_sizes = a.sizes();
  const Shape& old_strides = a.strides();
  new_strides = Shape(sizes.size());
  if (old_sizes.empty()) { for (auto& s : new_strides) s = 1; return true; }
  int64_t numel = a.numel();
  if (numel == 0) {
    if (old_sizes == sizes) { new_strides = old_strides; return true; }
    new_strides = contiguous_strides(sizes);
    return true;
  }
  int64_t view_d = (int64_t)sizes.size() - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = (int64_t)old_sizes.size() - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 || (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || sizes[view_d] == 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= sizes[view_d];
        view_d--;
      }
      if (view_numel != tensor_numel) return false;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

Tensor view(const Tensor& a, const Shape& sizes_in) {
  Shape sizes = infer_size(sizes_in.vec(), a.numel());
  Shape st;
  if (!view_strides(a, sizes, st))
    MAG_THROW(Runtime, "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  return make_view(a, sizes, st, a.offset());
}

Tensor reshape(const Tensor& a, const Shape& sizes_in) {
  Shape sizes = infer_size(sizes_in.vec(), a.numel());
  Shape st;
  if (view_strides(a, sizes, st)) return make_view(a, sizes, st, a.offset());
  Tensor c = clone(a);
  return make_view(c, sizes, contiguous_strides(sizes), 0);
}

Tensor permute(const Tensor& a, const std::vector<int64_t>& dims) {
  int64_t n = a.dim();
  MAG_CHECK((int64_t)dims.size() == n, "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ",
            n, " is not equal to len(dims) = ", dims.size());
  Shape sizes(n), strides(n);
  std::vector<bool> seen(n, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = wrap_dim(dims[i], n);
    MAG_CHECK(!seen[d], "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = a.sizes()[d];
    strides[i] = a.strides()[d];
  }
  return make_view(a, sizes, strides, a.offset());
}

Tensor transpose(const Tensor& a, int64_t d0, int64_t d1) {
  int64_t n = a.dim();
  if (n == 0) { wrap_dim(d0, 0); wrap_dim(d1, 0); return make_view(a, a.sizes(), a.strides(), a.offset()); }
  d0 = wrap_dim(d0, n); d1 = wrap_dim(d1, n);
  Shape sizes = a.sizes(), strides = a.strides();
  std::swap(sizes[d0], sizes[d1]);
  std::swap(strides[d0], strides[d1]);
  return make_view(a, sizes, strides, a.offset());
}

Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes) {
  int64_t n = (int64_t)sizes.size(), k = a.dim();
  MAG_CHECK(n >= k, "expand(", legacy_type_name(a.dtype()), "{", [&] { std::string r; for (int64_t i = 0; i < k; ++i) r += (i ? ", " : "") + std::to_string(a.sizes()[i]); return r; }(),
            "}, size=[", n, "]): the number of sizes provided (", n, ") must be greater or equal to the number of dimensions in the tensor (", k, ")");
  Shape out(n), st(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t j = i - (n - k);
    int64_t target = sizes[i];
    if (j >= 0) {
      int64_t cur = a.sizes()[j];
      if (target == -1) target = cur;
      if (cur != target) {
        MAG_CHECK(cur == 1, "The expanded size of the tensor (", target, ") must match the existing size (", cur,
                  ") at non-singleton dimension ", i, ".  Target sizes: ", shape_str(Shape(sizes)),
                  ".  Tensor sizes: ", shape_str(a.sizes()));
        st[i] = 0;
      } else {
        st[i] = a.strides()[j];
      }
    } else {
      MAG_CHECK(target >= 0, "The expanded size of the tensor (", target, ") isn't allowed in a leading, non-existing dimension ", i);
      st[i] = 0;
    }
    out[i] = target;
  }
  return make_view(a, std::move(out), std::move(st), a.offset());
}

Tensor squeeze(const Tensor& a, std::optional<std::vector<int64_t>> dims) {
  Shape sizes, strides;
  std::vector<bool> drop(a.dim(), false);
  if (!dims) { for (int64_t d = 0; d < a.dim(); ++d) drop[d] = a.sizes()[d] == 1; }
  else for (auto d : *dims) { int64_t w = wrap_dim(d, a.dim()); if (a.dim() && a.sizes()[w] == 1) drop[w] = true; }
  for (int64_t d = 0; d < a.dim(); ++d)
    if (!drop[d]) { sizes.push_back(a.sizes()[d]); strides.push_back(a.strides()[d]); }
  return make_view(a, sizes, strides, a.offset());
}

Tensor unsqueeze(const Tensor& a, int64_t dim) {
  int64_t d = wrap_dim(dim, a.dim() + 1);
  Shape sizes = a.sizes(), strides = a.strides();
  int64_t st = d < a.dim() ? sizes[d] * strides[d] : 1;
  sizes.insert(d, 1);
  strides.insert(d, st);
  return make_view(a, sizes, strides, a.offset());
}

Tensor select(const Tensor& a, int64_t dim, int64_t index) {
  if (a.dim() == 0) MAG_THROW(Index, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, a.dim());
  int64_t size = a.sizes()[d];
  if (index < -size || index >= size)
    MAG_THROW(Index, "index ", index, " is out of bounds for dimension ", d, " with size ", size);
  if (index < 0) index += size;
  Shape sizes = a.sizes(), strides = a.strides();
  int64_t off = a.offset() + index * strides[d];
  sizes.erase(d);
  strides.erase(d);
  return make_view(a, sizes, strides, off);
}

Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start_o, std::optional<int64_t> stop_o, int64_t step) {
  if (a.dim() == 0) MAG_THROW(Index, "slice() cannot be applied to a 0-dim tensor.");
  MAG_CHECK(step > 0, "slice step must be positive");
  int64_t d = wrap_dim(dim, a.dim());
  int64_t size = a.sizes()[d];
  int64_t start = start_o ? *start_o : 0, stop = stop_o ? *stop_o : size;
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  start = std::clamp<int64_t>(start, 0, size);
  stop = std::clamp<int64_t>(stop, start, size);
  Shape sizes = a.sizes(), strides = a.strides();
  sizes[d] = (stop - start + step - 1) / step;
  strides[d] *= step;
  return make_view(a, sizes, strides, a.offset() + start * a.strides()[d]);
}

Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length) {
  MAG_CHECK(a.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, a.dim());
  int64_t size = a.sizes()[d];
  if (start < 0) start += size;
  MAG_CHECK(start >= 0 && start <= size, "start out of range (expected to be in range of [", -size, ", ", size, "], but got ", start, ")");
  MAG_CHECK(length >= 0 && start + length <= size, "start (", start, ") + length (", length, ") exceeds dimension size (", size, ").");
  return slice(a, d, start, start + length, 1);
}

Tensor as_strided(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset) {
  return make_view(a, sizes, strides, offset);
}

Tensor cat(const TensorList& ts, int64_t dim) {
  MAG_CHECK_KIND(!ts.empty(), Value, "torch.cat(): expected a non-empty list of Tensors");
  // legacy: 1-D empty tensors are skipped
  const Tensor* ref = nullptr;
  for (auto& t : ts) if (!(t.dim() == 1 && t.numel() == 0)) { ref = &t; break; }
  DType dt = ts[0].dtype();
  for (auto& t : ts) dt = promote_types(dt, t.dtype());
  if (!ref) return empty(Shape{0}, dt, ts[0].device());  // all skipped: dim is never wrapped
  MAG_CHECK(ref->dim() > 0, "zero-dimensional tensor (at position 0) cannot be concatenated");
  int64_t d = wrap_dim(dim, ref->dim());
  Shape out_sizes = ref->sizes();
  int64_t total = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    if (t.dim() == 1 && t.numel() == 0 && ref->dim() != 1) continue;
    MAG_CHECK(t.dim() == ref->dim(), "Tensors must have same number of dimensions: got ", ref->dim(), " and ", t.dim());
    for (int64_t k = 0; k < t.dim(); ++k)
      if (k != d && t.sizes()[k] != ref->sizes()[k])
        MAG_THROW(Runtime, "Sizes of tensors must match except in dimension ", d, ". Expected size ",
                  ref->sizes()[k], " but got size ", t.sizes()[k], " for tensor number ", i, " in the list.");
    total += t.sizes()[d];
  }
  out_sizes[d] = total;
  Tensor out = empty(out_sizes, dt, ref->device());
  int64_t off = 0;
  for (auto& t : ts) {
    if (t.dim() == 1 && t.numel() == 0 && ref->dim() != 1) continue;
    int64_t n = t.sizes()[d];
    if (n) kernels_for(out.device()).copy(slice(out, d, off, off + n, 1), t);
    off += n;
  }
  return out;
}

Tensor stack(const TensorList& ts, int64_t dim) {
  MAG_CHECK(!ts.empty(), "stack expects a non-empty TensorList");
  int64_t d = wrap_dim(dim, ts[0].dim() + 1);
  for (size_t i = 1; i < ts.size(); ++i)
    MAG_CHECK(ts[i].sizes() == ts[0].sizes(), "stack expects each tensor to be equal size, but got ",
              shape_str(ts[0].sizes()), " at entry 0 and ", shape_str(ts[i].sizes()), " at entry ", i);
  TensorList us;
  for (auto& t : ts) us.push_back(unsqueeze(t, d));
  return cat(us, d);
}

static void check_index_tensor(const Tensor& index, const char* fn, const char* types = "int32/int64") {
  MAG_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32, fn, "(): Expected dtype ", types, " for index");
}

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index_in) {
  check_index_tensor(index_in, "index_select", "int32 or int64");
  MAG_CHECK_KIND(index_in.dim() <= 1, Index, "index_select(): Index is supposed to be a vector");
  Tensor index = to_dtype(index_in, DType::Int64);
  int64_t d = wrap_dim(dim, a.dim());
  MAG_CHECK(a.dim() || index.numel() == 1, "index_select(): Index to scalar can have only 1 value, got ",
            index.numel(), " value(s)");
  Shape sizes = a.sizes();
  if (a.dim()) sizes[d] = index.numel();
  // validate every index even when the result is empty (torch does; the kernel may not run)
  int64_t size = a.dim() ? a.sizes()[d] : 1, n = index.numel();
  MAG_CHECK(size > 0 || n == 0, "index_select(): self indexing axis dim should be positive");
  Tensor index_host = host_readable(index);  // validated on the host, whatever the device
  const int64_t* ix = index_host.data_as<int64_t>();
  int64_t ixs = index.dim() ? index.strides()[0] : 0;
  // torch words the error per path: its dim-1 and empty-result paths check in the kernel
  bool kernel_path = shape_numel(sizes) == 0 || (a.dim() > 1 && d == 1);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = ix[i * ixs];
    if (v >= 0 && v < size) continue;
    if (kernel_path) MAG_THROW(Runtime, "INDICES element is out of DATA bounds, id=", v, " axis_dim=", size);
    MAG_THROW(Index, "index out of range in self");
  }
  Tensor out = empty(sizes, a.dtype(), a.device());
  // a CPU index may select from a tensor on a GPU (as torch's indexing allows): moved over once
  if (index.device().is_cpu() && !a.device().is_cpu()) index = to_device(index, a.device());
  if (out.numel()) kernels_for(a.device()).index_select(out, a, d, index);
  return out;
}

Tensor index_add(const Tensor& self, int64_t dim, const Tensor& index_in, const Tensor& src) {
  Tensor index = to_dtype(index_in, DType::Int64);
  int64_t d = wrap_dim(dim, self.dim());
  Tensor out = clone(self);
  if (index.device().is_cpu() && !self.device().is_cpu()) index = to_device(index, self.device());
  if (src.numel()) kernels_for(self.device()).index_add(out, d, index, to_dtype(src, self.dtype()));
  return out;
}

Tensor gather(const Tensor& a, int64_t dim, const Tensor& index_in) {
  check_index_tensor(index_in, "gather");
  Tensor index = to_dtype(index_in, DType::Int64);
  int64_t d = wrap_dim(dim, a.dim());
  if (index.numel()) {  // torch's gather_shape_check (skipped for an empty index); 0-d counts as 1-d
    int64_t nd = std::max<int64_t>(a.dim(), 1);
    MAG_CHECK(nd == std::max<int64_t>(index.dim(), 1), "Index tensor must have the same number of dimensions as input tensor");
    for (int64_t i = 0; i < nd; ++i) {
      int64_t si = a.dim() ? a.sizes()[i] : 1, ii = index.dim() ? index.sizes()[i] : 1;
      if (i != d && ii > si)
        MAG_THROW(Runtime, "Size does not match at dimension ", i, " expected index ", shape_str(index.sizes()),
                  " to be no larger than self ", shape_str(a.sizes()), " apart from dimension ", d);
    }
  }
  Tensor out = empty(index.sizes(), a.dtype(), a.device());
  if (out.numel()) kernels_for(a.device()).gather(out, a, d, index);
  return out;
}

Tensor scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool add) {
  MAG_CHECK(index.dtype() == DType::Int64, "scatter(): Expected dtype int64 for index");
  int64_t d = wrap_dim(dim, self.dim());
  Tensor out = clone(self);
  if (index.numel()) kernels_for(self.device()).scatter(out, d, index, to_dtype(src, self.dtype()), add);
  return out;
}

Tensor nonzero(const Tensor& a) {
  if (!a.device().is_cpu()) return to_device(nonzero(host_readable(a)), a.device());  // a data-dependent shape
  Tensor c = contiguous(to_dtype(a, DType::Bool));
  const bool* p = c.data_as<bool>();
  int64_t n = 0;
  for (int64_t i = 0; i < c.numel(); ++i) n += p[i];
  int64_t nd = a.dim();
  Tensor out = empty(Shape{n, nd}, DType::Int64, a.device());
  int64_t* o = out.data_as<int64_t>();
  std::vector<int64_t> idx(nd + 1, 0);
  for (int64_t i = 0; i < c.numel(); ++i) {
    if (p[i]) { for (int64_t d = 0; d < nd; ++d) *o++ = idx[d]; }
    for (int64_t d = nd - 1; d >= 0; --d) { if (++idx[d] < a.sizes()[d]) break; idx[d] = 0; }
  }
  return out;
}

Tensor masked_select_indices(const Tensor& mask) { return nonzero(mask); }

}  // namespace native
}  // namespace mag
