// ops_nn.cpp: nn pieces that torch records as one backward node each: layer_norm and
// batch_norm (NativeLayerNorm/NativeBatchNormBackward0), embedding (EmbeddingBackward0) and
// the smooth-L1 / Huber losses. Forwards are compositions run without recording; their
// formulas live in derivatives_nn.cpp.
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace ag {

static bool needs(std::initializer_list<const Tensor*> ts) { return compute_requires_grad(ts); }
static Tensor S(double v) { return native::wrapped_scalar(Scalar::from_double(v)); }

// (x - mean) * rsqrt(var + eps) [* w] [+ b]; stats and w / b already broadcastable to x
static Tensor normalize(const Tensor& x, const Tensor& mean, const Tensor& var, const Tensor& w, const Tensor& b, double eps) {
  Tensor out = native::binary(BinaryOp::Mul, native::binary(BinaryOp::Sub, x, mean),
                              native::unary(UnaryOp::Rsqrt, native::binary(BinaryOp::Add, var, S(eps))));
  if (w.defined()) out = native::binary(BinaryOp::Mul, out, w);
  if (b.defined()) out = native::binary(BinaryOp::Add, out, b);
  return out;
}

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias, double eps) {
  std::vector<int64_t> dims;
  for (int64_t d = x.dim() - (int64_t)normalized_shape.size(); d < x.dim(); ++d) dims.push_back(d);
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor mean = ag::mean(x, dims, true, std::nullopt, true);
    Tensor var = ag::var(x, dims, 0.0, true, false, true);
    out = normalize(x, mean, var, weight, bias, eps);
  }
  if (needs({&x, &weight, &bias})) {
    auto n = make_fn_node("NativeLayerNormBackward0", deriv::layer_norm_bw, {&x, &weight, &bias});
    n->ints = dims;
    n->doubles = {eps};
    n->shapes = {bias.defined() ? bias.sizes() : Shape()};
    n->saved.resize(2);
    n->saved[0].save(x, false);
    if (weight.defined()) n->saved[1].save(weight, false);
    set_history(out, n);
  }
  return out;
}

Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double eps, Tensor* mean_out, Tensor* var_out) {
  MAG_CHECK(x.dim() >= 2, "batch_norm: expected an input with at least 2 dimensions, got ", x.dim());
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  Shape stat(x.dim(), 1);
  stat[1] = x.sizes()[1];
  auto as_stat = [&](const Tensor& t) { return t.defined() ? native::reshape(t, stat) : t; };
  bool batch_stats = training || !running_mean.defined();
  Tensor out, mean, var;
  {
    GradModeGuard g(false);
    if (batch_stats) {
      mean = ag::mean(x, dims, false, std::nullopt, true);
      var = ag::var(x, dims, 0.0, false, false, true);
    } else {
      mean = running_mean;
      var = running_var;
    }
    out = normalize(x, as_stat(mean), as_stat(var), as_stat(weight), as_stat(bias), eps);
  }
  if (mean_out) *mean_out = mean;
  if (var_out) *var_out = var;
  if (needs({&x, &weight, &bias})) {
    auto n = make_fn_node("NativeBatchNormBackward0", deriv::batch_norm_bw, {&x, &weight, &bias});
    n->ints = dims;
    n->doubles = {eps};
    n->flag = batch_stats;
    n->saved.resize(4);
    n->saved[0].save(x, false);
    if (weight.defined()) n->saved[1].save(weight, false);
    if (!batch_stats) {  // the running statistics as they are now (torch saves them too)
      n->saved[2].save(native::clone(running_mean), false);
      n->saved[3].save(native::clone(running_var), false);
    }
    set_history(out, n);
  }
  return out;
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx) {
  Tensor flat = native::reshape(indices, Shape{indices.numel()});
  Shape out_shape = indices.sizes();
  for (int64_t d = 1; d < weight.dim(); ++d) out_shape.push_back(weight.sizes()[d]);
  Tensor out = native::reshape(native::index_select(weight, 0, flat), out_shape);
  if (needs({&weight})) {
    auto n = make_fn_node("EmbeddingBackward0", deriv::embedding_bw, {&weight});
    n->ints = {padding_idx};
    n->shapes = {weight.sizes()};
    n->saved.resize(1);
    n->saved[0].save(native::to_dtype(flat, DType::Int64), false);
    set_history(out, n);
  }
  return out;
}

// --- smooth L1 / Huber (reduction: 0 none, 1 mean, 2 sum); input and target already broadcast
static Tensor reduce(const Tensor& t, int reduction) {
  if (reduction == 0) return t;
  Tensor s = native::sum(t, {}, false);
  if (reduction == 1) return native::binary(BinaryOp::Div, s, native::wrapped_scalar(Scalar::from_int(t.numel())));
  return s;
}

static Tensor record_loss(Tensor out, const char* name, FnNode::Formula f, const Tensor& input, const Tensor& target,
                          int reduction, double param) {
  if (needs({&input, &target})) {
    auto n = make_fn_node(name, f, {&input, &target});
    n->ints = {reduction};
    n->doubles = {param};
    n->saved.resize(2);
    n->saved[0].save(input, false);
    n->saved[1].save(target, false);
    set_history(out, n);
  }
  return out;
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int reduction, double beta) {
  // |d| < beta ? 0.5 d^2 / beta : |d| - 0.5 beta (torch's kernel, same operation order)
  Tensor z = native::unary(UnaryOp::Abs, native::binary(BinaryOp::Sub, input, target));
  Tensor quad = native::binary(BinaryOp::Div, native::binary(BinaryOp::Mul, native::binary(BinaryOp::Mul, S(0.5), z), z), S(beta));
  Tensor lin = native::binary(BinaryOp::Sub, z, S(0.5 * beta));
  Tensor l = native::where(native::binary(BinaryOp::Lt, z, S(beta)), quad, lin);
  return record_loss(reduce(l, reduction), "SmoothL1LossBackward0", deriv::smooth_l1_loss_bw, input, target, reduction, beta);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, int reduction, double delta) {
  // |d| < delta ? 0.5 d^2 : delta (|d| - 0.5 delta)
  Tensor z = native::unary(UnaryOp::Abs, native::binary(BinaryOp::Sub, input, target));
  Tensor quad = native::binary(BinaryOp::Mul, native::binary(BinaryOp::Mul, S(0.5), z), z);
  Tensor lin = native::binary(BinaryOp::Mul, S(delta), native::binary(BinaryOp::Sub, z, S(0.5 * delta)));
  Tensor l = native::where(native::binary(BinaryOp::Lt, z, S(delta)), quad, lin);
  return record_loss(reduce(l, reduction), "HuberLossBackward0", deriv::huber_loss_bw, input, target, reduction, delta);
}

}  // namespace ag
}  // namespace mag
