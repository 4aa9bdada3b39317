// derivatives_shape.cpp: derivative-table formulas of views, copies, joins and index ops,
// and of the in-place helpers (CopySlices, fills). View gradients are views / index_adds of
// the incoming gradient into a zero buffer of the input's shape.
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

TensorList view_bw(FnNode& n, const TensorList& g) { return {reshape(g[0], n.shapes[0])}; }

TensorList permute_bw(FnNode& n, const TensorList& g) {
  std::vector<int64_t> inv(n.ints.size());
  for (size_t i = 0; i < n.ints.size(); ++i) inv[n.ints[i]] = (int64_t)i;
  return {ag::permute(g[0], inv)};
}

TensorList transpose_bw(FnNode& n, const TensorList& g) { return {ag::transpose(g[0], n.ints[0], n.ints[1])}; }
TensorList expand_bw(FnNode& n, const TensorList& g) { return {ag::sum_to(g[0], n.shapes[0])}; }
TensorList squeeze_bw(FnNode& n, const TensorList& g) { return {reshape(g[0], n.shapes[0])}; }

TensorList select_bw(FnNode& n, const TensorList& g) {
  Tensor z = native::zeros(n.shapes[0], g[0].dtype(), g[0].device());
  Tensor idx = native::scalar_tensor(Scalar::from_int(n.ints[1]), DType::Int64, g[0].device());
  return {ag::index_add(z, n.ints[0], native::reshape(idx, Shape{1}), ag::unsqueeze(g[0], n.ints[0]))};
}

TensorList slice_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0], start = n.ints[1], step = n.ints[3];
  int64_t len = g[0].sizes()[dim];
  Tensor idx = native::arange((double)start, (double)(start + len * step), (double)step, DType::Int64);
  if (idx.numel() > len) idx = native::slice(idx, 0, 0, len, 1);
  idx = to_device(idx, g[0].device());
  Tensor z = native::zeros(n.shapes[0], g[0].dtype(), g[0].device());
  return {ag::index_add(z, dim, idx, g[0])};
}

TensorList as_strided_bw(FnNode& n, const TensorList& g) {
  // scatter-add the gradient through the same geometry into a zero buffer of the input
  Shape in_sizes = n.shapes[0];
  Tensor z = native::zeros(Shape{n.ints[0]}, g[0].dtype(), g[0].device());  // storage-sized
  Tensor idx = to_device(native::arange(0, (double)n.ints[0], 1, DType::Int64), g[0].device());
  Tensor pos = native::as_strided(idx, n.shapes[1], n.shapes[2], n.ints[1]);
  Tensor flat_pos = native::reshape(native::contiguous(pos), Shape{pos.numel()});
  Tensor acc = ag::index_add(z, 0, flat_pos, reshape(g[0], Shape{g[0].numel()}));
  // read back the input's own geometry
  Tensor inpos = native::as_strided(idx, in_sizes, n.shapes[3], n.ints[2]);
  Tensor flat_in = native::reshape(native::contiguous(inpos), Shape{inpos.numel()});
  return {reshape(ag::index_select(acc, 0, flat_in), in_sizes)};
}

TensorList identity_bw(FnNode&, const TensorList& g) { return {g[0]}; }
TensorList to_dtype_bw(FnNode& n, const TensorList& g) { return {ag::to_dtype(g[0], n.dtype_arg)}; }
// ints = {device type, index} of the source: the gradient goes back there
TensorList to_device_bw(FnNode& n, const TensorList& g) {
  return {ag::to_device(g[0], Device{(DeviceType)n.ints[0], (int8_t)n.ints[1]}, false)};
}

// the device of the gradients that exist (missing ones become zeros there)
static Device grads_device(const TensorList& g) {
  for (const auto& t : g) if (t.defined()) return t.device();
  return Device();
}

TensorList unbind_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  Shape full = n.shapes[0];
  TensorList parts;
  Shape part_sizes = full;
  part_sizes.erase(dim);
  for (size_t i = 0; i < g.size(); ++i)
    parts.push_back(g[i].defined() ? g[i] : native::zeros(part_sizes, n.dtype_arg, grads_device(g)));
  return {ag::stack(parts, dim)};
}

TensorList split_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  Shape full = n.shapes[0];
  TensorList parts;
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i].defined()) { parts.push_back(g[i]); continue; }
    Shape s = full; s[dim] = n.ints[1 + i];
    parts.push_back(native::zeros(s, n.dtype_arg, grads_device(g)));
  }
  return {ag::cat(parts, dim)};
}

TensorList cat_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  TensorList r;
  int64_t off = 0;
  for (size_t i = 1; i < n.ints.size(); ++i) {
    int64_t len = n.ints[i];
    if (len < 0) {  // skipped legacy empty input: torch gives it zeros({0})
      r.push_back(n.needs_grad(i - 1) ? native::zeros(Shape{0}, g[0].dtype(), g[0].device()) : Tensor());
      continue;
    }
    r.push_back(n.needs_grad(i - 1) ? ag::slice(g[0], dim, off, off + len, 1) : Tensor());
    off += len;
  }
  return r;
}

