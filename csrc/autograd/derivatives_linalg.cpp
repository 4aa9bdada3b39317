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

// A matrix stored column-major: the transpose of a contiguous matrix (Linear's weight.t()).
static bool column_major(const Tensor& m) { return m.strides()[0] == 1 && m.strides()[1] == m.sizes()[0]; }

void save_mm_layouts(FnNode& n, const Tensor& mat1, const Tensor& mat2) {
  n.ints = {column_major(mat1), column_major(mat2)};
}

// Both input gradients of C = A @ B from g = dC, as torch's mm_mat1_backward and
// mm_mat2_backward: dA = g @ B^T and dB = A^T @ g, except that an input stored column-major
// gets its gradient as the transpose of a row-major product, dA = (B @ g^T)^T and
// dB = (g^T @ A)^T, so the gradient has the input's layout (a leaf's .grad then takes it
// without a copy, as torch's does). When neither is recorded (no create_graph) the two
// products run side by side (native::mm_pair). A is saved only when dB is needed, B only
// when dA is; their layouts always (save_mm_layouts).
static std::pair<Tensor, Tensor> mm_input_grads(FnNode& n, const Tensor& g, bool need_a, bool need_b) {
  bool a_cm = n.ints[0] != 0, b_cm = n.ints[1] != 0;
  Tensor go = blas_ready(g, need_a && need_b);
  Tensor a1, b1, a2, b2;
  if (need_a) {  // dA or dA^T = a1 @ b1
    Tensor b = n.sv(1);
    a1 = a_cm ? b : go;
    b1 = a_cm ? ag::t(go) : ag::t(b);
  }
  if (need_b) {  // dB or dB^T = a2 @ b2
    Tensor a = n.sv(0);
    a2 = b_cm ? ag::t(go) : ag::t(a);
    b2 = b_cm ? a : go;
  }
  Tensor ga, gb;
  if (need_a && need_b && !GradMode::is_enabled()) {
    std::tie(ga, gb) = native::mm_pair(a1, b1, a2, b2);
  } else {
    if (need_a) ga = ag::mm(a1, b1);
    if (need_b) gb = ag::mm(a2, b2);
  }
  if (ga.defined() && a_cm) ga = ag::t(ga);
  if (gb.defined() && b_cm) gb = ag::t(gb);
  return {ga, gb};
}

TensorList mm_bw(FnNode& n, const TensorList& g) {
  auto [ga, gb] = mm_input_grads(n, g[0], n.needs_grad(0), n.needs_grad(1));
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
  std::tie(ga, gb) = mm_input_grads(n, g[0], n.needs_grad(1), n.needs_grad(2));
  if (ga.defined() && alpha.to_double() != 1.0) ga = mul(ga, native::wrapped_scalar(alpha));
  if (gb.defined() && alpha.to_double() != 1.0) gb = mul(gb, native::wrapped_scalar(alpha));
  return {gbias, ga, gb};
}

}  // namespace deriv
}  // namespace mag
