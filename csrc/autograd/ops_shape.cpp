// ops_shape.cpp: differentiable views, copies, joins and index ops.
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace ag {

static bool needs(std::initializer_list<const Tensor*> ts) { return compute_requires_grad(ts); }

Tensor as_view(const Tensor& base, Tensor out) {
  // the root of a chain of views is remembered (for the leaf / CopySlices rules)
  out.impl()->view_base = base.impl()->view_base ? base.impl()->view_base : base.ptr();
  if (base.impl()->extra && base.impl()->extra->is_inference) out.impl()->ext().is_inference = true;
  return out;
}

static Tensor record_view(const Tensor& a, Tensor out, const char* name, FnNode::Formula f,
                          SmallVector<int64_t, 4> ints = {}, SmallVector<Shape, 1> shapes = {}) {
  as_view(a, out);
  if (needs({&a})) {
    auto n = make_fn_node(name, f, {&a});
    n->ints = std::move(ints);
    n->shapes = std::move(shapes);
    set_history(out, n);
  }
  return out;
}

Tensor view(const Tensor& a, const Shape& sizes) {
  return record_view(a, native::view(a, sizes), "ViewBackward0", deriv::view_bw, {}, {a.sizes()});
}

// x[...] and x[()] in torch: a same-geometry view recorded as AliasBackward0
Tensor alias(const Tensor& a) {
  return record_view(a, make_view(a, a.sizes(), a.strides(), a.offset()), "AliasBackward0", deriv::view_bw, {}, {a.sizes()});
}

Tensor reshape(const Tensor& a, const Shape& sizes) {
  Shape target = native::infer_size(sizes.vec(), a.numel());
  Shape st;
  if (native::view_strides(a, target, st)) {
    // torch: a contiguous input is view()ed; a viewable strided one goes through _reshape_alias
    if (a.is_contiguous()) return view(a, target);
    return record_view(a, native::view(a, target), "ReshapeAliasBackward0", deriv::view_bw, {}, {a.sizes()});
  }
  // copies: torch records the clone and an _unsafe_view of it
  Tensor c = clone(a);
  Tensor out = make_view(c, target, contiguous_strides(target), 0);
  if (needs({&c})) {
    auto n = make_fn_node("UnsafeViewBackward0", deriv::view_bw, {&c});
    n->shapes = {c.sizes()};
    set_history(out, n);
  }
  return out;
}

Tensor permute(const Tensor& a, const std::vector<int64_t>& dims) {
  Tensor out = native::permute(a, dims);
  SmallVector<int64_t, 4> wd;
  for (auto d : dims) wd.push_back(wrap_dim(d, a.dim()));
  return record_view(a, out, "PermuteBackward0", deriv::permute_bw, wd);
}

Tensor transpose(const Tensor& a, int64_t d0, int64_t d1, const char* name) {
  Tensor out = native::transpose(a, d0, d1);
  int64_t n = a.dim() ? a.dim() : 1;
  return record_view(a, out, name ? name : "TransposeBackward0", deriv::transpose_bw, {wrap_dim(d0, n), wrap_dim(d1, n)});
}

Tensor t(const Tensor& a, const char* name) {
  MAG_CHECK(a.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", a.dim(), "D");
  Tensor out = a.dim() < 2 ? make_view(a, a.sizes(), a.strides(), a.offset()) : native::transpose(a, 0, 1);
  return record_view(a, out, name ? name : "TBackward0", deriv::transpose_bw, {0, a.dim() < 2 ? 0 : 1});
}

Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes) {
  Tensor out = native::expand(a, sizes);
  return record_view(a, out, "ExpandBackward0", deriv::expand_bw, {}, {a.sizes()});
}

Tensor squeeze(const Tensor& a, std::optional<std::vector<int64_t>> dims, const char* name) {
  Tensor out = native::squeeze(a, dims);
  if (!name) name = dims ? (dims->size() == 1 ? "SqueezeBackward1" : "SqueezeBackward2") : "SqueezeBackward0";
  return record_view(a, out, name, deriv::squeeze_bw, {}, {a.sizes()});
}

Tensor unsqueeze(const Tensor& a, int64_t dim, const char* name) {
  Tensor out = native::unsqueeze(a, dim);
  return record_view(a, out, name ? name : "UnsqueezeBackward0", deriv::squeeze_bw, {}, {a.sizes()});
}

Tensor select(const Tensor& a, int64_t dim, int64_t index) {
  Tensor out = native::select(a, dim, index);
  int64_t d = wrap_dim(dim, a.dim());
  if (index < 0) index += a.sizes()[d];
  return record_view(a, out, "SelectBackward0", deriv::select_bw, {d, index}, {a.sizes()});
}

Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step) {
  Tensor out = native::slice(a, dim, start, stop, step);
  int64_t d = wrap_dim(dim, a.dim());
  int64_t begin = (out.offset() - a.offset()) / (a.strides()[d] ? a.strides()[d] : 1);
  if (a.strides()[d] == 0) begin = 0;
  return record_view(a, out, "SliceBackward0", deriv::slice_bw, {d, begin, 0, step}, {a.sizes()});
}

