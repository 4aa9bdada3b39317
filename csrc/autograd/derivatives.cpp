// derivatives.cpp: the derivative table. One formula per node type, in registry order, each
// written with differentiable ops (ag::) so higher-order gradients work. Kink choices
// follow torch and say so. Saved-slot conventions are set by the forward in autograd/ops*.cpp.
#include <cmath>
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace deriv {

using namespace ag;
static Tensor S(double v) { return native::wrapped_scalar(Scalar::from_double(v)); }
static Tensor Si(int64_t v) { return native::wrapped_scalar(Scalar::from_int(v)); }
static Tensor zeros_of(const Tensor& like) { return native::zeros_like(like); }
static Tensor cmp(BinaryOp op, const Tensor& a, const Tensor& b) { return native::binary(op, a, b); }
static Tensor as_dtype(const Tensor& mask, DType d) { return native::to_dtype(mask, d); }

TensorList unary_bw(FnNode& n, const TensorList& g) {
  const Tensor& gr = g[0];
  auto op = (UnaryOp)n.ints[0];
  auto x = [&] { return n.sv(0); };
  auto y = [&] { return n.sv(1); };
  Tensor r;
  switch (op) {
    case UnaryOp::Neg: r = neg(gr); break;
    case UnaryOp::Abs: r = mul(gr, native::unary(UnaryOp::Sign, x())); break;
    case UnaryOp::Sign: case UnaryOp::Floor: case UnaryOp::Ceil: case UnaryOp::Round: case UnaryOp::Trunc:
      r = zeros_of(gr); break;
    case UnaryOp::Exp: r = mul(gr, y()); break;
    case UnaryOp::Log: r = div(gr, x()); break;
    case UnaryOp::Log2: r = div(gr, mul(x(), S(std::log(2.0)))); break;
    case UnaryOp::Log10: r = div(gr, mul(x(), S(std::log(10.0)))); break;
    case UnaryOp::Log1p: r = div(gr, add(x(), S(1))); break;
    case UnaryOp::Expm1: r = mul(gr, add(y(), S(1))); break;
    case UnaryOp::Sqrt: r = div(gr, mul(S(2), y())); break;
    case UnaryOp::Rsqrt: r = mul(mul(S(-0.5), gr), pow_scalar(y(), Scalar::from_int(3))); break;
    case UnaryOp::Sin: r = mul(gr, ag::unary(UnaryOp::Cos, x())); break;
    case UnaryOp::Cos: r = mul(gr, neg(ag::unary(UnaryOp::Sin, x()))); break;
    case UnaryOp::Tan: r = mul(gr, add(mul(y(), y()), S(1))); break;
    // torch: grad * (1 - y*y) and grad * (1 - y) * y, in that order
    case UnaryOp::Tanh: { Tensor yy = y(); r = mul(gr, rsub_scalar(mul(yy, yy), Scalar::from_int(1), Scalar::from_int(1))); break; }
    case UnaryOp::Sigmoid: { Tensor yy = y(); r = mul(mul(gr, rsub_scalar(yy, Scalar::from_int(1), Scalar::from_int(1))), yy); break; }
    // relu: gradient 0 at 0 (threshold_backward on the result)
    case UnaryOp::Relu: r = mul(gr, as_dtype(cmp(BinaryOp::Gt, y(), Si(0)), gr.dtype())); break;
    case UnaryOp::Reciprocal: { Tensor yy = y(); r = mul(neg(gr), mul(yy, yy)); break; }
    case UnaryOp::Erf: { Tensor xx = x(); r = mul(gr, mul(S(2.0 / std::sqrt(M_PI)), ag::unary(UnaryOp::Exp, neg(mul(xx, xx))))); break; }
    case UnaryOp::Asin: { Tensor xx = x(); r = div(gr, ag::unary(UnaryOp::Sqrt, rsub_scalar(mul(xx, xx), Scalar::from_int(1), Scalar::from_int(1)))); break; }
    case UnaryOp::Acos: { Tensor xx = x(); r = neg(div(gr, ag::unary(UnaryOp::Sqrt, rsub_scalar(mul(xx, xx), Scalar::from_int(1), Scalar::from_int(1))))); break; }
    case UnaryOp::Atan: { Tensor xx = x(); r = div(gr, add(mul(xx, xx), S(1))); break; }
    case UnaryOp::Sinh: r = mul(gr, ag::unary(UnaryOp::Cosh, x())); break;
    case UnaryOp::Cosh: r = mul(gr, ag::unary(UnaryOp::Sinh, x())); break;
    case UnaryOp::Silu: {
      Tensor xx = x();
      Tensor s = ag::unary(UnaryOp::Sigmoid, xx);
      r = mul(mul(gr, s), add(mul(xx, rsub_scalar(s, Scalar::from_int(1), Scalar::from_int(1))), S(1)));
      break;
    }
    case UnaryOp::Square: r = mul(gr, mul(x(), S(2))); break;
  }
  return {r};
}

TensorList binary_bw(FnNode& n, const TensorList& g) {
  const Tensor& gr = g[0];
  auto op = (BinaryOp)n.ints[0];
  Scalar alpha = n.scalars.empty() ? Scalar::from_int(1) : n.scalars[0];
  bool na = n.needs_grad(0), nb = n.needs_grad(1);
  Tensor ga, gb;
  switch (op) {
    case BinaryOp::Add:
      if (na) ga = gr;
      if (nb) gb = alpha.to_double() == 1.0 ? gr : mul(gr, native::wrapped_scalar(alpha));
      break;
    case BinaryOp::Sub:
      if (na) ga = gr;
      if (nb) gb = alpha.to_double() == 1.0 ? neg(gr) : mul(neg(gr), native::wrapped_scalar(alpha));
      break;
    case BinaryOp::Mul:
      if (na) ga = mul(gr, n.sv(1));
      if (nb) gb = mul(gr, n.sv(0));
      break;
    case BinaryOp::Div: {
      Tensor b = n.sv(1);
      if (na) ga = div(gr, b);
      if (nb) gb = mul(neg(gr), div(div(n.sv(0), b), b));
      break;
    }
    case BinaryOp::Pow: {
      Tensor a = n.sv(0), b = n.sv(1);
      if (na) {
        Tensor t = mul(gr, mul(b, ag::binary(BinaryOp::Pow, a, sub(b, Si(1)))));
        ga = where(cmp(BinaryOp::Eq, b, Si(0)), native::zeros_like(t), t);
      }
      if (nb) {
        Tensor res = n.sv(2);
        Tensor t = mul(gr, mul(res, ag::unary(UnaryOp::Log, a)));
        Tensor mask = native::binary(BinaryOp::LogicalAnd, cmp(BinaryOp::Eq, a, Si(0)), cmp(BinaryOp::Ge, b, Si(0)));
        gb = where(mask, native::zeros_like(t), t);
      }
      break;
    }
    case BinaryOp::Maximum:
    case BinaryOp::Minimum: {
      // ties split the gradient in half; a side gets zero only where it strictly loses, so
      // with a nan both sides get the full gradient (torch: where(a == b, g / 2, g).masked_fill_)
      Tensor a = n.sv(0), b = n.sv(1);
      Tensor half = div(gr, S(2));
      Tensor eq = cmp(BinaryOp::Eq, a, b);
      BinaryOp a_wins = op == BinaryOp::Maximum ? BinaryOp::Gt : BinaryOp::Lt;
      BinaryOp a_loses = op == BinaryOp::Maximum ? BinaryOp::Lt : BinaryOp::Gt;
      Tensor za = native::zeros_like(gr);
      if (na) ga = where(eq, half, where(cmp(a_loses, a, b), za, gr));
      if (nb) gb = where(eq, half, where(cmp(a_wins, a, b), za, gr));
      break;
    }
    case BinaryOp::Atan2: {
      Tensor a = n.sv(0), b = n.sv(1);
      // torch: recip = 1 / (a*a + b*b) with inf masked to 0 (so (0, 0) has gradient 0), then
      // grad * b * recip, left to right (same rounding)
      Tensor den = add(mul(a, a), mul(b, b));
      Tensor recip = ag::unary(UnaryOp::Reciprocal, den);
      recip = where(cmp(BinaryOp::Eq, recip, S(INFINITY)), zeros_of(recip), recip);
      if (na) ga = mul(mul(gr, b), recip);
      if (nb) gb = mul(mul(gr, neg(a)), recip);
      break;
    }
    case BinaryOp::Fmod:  // other: -grad * self.div(other, rounding_mode="trunc")
      if (na) ga = gr;
      if (nb) gb = mul(neg(gr), native::unary(UnaryOp::Trunc, native::binary(BinaryOp::Div, n.sv(0), n.sv(1))));
      break;
    case BinaryOp::Remainder:
      if (na) ga = gr;
      if (nb) gb = mul(neg(gr), native::binary(BinaryOp::FloorDivide, n.sv(0), n.sv(1)));
      break;
    default:
      if (na) ga = zeros_of(gr);
      if (nb) gb = zeros_of(gr);
      break;
  }
  return {ga, gb};
}

TensorList pow_scalar_bw(FnNode& n, const TensorList& g) {
  double e = n.scalars[0].to_double();
  if (e == 0.0) return {native::zeros_like(g[0])};
  Tensor x = n.sv(0);
  Tensor p = e - 1.0 == 1.0 ? ag::pow_scalar(x, Scalar::from_int(1)) : ag::pow_scalar(x, n.scalars[0].kind == Scalar::Float ? Scalar::from_double(e - 1) : Scalar::from_int((int64_t)e - 1));
  return {mul(g[0], mul(p, native::wrapped_scalar(n.scalars[0])))};
}

TensorList rpow_scalar_bw(FnNode& n, const TensorList& g) {
  // d/dx base**x = base**x * log(base)
  double base = n.scalars[0].to_double();
  Tensor res = n.sv(0);
  if (base == 0.0) {
    Tensor t = mul(g[0], mul(res, S(-INFINITY)));
    return {where(cmp(BinaryOp::Ge, res, Si(0)), native::zeros_like(t), t)};
  }
  return {mul(g[0], mul(res, S(std::log(base))))};
}

TensorList rsub_scalar_bw(FnNode& n, const TensorList& g) {
  Scalar alpha = n.scalars[0];
  return {alpha.to_double() == 1.0 ? neg(g[0]) : mul(neg(g[0]), native::wrapped_scalar(alpha))};
}

TensorList where_bw(FnNode& n, const TensorList& g) {
  Tensor c = n.sv(0);
  Tensor z = native::zeros_like(g[0]);
  Tensor ga, gb;
  if (n.needs_grad(1)) ga = ag::where(c, g[0], z);
  if (n.needs_grad(2)) gb = ag::where(c, z, g[0]);
  return {Tensor(), ga, gb};
}

TensorList clamp_bw(FnNode& n, const TensorList& g) {
  // gradient passes where lo <= x <= hi (bounds inclusive, torch)
  Tensor x = n.sv(0);
  Tensor mask = native::full(x.sizes(), Scalar::from_bool(true), DType::Bool);
  if (n.flag) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Ge, x, native::wrapped_scalar(n.scalars[0])));
  if (n.ints[0]) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Le, x, native::wrapped_scalar(n.scalars[1])));
  return {ag::where(mask, g[0], native::zeros_like(g[0]))};
}

