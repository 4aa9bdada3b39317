// derivatives_nn.cpp: derivative-table formulas of the nn pieces torch gives their own
// backward nodes: losses (mse, nll, bce, bce-with-logits, smooth-L1, Huber), activations
// (leaky_relu, elu, gelu, softplus, hardtanh), layer / batch norm and embedding.
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
  // ignored targets get no gradient (torch never writes them: zeros even when every target
  // is ignored and total_weight is 0, where -w * grad / total_weight would be nan)
  Tensor vals = mul(neg(as_dtype(w, gr.dtype())), coef);
  vals = ag::where(valid, vals, native::zeros_like(vals));
  Tensor z = native::zeros(Shape{N, C}, logp.dtype(), logp.device());
  Tensor gi = ag::scatter(z, 1, native::reshape(tsafe, Shape{N, 1}), reshape(vals, Shape{N, 1}), false);
  return {reshape(gi, logp.sizes()), Tensor(), Tensor()};
}

TensorList bce_bw(FnNode& n, const TensorList& g) {
  // input: grad * (x - y) / max((1 - x) * x, eps); target (torch's
  // binary_cross_entropy_target_backward): -logit(x) * grad, times weight, / N for mean
  Tensor x = n.sv(0), y = n.sv(1), w = n.sv(2);
  int red = (int)n.ints[0];
  Tensor gx, gy;
  if (n.needs_grad(0)) {
    Tensor gr = reduce_grad(g[0], x, red);
    Tensor denom = ag::clamp(mul(rsub_scalar(x, Scalar::from_int(1), Scalar::from_int(1)), x), Scalar::from_double(1e-12), std::nullopt);
    gx = div(mul(gr, sub(x, y)), denom);
    if (w.defined()) gx = mul(gx, w);
  }
  if (n.needs_grad(1)) {
    Tensor logit = ag::unary(UnaryOp::Log, div(x, rsub_scalar(x, Scalar::from_int(1), Scalar::from_int(1))));
    gy = mul(neg(logit), g[0]);
    if (w.defined()) gy = mul(gy, w);
    if (red == 1) gy = div(gy, Si(y.numel()));
  }
  return {gx, gy};
}