Tensor as_strided(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor out = native::as_strided(a, sizes, strides, offset);
  as_view(a, out);
  if (needs({&a})) {
    auto n = make_fn_node("AsStridedBackward0", deriv::as_strided_bw, {&a});
    n->shapes = {a.sizes(), sizes, strides, a.strides()};
    n->ints = {(int64_t)(a.impl()->storage->nbytes / itemsize(a.dtype())), offset, a.offset()};
    set_history(out, n);
  }
  return out;
}

Tensor clone(const Tensor& a) {
  Tensor out = native::clone(a);
  if (needs({&a})) set_history(out, make_fn_node("CloneBackward0", deriv::identity_bw, {&a}));
  return out;
}

Tensor contiguous(const Tensor& a) {
  if (a.is_contiguous()) return a;
  return clone(a);
}

Tensor to_device(const Tensor& a, Device device, bool non_blocking) {
  Tensor out = mag::to_device(a, device, non_blocking);
  if (out.is_same(a)) return a;
  if (is_floating(a.dtype()) && needs({&a})) {
    auto n = make_fn_node("ToCopyBackward0", deriv::to_device_bw, {&a});
    n->ints = {(int64_t)a.device().type, (int64_t)a.device().index};
    set_history(out, n);
  }
  return out;
}

Tensor to_dtype(const Tensor& a, DType dtype, bool copy) {
  if (a.dtype() == dtype && !copy) return a;
  Tensor out = native::to_dtype(a, dtype, true);
  if (is_floating(dtype) && needs({&a})) {
    auto n = make_fn_node("ToCopyBackward0", deriv::to_dtype_bw, {&a});
    n->dtype_arg = a.dtype();
    set_history(out, n);
  }
  return out;
}

Tensor detach(const Tensor& a) {
  Tensor out = detach_tensor(a);
  return out;
}

TensorList unbind(const Tensor& a, int64_t dim) {
  MAG_CHECK_KIND(a.dim() > 0, Index, "Dimension specified as 0 but tensor has no dimensions");
  int64_t d = wrap_dim(dim, a.dim());
  TensorList outs;
  for (int64_t i = 0; i < a.sizes()[d]; ++i) outs.push_back(as_view(a, native::select(a, d, i)));
  if (needs({&a})) {
    auto n = make_fn_node("UnbindBackward0", deriv::unbind_bw, {&a});
    n->ints = {d};
    n->shapes = {a.sizes()};
    n->dtype_arg = a.dtype();
    for (size_t i = 0; i < outs.size(); ++i) set_history(outs[i], n, (uint32_t)i);
  }
  return outs;
}

TensorList split(const Tensor& a, const std::vector<int64_t>& sizes, int64_t dim, bool with_sizes) {
  int64_t d = wrap_dim(dim, a.dim());
  TensorList outs;
  int64_t off = 0;
  for (auto s : sizes) { outs.push_back(as_view(a, native::slice(a, d, off, off + s, 1))); off += s; }
  if (needs({&a})) {
    auto n = make_fn_node(with_sizes ? "SplitWithSizesBackward0" : "SplitBackward0", deriv::split_bw, {&a});
    n->ints = {d};
    for (auto s : sizes) n->ints.push_back(s);
    n->shapes = {a.sizes()};
    n->dtype_arg = a.dtype();
    for (size_t i = 0; i < outs.size(); ++i) set_history(outs[i], n, (uint32_t)i);
  }
  return outs;
}

