// derivatives_reduce.cpp: derivative-table formulas of reductions and the ops built on them
// (sum, mean, prod, amax/max, var/std, norm, logsumexp, softmax, log_softmax, cumsum).
// Ties are split as torch splits them.
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

// grad of a reduction: unsqueeze the reduced dims back (unless keepdim) and expand
static Tensor expand_reduced(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& dims, bool keepdim) {
  Tensor gg = grad;
  if (!keepdim && !in_sizes.empty()) {
    if (dims.empty()) {
      return expand(gg, in_sizes.vec());  // full reduction: a 0-d grad expands as is (torch)
    } else {
      for (auto d : dims) gg = unsqueeze(gg, d);
    }
  }
  return expand(gg, in_sizes.vec());
}

TensorList sum_bw(FnNode& n, const TensorList& g) {
  return {expand_reduced(g[0], n.shapes[0], n.ints.vec(), n.flag)};
}

TensorList mean_bw(FnNode& n, const TensorList& g) {
  Tensor e = expand_reduced(g[0], n.shapes[0], n.ints.vec(), n.flag);
  return {div(e, Si((int64_t)n.doubles[0]))};
}

TensorList prod_bw(FnNode& n, const TensorList& g) {
  // prod backward via result / x where x != 0; zeros handled by exclusive products
  Tensor x = n.sv(0), res = n.sv(1);
  std::vector<int64_t> dims = n.ints.vec();
  Tensor ge = expand_reduced(g[0], n.shapes[0], dims, n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], dims, n.flag);
  Tensor any_zero = native::all_any(cmp(BinaryOp::Eq, x, Si(0)), {}, false, false);
  if (!*host_readable(any_zero).data_as<bool>()) return {mul(ge, div(re, x))};
  if (!dims.empty() && x.dim() > 1) {
    // per slice: no zero -> result / x; one zero -> product of the non-zeros at the zero, else 0;
    // two or more zeros -> 0 (torch's prod_safe_zeros_backward gives the same values)
    Tensor z = cmp(BinaryOp::Eq, x, Si(0));
    Tensor nz = native::sum(as_dtype(z, DType::Int64), dims, true);
    Tensor x1 = where(z, native::ones_like(x), x);
    Tensor p1 = ag::prod(x1, dims[0], true, std::nullopt);
    Tensor zero = native::zeros_like(x);
    Tensor none = cmp(BinaryOp::Eq, nz, Si(0)), one = cmp(BinaryOp::Eq, nz, Si(1));
    Tensor pr = where(none, div(p1, x1), where(native::binary(BinaryOp::LogicalAnd, one, z), mul(p1, native::ones_like(x)), zero));
    return {mul(ge, pr)};
  }
  // whole-tensor reduction: product of all other elements, per element
  Tensor flat = native::contiguous(native::reshape(x, Shape{x.numel()}));
  int64_t N = flat.numel();
  TensorList parts;
  for (int64_t i = 0; i < N; ++i) {
    Tensor others = ag::cat({ag::slice(flat, 0, 0, i, 1), ag::slice(flat, 0, i + 1, N, 1)}, 0);
    parts.push_back(ag::prod(others, std::nullopt, false, std::nullopt));
  }
  Tensor pr = reshape(ag::stack(parts, 0), x.sizes());
  return {mul(ge, pr)};
}

TensorList amax_bw(FnNode& n, const TensorList& g) {
  // gradient split evenly among the maximal elements (torch amax)
  Tensor x = n.sv(0), res = n.sv(1);
  Tensor re = expand_reduced(res, n.shapes[0], n.ints.vec(), n.flag);
  Tensor mask = as_dtype(cmp(BinaryOp::Eq, x, re), g[0].dtype());
  Tensor cnt = native::sum(mask, n.ints.vec(), true);
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints.vec(), n.flag);
  return {div(mul(ge, mask), cnt)};
}

TensorList max_all_bw(FnNode& n, const TensorList& g) {
  // max() without dim: evenly distributed among ties (torch evenly_distribute_backward)
  Tensor x = n.sv(0), res = n.sv(1);
  Tensor mask = as_dtype(cmp(BinaryOp::Eq, x, res), g[0].dtype());
  Tensor cnt = native::sum(mask, {}, false);
  return {mul(div(mask, cnt), g[0])};
}