TensorList bce_logits_bw(FnNode& n, const TensorList& g) {
  // target (torch's binary_cross_entropy_with_logits_target_backward):
  // (pw ? log_sigmoid(-x) - log_sigmoid(x) * pw : -x) * grad, times weight, / N for mean
  Tensor x = n.sv(0), y = n.sv(1), w = n.sv(2), pw = n.sv(3);
  int red = (int)n.ints[0];
  Tensor gx, gy;
  if (n.needs_grad(0)) {
    Tensor gr = reduce_grad(g[0], x, red);
    Tensor s = ag::unary(UnaryOp::Sigmoid, x);
    if (pw.defined()) {
      // ((pw*y + 1 - y) * sigmoid(x) - pw*y)
      Tensor py = mul(pw, y);
      gx = mul(gr, sub(mul(add(rsub_scalar(y, Scalar::from_int(1), Scalar::from_int(1)), py), s), py));
    } else {
      gx = mul(gr, sub(s, y));
    }
    if (w.defined()) gx = mul(gx, w);
  }
  if (n.needs_grad(1)) {
    if (pw.defined()) {
      auto log_sigmoid = [](const Tensor& z) { return neg(ag::softplus(neg(z), 1.0, 20.0)); };
      gy = sub(log_sigmoid(neg(x)), mul(log_sigmoid(x), pw));
    } else {
      gy = neg(x);
    }
    gy = mul(gy, g[0]);
    if (w.defined()) gy = mul(gy, w);
    if (red == 1) gy = div(gy, Si(y.numel()));
  }
  return {gx, gy};
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
    Tensor inner_d = mul(add(mul(x2, S(3 * kKappa)), S(1)), S(kBeta));  // d(inner)/dx = beta (1 + 3 kappa x^2)
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

// --- normalisation: statistics are recomputed from the saved input with ag:: ops, so the
// formulas differentiate again (double backward) like torch's

// d/dx of (x - mean) * rstd over `dims`, given the gradient gxhat w.r.t. the normalised input
static Tensor normalized_input_grad(const Tensor& gxhat, const Tensor& xhat, const Tensor& rstd, const std::vector<int64_t>& dims) {
  Tensor m1 = ag::mean(gxhat, dims, true, std::nullopt, true);
  Tensor m2 = ag::mean(mul(gxhat, xhat), dims, true, std::nullopt, true);
  return mul(rstd, sub(sub(gxhat, m1), mul(xhat, m2)));
}

TensorList layer_norm_bw(FnNode& n, const TensorList& g) {
  // torch (layer_norm_backward): gx = rstd (gxhat - mean(gxhat) - xhat mean(gxhat xhat)),
  // gxhat = grad * w; gw = sum(grad * xhat) over the batch dims; gb = sum(grad)
  Tensor x = n.sv(0), w = n.sv(1);
  const std::vector<int64_t> dims = n.ints.vec();
  Tensor mean = ag::mean(x, dims, true, std::nullopt, true);
  Tensor rstd = ag::unary(UnaryOp::Rsqrt, add(ag::var(x, dims, 0.0, true, false, true), S(n.doubles[0])));
  Tensor xhat = mul(sub(x, mean), rstd);
  Tensor gx, gw, gb;
  if (n.needs_grad(0)) gx = normalized_input_grad(w.defined() ? mul(g[0], w) : g[0], xhat, rstd, dims);
  if (n.needs_grad(1)) gw = ag::sum_to(mul(g[0], xhat), w.sizes());
  if (n.needs_grad(2)) gb = ag::sum_to(g[0], n.shapes[0]);
  return {gx, gw, gb};
}

TensorList batch_norm_bw(FnNode& n, const TensorList& g) {
  // batch statistics: the layer-norm formula over (N, spatial); running statistics (eval):
  // gx = grad * w * rstd. gw = sum(grad * xhat), gb = sum(grad) per channel in both
  Tensor x = n.sv(0), w = n.sv(1);
  const std::vector<int64_t> dims = n.ints.vec();
  double eps = n.doubles[0];
  Shape stat(x.dim(), 1);
  stat[1] = x.sizes()[1];
  Tensor wv = w.defined() ? reshape(w, stat) : Tensor();
  Tensor mean, rstd;
  if (n.flag) {
    mean = ag::mean(x, dims, true, std::nullopt, true);
    rstd = ag::unary(UnaryOp::Rsqrt, add(ag::var(x, dims, 0.0, true, false, true), S(eps)));
  } else {
    mean = reshape(n.sv(2), stat);
    rstd = ag::unary(UnaryOp::Rsqrt, add(reshape(n.sv(3), stat), S(eps)));
  }
  Tensor xhat = mul(sub(x, mean), rstd);
  Tensor gx, gw, gb;
  if (n.needs_grad(0)) {
    Tensor gxhat = wv.defined() ? mul(g[0], wv) : g[0];
    gx = n.flag ? normalized_input_grad(gxhat, xhat, rstd, dims) : mul(gxhat, rstd);
  }
  if (n.needs_grad(1)) gw = ag::sum(mul(g[0], xhat), dims, false, std::nullopt, true);
  if (n.needs_grad(2)) gb = ag::sum(g[0], dims, false, std::nullopt, true);
  return {gx, gw, gb};
}

TensorList embedding_bw(FnNode& n, const TensorList& g) {
  // torch (embedding_dense_backward): rows of grad index_add'ed into a zero weight;
  // positions whose index is padding_idx contribute nothing
  Tensor idx = n.sv(0);
  const Shape& wsizes = n.shapes[0];
  Shape rows{idx.numel()};
  for (int64_t d = 1; d < (int64_t)wsizes.size(); ++d) rows.push_back(wsizes[d]);
  Tensor g2 = reshape(g[0], rows);
  if (n.ints[0] >= 0) {
    Tensor pad = cmp(BinaryOp::Eq, idx, Si(n.ints[0]));
    Shape ps(rows.size(), 1);
    ps[0] = idx.numel();
    g2 = ag::where(native::reshape(pad, ps), native::zeros_like(g2), g2);
  }
  return {ag::index_add(native::zeros(wsizes, g[0].dtype(), g[0].device()), 0, idx, g2)};
}

// gradient of a reduced elementwise loss w.r.t. its per-element input, times 1/N for mean
static Tensor loss_grad_scale(const Tensor& grad, const Tensor& like, int reduction, double& norm) {
  norm = reduction == 1 ? 1.0 / (double)like.numel() : 1.0;
  return reduction == 0 ? grad : expand(grad, like.sizes().vec());
}

TensorList smooth_l1_loss_bw(FnNode& n, const TensorList& g) {
  // torch (smooth_l1_backward): d <= -beta: -norm grad; d >= beta: norm grad;
  // else norm d grad / beta, with d = input - target; target gets the negation
  Tensor d = sub(n.sv(0), n.sv(1));
  double beta = n.doubles[0], norm;
  Tensor gr = loss_grad_scale(g[0], d, (int)n.ints[0], norm);
  Tensor ng = mul(S(norm), gr);
  Tensor gi = ag::where(cmp(BinaryOp::Le, d, S(-beta)), neg(ng),
                        ag::where(cmp(BinaryOp::Ge, d, S(beta)), ng, div(mul(mul(S(norm), d), gr), S(beta))));
  return {n.needs_grad(0) ? gi : Tensor(), n.needs_grad(1) ? neg(gi) : Tensor()};
}

TensorList huber_loss_bw(FnNode& n, const TensorList& g) {
  // torch (huber_backward): d <= -delta: -norm grad delta; d >= delta: norm grad delta;
  // else norm d grad
  Tensor d = sub(n.sv(0), n.sv(1));
  double delta = n.doubles[0], norm;
  Tensor gr = loss_grad_scale(g[0], d, (int)n.ints[0], norm);
  Tensor ngd = mul(mul(S(norm), gr), S(delta));
  Tensor gi = ag::where(cmp(BinaryOp::Le, d, S(-delta)), neg(ngd),
                        ag::where(cmp(BinaryOp::Ge, d, S(delta)), ngd, mul(mul(S(norm), d), gr)));
  return {n.needs_grad(0) ? gi : Tensor(), n.needs_grad(1) ? neg(gi) : Tensor()};
}

}  // namespace deriv
}  // namespace mag