TensorList clamp_tensor_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0), lo = n.sv(1), hi = n.sv(2);
  Tensor mask = native::full(x.sizes(), Scalar::from_bool(true), DType::Bool);
  if (lo.defined()) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Ge, x, lo));
  if (hi.defined()) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Le, x, hi));
  Tensor z = native::zeros_like(g[0]);
  Tensor gx = ag::where(mask, g[0], z);
  Tensor glo, ghi;
  if (lo.defined() && n.needs_grad(1)) glo = ag::where(cmp(BinaryOp::Lt, x, lo), g[0], z);
  if (hi.defined() && n.needs_grad(2)) ghi = ag::where(cmp(BinaryOp::Gt, x, hi), g[0], z);
  return {gx, glo, ghi};
}

// grad of a reduction: unsqueeze the reduced dims back (unless keepdim) and expand
static Tensor expand_reduced(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& dims, bool keepdim) {
  Tensor gg = grad;
  if (!keepdim && !in_sizes.empty()) {
    if (dims.empty()) {
      gg = reshape(gg, Shape(in_sizes.size(), 1));
    } else {
      for (auto d : dims) gg = unsqueeze(gg, d);
    }
  }
  return expand(gg, in_sizes.vec());
}

TensorList sum_bw(FnNode& n, const TensorList& g) {
  return {expand_reduced(g[0], n.shapes[0], n.ints, n.flag)};
}