Tensor cat(const TensorList& ts, int64_t dim) {
  Tensor out = native::cat(ts, dim);
  if (compute_requires_grad(ts)) {
    auto n = make_fn_node("CatBackward0", deriv::cat_bw, ts);
    bool all_skipped = true;  // cat of 1-D empty tensors only: torch never wraps dim
    for (auto& t : ts) all_skipped = all_skipped && t.dim() == 1 && t.numel() == 0;
    int64_t d = all_skipped ? 0 : wrap_dim(dim, out.dim());
    n->ints = {d};
    for (auto& t : ts) n->ints.push_back(t.dim() == 1 && t.numel() == 0 && out.dim() != 1 ? -1 : t.sizes()[d]);
    set_history(out, n);
  }
  return out;
}

Tensor stack(const TensorList& ts, int64_t dim) {
  Tensor out = native::stack(ts, dim);
  if (compute_requires_grad(ts)) {
    auto n = make_fn_node("StackBackward0", deriv::stack_bw, ts);
    n->ints = {wrap_dim(dim, out.dim())};
    set_history(out, n);
  }
  return out;
}

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index) {
  Tensor out = native::index_select(a, dim, index);
  if (needs({&a})) {
    Tensor none;
    auto n = make_fn_node("IndexSelectBackward0", deriv::index_select_bw, {&a, &none});
    n->ints = {wrap_dim(dim, a.dim())};
    n->shapes = {a.sizes()};
    n->saved.resize(1);
    n->saved[0].save(native::to_dtype(index, DType::Int64), false);
    set_history(out, n);
  }
  return out;
}

Tensor index(const Tensor& a, const Tensor& flat_index, const Shape& out_shape) {
  Tensor flat = native::reshape(a, Shape{a.numel()});
  Tensor out = native::reshape(native::index_select(flat, 0, flat_index), out_shape);
  if (needs({&a})) {
    auto n = make_fn_node("IndexBackward0", deriv::index_bw, {&a});
    n->shapes = {a.sizes()};
    n->saved.resize(1);
    n->saved[0].save(flat_index, false);
    set_history(out, n);
  }
  return out;
}

Tensor gather(const Tensor& a, int64_t dim, const Tensor& index) {
  Tensor out = native::gather(a, dim, index);
  if (needs({&a})) {
    Tensor none;
    auto n = make_fn_node("GatherBackward0", deriv::gather_bw, {&a, &none});
    n->ints = {wrap_dim(dim, a.dim())};
    n->shapes = {a.sizes()};
    n->saved.resize(1);
    n->saved[0].save(index, false);
    set_history(out, n);
  }
  return out;
}

Tensor scatter(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src, bool add) {
  Tensor out = native::scatter(a, dim, index, src, add);
  if (needs({&a, &src})) {
    // edges for self and src only, as torch (its errors count gradients that way)
    const char* name = add ? "ScatterAddBackward0" : src.impl()->is_wrapped_number ? "ScatterBackward1" : "ScatterBackward0";
    auto n = make_fn_node(name, deriv::scatter_bw, {&a, &src});
    n->ints = {wrap_dim(dim, a.dim())};
    n->flag = add;
    n->saved.resize(1);
    n->saved[0].save(index, false);
    set_history(out, n);
  }
  return out;
}

Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value) {
  // torch prints the C++ type name here (float, long int, ...)
  static const char* cpp_name[] = {"bool", "unsigned char", "signed char", "short int", "int", "long int",
                                   "c10::Half", "c10::BFloat16", "float", "double"};
  MAG_CHECK(mask.dtype() == DType::Bool, "masked_fill_ only supports boolean masks, but got mask with dtype ",
            cpp_name[(int)mask.dtype()]);
  if (value.impl()->is_wrapped_number) native::check_scalar_fits(native::wrapped_value(value), a.dtype());
  Shape shape = native::broadcast_shapes(a.sizes(), mask.sizes());
  Tensor out = native::where(native::expand_to(mask, shape), native::to_dtype(value, a.dtype()), native::expand_to(a, shape));
  if (needs({&a, &value})) {
    Tensor none;
    // torch: masked_fill.Scalar is MaskedFillBackward0, masked_fill.Tensor MaskedFillBackward1
    const char* name = value.impl()->is_wrapped_number ? "MaskedFillBackward0" : "MaskedFillBackward1";
    auto n = make_fn_node(name, deriv::masked_fill_bw, {&a, &none, &value});
    n->saved.resize(1);
    n->saved[0].save(native::expand_to(mask, shape), false);
    set_history(out, n);
  }
  return out;
}