TensorList max_dim_bw(FnNode& n, const TensorList& g) {
  // value_selecting_reduction_backward: scatter grad into the argmax positions
  Tensor idx = n.sv(0);
  int64_t dim = n.ints[0];
  Tensor gr = g[0];
  if (!n.flag && !n.shapes[0].empty()) { gr = unsqueeze(gr, dim); idx = native::unsqueeze(idx, dim); }
  Tensor z = native::zeros(n.shapes[0], gr.dtype(), gr.device());
  if (n.shapes[0].empty()) return {gr};
  return {ag::scatter(z, dim, idx, gr, false)};
}

TensorList var_bw(FnNode& n, const TensorList& g) {
  // var: grad * 2 (x - mean) / (N - correction); std: var_backward(grad / (2 std))
  Tensor x = n.sv(0);
  double correction = n.doubles[0];
  int64_t N = (int64_t)n.doubles[1];
  Tensor gr = g[0];
  std::vector<int64_t> dims = n.ints.vec();
  if (n.dtype_arg == DType::Bool) {  // std
    Tensor res = n.sv(1);  // torch: (grad / (2 std)).masked_fill_(std == 0, 0)
    Tensor q = div(gr, mul(res, S(2)));
    gr = where(cmp(BinaryOp::Eq, res, Si(0)), native::zeros_like(q), q);
  }
  Tensor ge = expand_reduced(gr, n.shapes[0], dims, n.flag);
  Tensor m = native::sum(x, dims, true);
  m = native::binary(BinaryOp::Div, m, Si(N));
  Tensor centered = sub(x, m);
  double denom = std::max(0.0, (double)N - correction);
  return {mul(mul(S(2.0 / denom), ge), centered)};
}

TensorList norm_bw(FnNode& n, const TensorList& g) {
  // 2-norm: x * grad / norm (0 where norm is 0); inf-norm: evenly among maxima; general p
  Tensor x = n.sv(0), res = n.sv(1);
  double p = n.doubles[0];
  if (p == 0.0) return {Tensor()};  // the 0-"norm" counts nonzeros: no gradient (torch: None)
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints.vec(), n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], n.ints.vec(), n.flag);
  if (p == 2.0) {
    Tensor r = div(mul(x, ge), re);
    return {ag::where(cmp(BinaryOp::Eq, re, Si(0)), native::zeros_like(r), r)};
  }
  if (std::isinf(p)) {
    Tensor ax = ag::unary(UnaryOp::Abs, x);
    Tensor mask = as_dtype(cmp(BinaryOp::Eq, ax, re), ge.dtype());
    Tensor cnt = native::sum(mask, n.ints.vec(), true);
    return {mul(mul(native::unary(UnaryOp::Sign, x), div(mask, cnt)), ge)};
  }
  if (p == 1.0) return {mul(native::unary(UnaryOp::Sign, x), ge)};
  Tensor ax = ag::unary(UnaryOp::Abs, x);
  Tensor r = div(mul(mul(native::unary(UnaryOp::Sign, x), ag::pow_scalar(ax, Scalar::from_double(p - 1))), ge),
                 ag::pow_scalar(re, Scalar::from_double(p - 1)));
  return {ag::where(cmp(BinaryOp::Eq, re, Si(0)), native::zeros_like(r), r)};
}

TensorList logsumexp_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0), res = n.sv(1);
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints.vec(), n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], n.ints.vec(), n.flag);
  return {mul(ge, ag::unary(UnaryOp::Exp, sub(x, re)))};
}

TensorList softmax_bw(FnNode& n, const TensorList& g) {
  // grad_input = y * (grad - sum(grad * y, dim))
  Tensor y = n.sv(0);
  int64_t dim = n.ints[0];
  Tensor gy = mul(g[0], y);
  return {mul(y, sub(g[0], ag::sum(gy, {dim}, true, std::nullopt, true)))};
}

TensorList log_softmax_bw(FnNode& n, const TensorList& g) {
  // grad_input = grad - exp(y) * sum(grad, dim)
  Tensor y = n.sv(0);
  int64_t dim = n.ints[0];
  return {sub(g[0], mul(ag::unary(UnaryOp::Exp, y), ag::sum(g[0], {dim}, true, std::nullopt, true)))};
}

TensorList cumsum_bw(FnNode& n, const TensorList& g) {
  // reversed cumsum of the gradient
  int64_t dim = n.ints[0];
  if (g[0].dim() == 0) return {g[0]};
  int64_t N = g[0].sizes()[dim];
  Tensor idx = to_device(native::arange((double)N - 1, -1, -1, DType::Int64), g[0].device());
  Tensor rev = ag::index_select(g[0], dim, idx);
  return {ag::index_select(ag::cumsum(rev, dim, std::nullopt), dim, idx)};
}

}  // namespace deriv
}  // namespace mag