TensorList mean_bw(FnNode& n, const TensorList& g) {
  Tensor e = expand_reduced(g[0], n.shapes[0], n.ints, n.flag);
  return {div(e, Si((int64_t)n.doubles[0]))};
}

TensorList prod_bw(FnNode& n, const TensorList& g) {
  // prod backward via result / x where x != 0; zeros handled by exclusive products
  Tensor x = n.sv(0), res = n.sv(1);
  std::vector<int64_t> dims = n.ints;
  Tensor ge = expand_reduced(g[0], n.shapes[0], dims, n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], dims, n.flag);
  Tensor any_zero = native::all_any(cmp(BinaryOp::Eq, x, Si(0)), {}, false, false);
  if (!*any_zero.data_as<bool>()) return {mul(ge, div(re, x))};
  // slow exact path: product of all other elements, per element
  Tensor flat = native::contiguous(native::reshape(x, Shape{x.numel()}));
  if (!dims.empty() && x.dim() > 1) MAG_THROW(NotImplemented, "prod backward with zeros along a dim is not supported yet");
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
  Tensor re = expand_reduced(res, n.shapes[0], n.ints, n.flag);
  Tensor mask = as_dtype(cmp(BinaryOp::Eq, x, re), g[0].dtype());
  Tensor cnt = native::sum(mask, n.ints, true);
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints, n.flag);
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
  if (n.ints.size() && n.ints.back() == -999) {}  // unused sentinel
  std::vector<int64_t> dims = n.ints;
  if (n.dtype_arg == DType::Bool) {  // std
    Tensor res = n.sv(1);
    gr = div(gr, mul(res, S(2)));
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
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints, n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], n.ints, n.flag);
  if (p == 2.0) {
    Tensor r = div(mul(x, ge), re);
    return {ag::where(cmp(BinaryOp::Eq, re, Si(0)), native::zeros_like(r), r)};
  }
  if (std::isinf(p)) {
    Tensor ax = ag::unary(UnaryOp::Abs, x);
    Tensor mask = as_dtype(cmp(BinaryOp::Eq, ax, re), ge.dtype());
    Tensor cnt = native::sum(mask, n.ints, true);
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
  Tensor ge = expand_reduced(g[0], n.shapes[0], n.ints, n.flag);
  Tensor re = expand_reduced(res, n.shapes[0], n.ints, n.flag);
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
  Tensor idx = native::arange((double)N - 1, -1, -1, DType::Int64);
  Tensor rev = ag::index_select(g[0], dim, idx);
  return {ag::index_select(ag::cumsum(rev, dim, std::nullopt), dim, idx)};
}

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
  Tensor idx = native::scalar_tensor(Scalar::from_int(n.ints[1]), DType::Int64);
  return {ag::index_add(z, n.ints[0], native::reshape(idx, Shape{1}), ag::unsqueeze(g[0], n.ints[0]))};
}