Tensor index_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = native::index_add(a, dim, index, src);
  if (needs({&a, &src})) {
    Tensor none;
    auto n = make_fn_node("IndexAddBackward0", deriv::index_add_bw, {&a, &none, &src});
    n->ints = {wrap_dim(dim, a.dim())};
    n->shapes = {src.sizes()};
    n->saved.resize(1);
    n->saved[0].save(native::to_dtype(index, DType::Int64), false);
    set_history(out, n);
  }
  return out;
}

static std::string scalar_type_name(DType d) {  // "Float" from "torch.FloatTensor"
  std::string s = legacy_type_name(d);
  return s.substr(6, s.size() - 6 - 6);
}

Tensor index_put(const Tensor& self, const Tensor& flat_pos, const Tensor& values, const Shape& index_shape, bool accumulate) {
  MAG_CHECK(values.dtype() == self.dtype(), "Index put requires the source and destination dtypes match, got ",
            scalar_type_name(self.dtype()), " for the destination and ", scalar_type_name(values.dtype()), " for the source.");
  bool fits = values.dim() <= (int64_t)index_shape.size();
  for (int64_t k = 1; fits && k <= values.dim(); ++k) {
    int64_t v = values.sizes()[values.dim() - k], s = index_shape[index_shape.size() - k];
    fits = v == s || v == 1;
  }
  MAG_CHECK(fits, "shape mismatch: value tensor of shape ", native::shape_str(values.sizes()),
            " cannot be broadcast to indexing result of shape ", native::shape_str(index_shape));
  Tensor v = native::reshape(native::expand_to(values, index_shape), Shape{shape_numel(index_shape)});
  Tensor flat = native::reshape(self, Shape{self.numel()});
  // scatter is out of place; without accumulate a repeated position keeps its last value (torch CPU)
  Tensor out = native::reshape(native::scatter(flat, 0, flat_pos, v, accumulate), self.sizes());
  if (needs({&self, &values})) {
    auto n = make_fn_node("IndexPutBackward0", deriv::index_put_bw, {&self, &values});
    n->flag = accumulate;
    n->shapes = {self.sizes(), values.sizes(), index_shape};
    n->saved.resize(1);
    n->saved[0].save(flat_pos, false);
    set_history(out, n);
  }
  return out;
}

void inplace_index_put(const Tensor& self, const Tensor& flat_pos, const Tensor& values, const Shape& index_shape, bool accumulate) {
  check_inplace(self);
  if (!GradMode::is_enabled() || !(self.requires_grad() || values.requires_grad())) {
    Tensor r;
    {
      GradModeGuard g(false);
      r = index_put(self, flat_pos, values, index_shape, accumulate);
    }
    native::copy_(self, r);
    self.bump_version();
    return;
  }
  inplace_assign(self, index_put(self, flat_pos, values, index_shape, accumulate));
}

// Note [in-place view ops]: squeeze_ / unsqueeze_ / transpose_ / t_ record the out-of-place
// view under torch's in-place node name (SqueezeBackward3/4/5, UnsqueezeBackward1,
// TransposeBackward1, TBackward1); self then takes the view's geometry and grad_fn. A leaf that
// requires grad (or a view of one) raises torch's in-place error first.
static void become_view(const Tensor& self, const Tensor& v) {
  TensorImpl* i = self.impl();
  // a leaf's AccumulateGrad recorded the old sizes (set_data does the same)
  if (i->extra && i->extra->grad_accumulator && v.sizes() != self.sizes()) i->extra->grad_accumulator.reset();
  i->sizes = v.sizes();
  i->strides = v.strides();
  i->offset = v.offset();
  if (v.grad_fn()) {
    i->grad_fn = v.impl()->grad_fn;
    i->output_nr = v.impl()->output_nr;
  }
  self.bump_version();
}

void squeeze_(const Tensor& self, std::optional<std::vector<int64_t>> dims) {
  check_inplace(self);
  const char* name = dims ? (dims->size() == 1 ? "SqueezeBackward4" : "SqueezeBackward5") : "SqueezeBackward3";
  become_view(self, squeeze(self, dims, name));
}

void unsqueeze_(const Tensor& self, int64_t dim) {
  check_inplace(self);
  become_view(self, unsqueeze(self, dim, "UnsqueezeBackward1"));
}

void transpose_(const Tensor& self, int64_t d0, int64_t d1) {
  check_inplace(self);
  become_view(self, transpose(self, d0, d1, "TransposeBackward1"));
}

void t_(const Tensor& self) {
  check_inplace(self);
  become_view(self, t(self, "TBackward1"));
}

}  // namespace ag
}  // namespace mag