TensorList stack_bw(FnNode& n, const TensorList& g) {
  TensorList parts = ag::unbind(g[0], n.ints[0]);
  return parts;
}

TensorList index_select_bw(FnNode& n, const TensorList& g) {
  Tensor z = native::zeros(n.shapes[0], g[0].dtype(), g[0].device());
  return {ag::index_add(z, n.ints[0], n.sv(0), g[0]), Tensor()};
}

TensorList index_bw(FnNode& n, const TensorList& g) {
  // a[flat positions] over the flattened input: index_add into zeros
  Tensor z = native::zeros(Shape{shape_numel(n.shapes[0])}, g[0].dtype(), g[0].device());
  Tensor r = ag::index_add(z, 0, n.sv(0), reshape(g[0], Shape{g[0].numel()}));
  return {reshape(r, n.shapes[0])};
}

TensorList gather_bw(FnNode& n, const TensorList& g) {
  Tensor z = native::zeros(n.shapes[0], g[0].dtype(), g[0].device());
  return {ag::scatter(z, n.ints[0], n.sv(0), g[0], true), Tensor()};
}

TensorList scatter_bw(FnNode& n, const TensorList& g) {
  Tensor idx = n.sv(0);
  int64_t dim = n.ints[0];
  Tensor gself, gsrc;
  if (n.needs_grad(0)) gself = n.flag ? g[0] : ag::scatter(g[0], dim, idx, native::zeros(idx.sizes(), g[0].dtype(), g[0].device()), false);
  if (n.needs_grad(1)) gsrc = ag::gather(g[0], dim, idx);
  return {gself, gsrc};
}

TensorList masked_fill_bw(FnNode& n, const TensorList& g) {
  Tensor mask = n.sv(0);
  Tensor z = native::zeros_like(g[0]);
  Tensor gself, gval;
  if (n.needs_grad(0)) gself = ag::where(mask, z, g[0]);
  if (n.needs_grad(2)) gval = ag::sum(ag::where(mask, g[0], z), {}, false, std::nullopt, false);
  return {gself, Tensor(), gval};
}

TensorList index_add_bw(FnNode& n, const TensorList& g) {
  Tensor idx = n.sv(0);
  int64_t dim = n.ints[0];
  Tensor gsrc;
  if (n.needs_grad(2)) {
    gsrc = ag::index_select(g[0], dim, idx);
    if (n.shapes.size() && gsrc.sizes() != n.shapes[0]) gsrc = reshape(gsrc, n.shapes[0]);
  }
  return {n.needs_grad(0) ? g[0] : Tensor(), Tensor(), gsrc};
}

TensorList index_put_bw(FnNode& n, const TensorList& g) {
  // torch: self gets grad with the written positions zeroed (accumulate: grad unchanged);
  // values get grad[indices] (every position, repeated ones too) summed to values' shape
  Tensor pos = n.sv(0);
  const Shape &self_sizes = n.shapes[0], &val_sizes = n.shapes[1], &index_shape = n.shapes[2];
  Tensor flat = reshape(g[0], Shape{g[0].numel()});
  Tensor gself, gval;
  if (n.needs_grad(0))
    gself = n.flag ? g[0]
                   : reshape(ag::scatter(flat, 0, pos, native::zeros(pos.sizes(), g[0].dtype(), g[0].device()), false), self_sizes);
  if (n.needs_grad(1)) gval = ag::sum_to(reshape(ag::index_select(flat, 0, pos), index_shape), val_sizes);
  return {gself, gval};
}

TensorList copy_slices_bw(FnNode& n, const TensorList& g) {
  // base gradient with the written region zeroed, and the region's gradient for the new values
  Shape vs = n.shapes[0], vst = n.shapes[1];
  int64_t voff = n.ints[0];
  Tensor gbase = native::clone(g[0]);
  Tensor region = native::as_strided(gbase, vs, vst, voff + gbase.offset());
  Tensor gregion = native::clone(region);
  native::fill_(region, Scalar::from_int(0));
  return {gbase, gregion};
}

TensorList copy_bw(FnNode& n, const TensorList& g) {
  // self.copy_(src): self's old values are gone (zeros); src's gradient is summed to its shape
  return {n.needs_grad(0) ? native::zeros_like(g[0]) : Tensor(), n.needs_grad(1) ? ag::sum_to(g[0], n.shapes[0]) : Tensor()};
}

// fill_ / zero_: the old values are gone (zeros); fill_.Tensor's value gets the summed gradient
TensorList fill_bw(FnNode& n, const TensorList& g) {
  TensorList r(n.num_outputs());
  if (n.needs_grad(0)) r[0] = native::zeros_like(g[0]);
  if (r.size() > 1 && n.needs_grad(1)) r[1] = ag::sum(g[0], {}, false, std::nullopt, false);
  return r;
}

}  // namespace deriv
}  // namespace mag
