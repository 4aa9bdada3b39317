// derivatives_linalg.cpp: derivative-table formulas of the matrix products
// (mm, bmm, mv, dot, addmm), each written with the same products so they nest.
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

TensorList mm_bw(FnNode& n, const TensorList& g) {
  Tensor ga, gb;
  if (n.needs_grad(0)) ga = ag::mm(g[0], ag::t(n.sv(1)));
  if (n.needs_grad(1)) gb = ag::mm(ag::t(n.sv(0)), g[0]);
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
  if (n.needs_grad(1)) { ga = ag::mm(g[0], ag::t(n.sv(1))); if (alpha.to_double() != 1.0) ga = mul(ga, native::wrapped_scalar(alpha)); }
  if (n.needs_grad(2)) { gb = ag::mm(ag::t(n.sv(0)), g[0]); if (alpha.to_double() != 1.0) gb = mul(gb, native::wrapped_scalar(alpha)); }
  return {gbias, ga, gb};
}

}  // namespace deriv
}  // namespace mag
