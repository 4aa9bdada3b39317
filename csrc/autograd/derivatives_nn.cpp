// derivatives_nn.cpp: derivative-table formulas of the nn pieces torch gives their own
// backward nodes: losses (mse, nll, bce, bce-with-logits) and activations (leaky_relu,
// elu, gelu, softplus, hardtanh).
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

static Tensor reduce_grad(const Tensor& grad, const Tensor& like, int reduction) {
  // grad of a reduced loss, expanded back to the elementwise shape
  if (reduction == 0) return grad;
  Tensor e = expand(grad, like.sizes().vec());
  if (reduction == 1) return div(e, Si(like.numel()));
  return e;
}

TensorList mse_loss_bw(FnNode& n, const TensorList& g) {
  // torch: 2 * (input - target) * grad (grad / N for mean)
  Tensor x = n.sv(0), y = n.sv(1);
  int red = (int)n.ints[0];
  Tensor gr = g[0];
  Tensor norm = red == 1 ? div(mul(S(2), gr), Si(x.numel())) : mul(S(2), gr);
  Tensor gi = mul(norm, sub(x, y));
  Tensor gx, gy;
  if (n.needs_grad(0)) gx = gi;
  if (n.needs_grad(1)) gy = neg(gi);
  return {gx, gy};
}

TensorList nll_loss_bw(FnNode& n, const TensorList& g) {
  Tensor logp = n.sv(0), target = n.sv(1), weight = n.sv(2), total_w = n.sv(3);
  int red = (int)n.ints[0];
  int64_t ignore = n.ints[1];
  bool batched = logp.dim() == 2;
  int64_t N = batched ? logp.sizes()[0] : 1;
  int64_t C = logp.sizes()[logp.dim() - 1];
  Tensor tflat = native::reshape(target, Shape{N});
  Tensor valid = native::binary(BinaryOp::Ne, tflat, Si(ignore));
  Tensor tsafe = native::where(valid, tflat, native::zeros_like(tflat));
  Tensor w = weight.defined() ? native::index_select(weight, 0, tsafe) : native::ones_like(native::to_dtype(tflat, logp.dtype()));
  w = native::where(valid, w, native::zeros_like(w));
  Tensor gr = g[0];
  Tensor coef;  // per-sample gradient of -w_i * logp[i, t_i]
  if (red == 0) coef = native::reshape(gr, Shape{N});
  else if (red == 1) coef = native::binary(BinaryOp::Div, native::expand_to(native::reshape(gr, Shape()), Shape{N}), total_w);
  else coef = native::expand_to(native::reshape(gr, Shape()), Shape{N});
  Tensor vals = mul(neg(as_dtype(w, gr.dtype())), coef);
  Tensor z = native::zeros(Shape{N, C}, logp.dtype(), logp.device());
  Tensor gi = ag::scatter(z, 1, native::reshape(tsafe, Shape{N, 1}), reshape(vals, Shape{N, 1}), false);
  return {reshape(gi, logp.sizes()), Tensor(), Tensor()};
}

TensorList bce_bw(FnNode& n, const TensorList& g) {
  // grad * (x - y) / max((1 - x) * x, eps)
  Tensor x = n.sv(0), y = n.sv(1), w = n.sv(2);
  int red = (int)n.ints[0];
  Tensor gr = reduce_grad(g[0], x, red);
  Tensor denom = ag::clamp(mul(rsub_scalar(x, Scalar::from_int(1), Scalar::from_int(1)), x), Scalar::from_double(1e-12), std::nullopt);
  Tensor gi = div(mul(gr, sub(x, y)), denom);
  if (w.defined()) gi = mul(gi, w);
  return {gi, Tensor(), Tensor()};
}

TensorList bce_logits_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0), y = n.sv(1), w = n.sv(2), pw = n.sv(3);
  int red = (int)n.ints[0];
  Tensor gr = reduce_grad(g[0], x, red);
  Tensor s = ag::unary(UnaryOp::Sigmoid, x);
  Tensor gi;
  if (pw.defined()) {
    // ((pw*y + 1 - y) * sigmoid(x) - pw*y)
    Tensor py = mul(pw, y);
    gi = mul(gr, sub(mul(add(rsub_scalar(y, Scalar::from_int(1), Scalar::from_int(1)), py), s), py));
  } else {
    gi = mul(gr, sub(s, y));
  }
  if (w.defined()) gi = mul(gi, w);
  return {gi, Tensor(), Tensor(), Tensor()};
}

TensorList leaky_relu_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0);
  return {ag::where(cmp(BinaryOp::Gt, x, Si(0)), g[0], mul(g[0], S(n.doubles[0])))};
}

TensorList elu_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0), y = n.sv(1);
  return {ag::where(cmp(BinaryOp::Gt, x, Si(0)), g[0], mul(g[0], add(y, S(n.doubles[0]))))};
}

TensorList gelu_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0);
  if (n.flag) {
    const double kBeta = std::sqrt(2.0) * 2.0 / std::sqrt(M_PI) * 0.5, kKappa = 0.044715;
    Tensor x2 = mul(x, x), x3 = mul(x2, x);
    Tensor inner = mul(add(x, mul(x3, S(kKappa))), S(kBeta));
    Tensor th = ag::unary(UnaryOp::Tanh, inner);
    Tensor left = mul(x, S(0.5)), right = add(th, S(1));
    Tensor left_d = mul(right, S(0.5));
    Tensor tanh_d = rsub_scalar(mul(th, th), Scalar::from_int(1), Scalar::from_int(1));
    Tensor inner_d = mul(add(mul(mul(x2, S(3 * kKappa)), S(1)), S(0)), S(kBeta));
    Tensor right_d = mul(mul(left, tanh_d), inner_d);
    return {mul(g[0], add(left_d, right_d))};
  }
  const double kAlpha = M_SQRT1_2, kBeta = M_2_SQRTPI * M_SQRT1_2 * 0.5;
  Tensor cdf = mul(add(ag::unary(UnaryOp::Erf, mul(x, S(kAlpha))), S(1)), S(0.5));
  Tensor pdf = mul(ag::unary(UnaryOp::Exp, mul(mul(x, x), S(-0.5))), S(kBeta));
  return {mul(g[0], add(cdf, mul(x, pdf)))};
}

TensorList softplus_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0);
  double beta = n.doubles[0], threshold = n.doubles[1];
  Tensor z = ag::unary(UnaryOp::Exp, mul(x, S(beta)));
  Tensor r = div(mul(g[0], z), add(z, S(1)));
  return {ag::where(cmp(BinaryOp::Gt, mul(x, S(beta)), S(threshold)), g[0], r)};
}

TensorList hardtanh_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0);
  Tensor mask = native::binary(BinaryOp::LogicalOr, cmp(BinaryOp::Le, x, S(n.doubles[0])), cmp(BinaryOp::Ge, x, S(n.doubles[1])));
  return {ag::where(mask, native::zeros_like(g[0]), g[0])};
}

}  // namespace deriv
}  // namespace mag
