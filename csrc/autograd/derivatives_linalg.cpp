// derivatives_linalg.cpp: derivative-table formulas of the matrix products
// (mm, bmm, mv, dot, addmm), each written with the same products so they nest.
#include <algorithm>
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

// A gradient BLAS cannot read in place (the stride-0 expand of a sum's gradient) would be
// copied by each of the two products: copy it once (not when the backward is recorded).
static Tensor blas_ready(const Tensor& g, bool both) {
  if (!both || GradMode::is_enabled() || g.dim() != 2) return g;
  int64_t r = g.sizes()[0], c = g.sizes()[1], rs = g.strides()[0], cs = g.strides()[1];
  if ((cs == 1 && rs >= std::max<int64_t>(c, 1)) || (rs == 1 && cs >= std::max<int64_t>(r, 1))) return g;
  return native::contiguous(g);
}

// Both input gradients of a product, a = g @ b^T and b = a^T @ g; when neither is recorded
// (no create_graph) they are computed side by side (native::mm_pair).
static std::pair<Tensor, Tensor> mm_input_grads(const Tensor& g, const Tensor& a, const Tensor& b, bool need_a,
                                                bool need_b) {
  Tensor go = blas_ready(g, need_a && need_b);
  if (need_a && need_b && !GradMode::is_enabled()) return native::mm_pair(go, ag::t(b), ag::t(a), go);
  Tensor ga, gb;
  if (need_a) ga = ag::mm(go, ag::t(b));
  if (need_b) gb = ag::mm(ag::t(a), go);
  return {ga, gb};
}

TensorList mm_bw(FnNode& n, const TensorList& g) {
  auto [ga, gb] = mm_input_grads(g[0], n.sv(0), n.sv(1), n.needs_grad(0), n.needs_grad(1));
  return {ga, gb};
}

TensorList bmm_bw(FnNode& n, const TensorList& g) {
  Tensor ga, gb;
  if (n.needs_grad(0)) ga = ag::bmm(g[0], ag::transpose(n.sv(1), 1, 2));
  if (n.needs_grad(1)) gb = ag::bmm(ag::transpose(n.sv(0), 1, 2), g[0]);
  return {ga, gb};
}

TensorList mv_bw(FnNode& n, const TensorList& g) {
  Tensor ga, gb;
  if (n.needs_grad(0)) ga = ag::outer(g[0], n.sv(1));
  if (n.needs_grad(1)) gb = ag::mv(ag::t(n.sv(0)), g[0]);
  return {ga, gb};
}

TensorList dot_bw(FnNode& n, const TensorList& g) {
  Tensor ga, gb;
  if (n.needs_grad(0)) ga = mul(n.sv(1), g[0]);
  if (n.needs_grad(1)) gb = mul(n.sv(0), g[0]);
  return {ga, gb};
}

TensorList addmm_bw(FnNode& n, const TensorList& g) {
  Scalar beta = n.scalars[0], alpha = n.scalars[1];
  Tensor gbias, ga, gb;
  if (n.needs_grad(0)) gbias = beta.to_double() == 1.0 ? g[0] : mul(g[0], native::wrapped_scalar(beta));
  std::tie(ga, gb) = mm_input_grads(g[0], n.sv(0), n.sv(1), n.needs_grad(1), n.needs_grad(2));
  if (ga.defined() && alpha.to_double() != 1.0) ga = mul(ga, native::wrapped_scalar(alpha));
  if (gb.defined() && alpha.to_double() != 1.0) gb = mul(gb, native::wrapped_scalar(alpha));
  return {gbias, ga, gb};
}

}  // namespace deriv
}  // namespace mag
