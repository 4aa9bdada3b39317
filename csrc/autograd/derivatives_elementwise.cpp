// derivatives_elementwise.cpp: derivative-table formulas of the elementwise primitives
// (unary and binary registry ops, scalar pow / rsub, where, clamp). Written with ag:: ops so
// higher-order gradients work; kink choices follow torch and say so.
#include <cmath>
#include "autograd/derivatives_common.h"

namespace mag {
namespace deriv {

using namespace ag;

// A fused one-pass backward kernel (same operations in the same order, so the same values
// as the composite) when the backward is not recorded (no create_graph) and the dtype is
// float32/float64 (float16 composites round between steps; the fused kernel would not).
static bool fused_ok(const Tensor& gr, const Tensor& y) {
  return !GradMode::is_enabled() && gr.dtype() == y.dtype() &&
         (gr.dtype() == DType::Float32 || gr.dtype() == DType::Float64);
}

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
    case UnaryOp::Tanh: {
      Tensor yy = y();
      if (fused_ok(gr, yy)) r = native::binary(BinaryOp::TanhBackward, gr, yy);
      else r = mul(gr, rsub_scalar(mul(yy, yy), Scalar::from_int(1), Scalar::from_int(1)));
      break;
    }
    case UnaryOp::Sigmoid: {
      Tensor yy = y();
      if (fused_ok(gr, yy)) r = native::binary(BinaryOp::SigmoidBackward, gr, yy);
      else r = mul(mul(gr, rsub_scalar(yy, Scalar::from_int(1), Scalar::from_int(1))), yy);
      break;
    }
    // relu: gradient 0 at 0 (threshold_backward on the result)
    // threshold_backward: result <= 0 ? 0 : grad (a nan result passes the gradient through)
    case UnaryOp::Relu: r = where(cmp(BinaryOp::Le, y(), Si(0)), native::zeros_like(gr), gr); break;
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
    case BinaryOp::FloorDivide:  // torch has no formula: its node is NotImplemented
      MAG_THROW(Runtime, "derivative for aten::floor_divide is not implemented");
    case BinaryOp::Remainder:
      if (n.name() == "NotImplemented") MAG_THROW(Runtime, "derivative for aten::remainder is not implemented");
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

// piecewise-constant ops (div with a rounding mode): zero for every input that needs one
TensorList zeros_bw(FnNode& n, const TensorList& g) {
  TensorList r(n.num_outputs());
  for (size_t i = 0; i < r.size(); ++i)
    if (n.needs_grad(i)) r[i] = zeros_of(g[0]);
  return r;
}

TensorList pow_scalar_bw(FnNode& n, const TensorList& g) {
  double e = n.scalars[0].to_double();
  if (e == 0.0) return {native::zeros_like(g[0])};
  Tensor x = n.sv(0);
  // x ** 1 is an exact copy of x: skipped unless recorded (create_graph keeps torch's node)
  if (e - 1.0 == 1.0 && !GradMode::is_enabled()) return {mul(g[0], mul(x, native::wrapped_scalar(n.scalars[0])))};
  Tensor p = e - 1.0 == 1.0 ? ag::pow_scalar(x, Scalar::from_int(1)) : ag::pow_scalar(x, n.scalars[0].kind == Scalar::Float ? Scalar::from_double(e - 1) : Scalar::from_int((int64_t)e - 1));
  return {mul(g[0], mul(p, native::wrapped_scalar(n.scalars[0])))};
}

TensorList rpow_scalar_bw(FnNode& n, const TensorList& g) {
  // d/dx base**x = base**x * log(base)
  double base = n.scalars[0].to_double();
  Tensor res = n.sv(0);
  if (base == 0.0) {
    // torch: grad * (0 where exponent >= 0, i.e. where 0 ** x is 0 or 1, else result * log(0))
    Tensor t = mul(res, S(-INFINITY));
    return {mul(g[0], where(cmp(BinaryOp::Le, res, Si(1)), native::zeros_like(t), t))};
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
  Tensor mask = native::full(x.sizes(), Scalar::from_bool(true), DType::Bool, x.device());
  if (n.flag) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Ge, x, native::wrapped_scalar(n.scalars[0])));
  if (n.ints[0]) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Le, x, native::wrapped_scalar(n.scalars[1])));
  return {ag::where(mask, g[0], native::zeros_like(g[0]))};
}

TensorList clamp_tensor_bw(FnNode& n, const TensorList& g) {
  Tensor x = n.sv(0), lo = n.sv(1), hi = n.sv(2);
  Tensor mask = native::full(x.sizes(), Scalar::from_bool(true), DType::Bool, x.device());
  if (lo.defined()) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Ge, x, lo));
  if (hi.defined()) mask = native::binary(BinaryOp::LogicalAnd, mask, cmp(BinaryOp::Le, x, hi));
  Tensor z = native::zeros_like(g[0]);
  Tensor gx = ag::where(mask, g[0], z);
  Tensor glo, ghi;
  // torch (clamp_backward_min_max): where min > max the result is max, so max gets the gradient
  bool both = lo.defined() && hi.defined();
  if (lo.defined() && n.needs_grad(1)) {
    Tensor m = cmp(BinaryOp::Lt, x, lo);
    if (both) m = native::binary(BinaryOp::LogicalAnd, m, cmp(BinaryOp::Lt, lo, hi));
    glo = ag::where(m, g[0], z);
  }
  if (hi.defined() && n.needs_grad(2)) {
    Tensor m = cmp(BinaryOp::Gt, x, hi);
    if (both) m = native::binary(BinaryOp::LogicalOr, m, cmp(BinaryOp::Lt, hi, lo));
    ghi = ag::where(m, g[0], z);
  }
  return {gx, glo, ghi};
}

}  // namespace deriv
}  // namespace mag