TensorList slice_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0], start = n.ints[1], step = n.ints[3];
  int64_t len = g[0].sizes()[dim];
  Tensor idx = native::arange((double)start, (double)(start + len * step), (double)step, DType::Int64);
  if (idx.numel() > len) idx = native::slice(idx, 0, 0, len, 1);
  Tensor z = native::zeros(n.shapes[0], g[0].dtype(), g[0].device());
  return {ag::index_add(z, dim, idx, g[0])};
}

TensorList as_strided_bw(FnNode& n, const TensorList& g) {
  // scatter-add the gradient through the same geometry into a zero buffer of the input
  Shape in_sizes = n.shapes[0];
  Tensor z = native::zeros(Shape{n.ints[0]}, g[0].dtype(), g[0].device());  // storage-sized
  Tensor idx = native::arange(0, (double)n.ints[0], 1, DType::Int64);
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

TensorList unbind_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  Shape full = n.shapes[0];
  TensorList parts;
  Shape part_sizes = full;
  part_sizes.erase(dim);
  for (size_t i = 0; i < g.size(); ++i)
    parts.push_back(g[i].defined() ? g[i] : native::zeros(part_sizes, n.dtype_arg));
  return {ag::stack(parts, dim)};
}

TensorList split_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  Shape full = n.shapes[0];
  TensorList parts;
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i].defined()) { parts.push_back(g[i]); continue; }
    Shape s = full; s[dim] = n.ints[1 + i];
    parts.push_back(native::zeros(s, n.dtype_arg));
  }
  return {ag::cat(parts, dim)};
}

TensorList cat_bw(FnNode& n, const TensorList& g) {
  int64_t dim = n.ints[0];
  TensorList r;
  int64_t off = 0;
  for (size_t i = 1; i < n.ints.size(); ++i) {
    int64_t len = n.ints[i];
    if (len < 0) { r.push_back(Tensor()); continue; }  // skipped empty input
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
  if (n.needs_grad(0)) gself = n.flag ? g[0] : ag::scatter(g[0], dim, idx, native::zeros(idx.sizes(), g[0].dtype()), false);
  if (n.needs_grad(2)) gsrc = ag::gather(g[0], dim, idx);
  return {gself, Tensor(), gsrc};
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

TensorList fill_bw(FnNode&, const TensorList& g) { return {native::zeros_like(g[0])}; }

}  // namespace deriv
}  // namespace mag
