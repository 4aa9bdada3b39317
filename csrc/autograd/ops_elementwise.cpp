// ops_elementwise.cpp: differentiable elementwise ops and in-place variants (recording side
// of the derivative table; slot conventions are documented next to each record).
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace ag {

static bool needs(std::initializer_list<const Tensor*> ts) { return compute_requires_grad(ts); }

Tensor unary(UnaryOp op, const Tensor& a) {
  Tensor out = native::unary(op, a);
  if (needs({&a})) {
    // saved: 0 = input (when the formula reads x), 1 = result (when it reads y)
    auto n = make_fn_node(unary_node_name(op), deriv::unary_bw, {&a});
    n->ints = {(int64_t)op};
    bool uses_result = op == UnaryOp::Exp || op == UnaryOp::Expm1 || op == UnaryOp::Sqrt || op == UnaryOp::Rsqrt ||
                       op == UnaryOp::Tan || op == UnaryOp::Tanh || op == UnaryOp::Sigmoid || op == UnaryOp::Relu ||
                       op == UnaryOp::Reciprocal;
    n->saved.resize(2);
    if (!uses_result) n->saved[0].save(a, false);
    set_history(out, n);
    if (uses_result) n->saved[1].save(out, true);
  }
  return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, Scalar alpha) {
  Tensor out = native::binary(op, a, b, alpha);
  if (binary_kind(op) == 0 && needs({&a, &b})) {
    // torch names remainder(Tensor, Scalar) RemainderBackward0, remainder(Tensor, Tensor) ...1
    // and remainder(Scalar, Tensor) has no formula at all (NotImplemented)
    const char* name = binary_node_name(op);
    if (op == BinaryOp::Remainder && b.impl()->is_wrapped_number) name = "RemainderBackward0";
    if (op == BinaryOp::Remainder && a.impl()->is_wrapped_number) name = "NotImplemented";
    auto n = make_fn_node(name, deriv::binary_bw, {&a, &b});
    n->ints = {(int64_t)op};
    n->scalars = {alpha};
    n->saved.resize(3);
    bool na = n->needs_grad(0), nb = n->needs_grad(1);
    switch (op) {
      case BinaryOp::Mul: if (nb) n->saved[0].save(a, false); if (na) n->saved[1].save(b, false); break;
      case BinaryOp::Div: if (nb) n->saved[0].save(a, false); n->saved[1].save(b, false); break;
      case BinaryOp::Add: case BinaryOp::Sub: break;
      default: n->saved[0].save(a, false); n->saved[1].save(b, false); break;
    }
    set_history(out, n);
    if (op == BinaryOp::Pow && nb) n->saved[2].save(out, true);
  }
  return out;
}

Tensor div_mode(const Tensor& a, const Tensor& b, bool floor) {
  Tensor out;
  if (floor) {
    out = native::binary(BinaryOp::FloorDivide, a, b);
  } else {
    DType rt = native::result_type(a, b);
    out = native::unary(UnaryOp::Trunc, native::binary(BinaryOp::Div, a, b));
    if (out.dtype() != rt) out = native::to_dtype(out, rt);
  }
  if (is_floating(out.dtype()) && needs({&a, &b})) {
    // div(rounding_mode=...) is piecewise constant: DivBackward2 returns zeros
    auto n = make_fn_node("DivBackward2", deriv::zeros_bw, {&a, &b});
    set_history(out, n);
  }
  return out;
}

Tensor add(const Tensor& a, const Tensor& b, Scalar alpha) { return binary(BinaryOp::Add, a, b, alpha); }
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha) { return binary(BinaryOp::Sub, a, b, alpha); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
Tensor mul_scalar(const Tensor& a, double s) { return mul(a, native::wrapped_scalar(Scalar::from_double(s))); }
Tensor add_scalar(const Tensor& a, double s) { return add(a, native::wrapped_scalar(Scalar::from_double(s))); }
Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }

Tensor pow_scalar(const Tensor& a, Scalar e) {
  Tensor out = native::pow_scalar(a, e);
  if (needs({&a})) {
    auto n = make_fn_node("PowBackward0", deriv::pow_scalar_bw, {&a});
    n->scalars = {e};
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

Tensor rpow_scalar(Scalar base, const Tensor& e) {
  Tensor out = native::binary(BinaryOp::Pow, native::wrapped_scalar(base), e);
  if (needs({&e})) {
    auto n = make_fn_node("PowBackward2", deriv::rpow_scalar_bw, {&e});
    n->scalars = {base};
    n->saved.resize(1);
    set_history(out, n);
    n->saved[0].save(out, true);
  }
  return out;
}

Tensor rsub_scalar(const Tensor& a, Scalar s, Scalar alpha) {
  Tensor out = native::binary(BinaryOp::Sub, native::wrapped_scalar(s), a, alpha);
  if (needs({&a})) {
    auto n = make_fn_node("RsubBackward1", deriv::rsub_scalar_bw, {&a});
    n->scalars = {alpha};
    set_history(out, n);
  }
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor out = native::where(cond, a, b);
  if (needs({&a, &b})) {
    Tensor c;  // cond never needs grad
    auto n = make_fn_node("WhereBackward0", deriv::where_bw, {&c, &a, &b});
    n->saved.resize(1);
    n->saved[0].save(cond, false);
    set_history(out, n);
  }
  return out;
}

Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  Tensor out = native::clamp(a, lo, hi);
  if (needs({&a})) {
    auto n = make_fn_node("ClampBackward1", deriv::clamp_bw, {&a});
    n->flag = (bool)lo;
    n->ints = {(int64_t)(bool)hi};
    n->scalars = {lo ? *lo : Scalar(), hi ? *hi : Scalar()};
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

Tensor clamp_tensor(const Tensor& a, const Tensor& lo, const Tensor& hi) {
  Tensor out = a;
  if (lo.defined()) out = native::binary(BinaryOp::Maximum, out, lo);
  if (hi.defined()) out = native::binary(BinaryOp::Minimum, out, hi);
  if (out.is_same(a)) out = native::clone(a);
  if (needs({&a, &lo, &hi})) {
    auto n = make_fn_node("ClampBackward0", deriv::clamp_tensor_bw, {&a, &lo, &hi});
    n->saved.resize(3);
    n->saved[0].save(a, false);
    n->saved[1].save(lo, false);
    n->saved[2].save(hi, false);
    set_history(out, n);
  }
  return out;
}

Tensor leaky_relu(const Tensor& a, double slope) {
  Tensor out = native::where(native::binary(BinaryOp::Gt, a, native::wrapped_scalar(Scalar::from_int(0))), a,
                             native::binary(BinaryOp::Mul, a, native::wrapped_scalar(Scalar::from_double(slope))));
  if (needs({&a})) {
    auto n = make_fn_node("LeakyReluBackward0", deriv::leaky_relu_bw, {&a});
    n->doubles = {slope};
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

Tensor elu(const Tensor& a, double alpha) {
  Tensor em1 = native::binary(BinaryOp::Mul, native::unary(UnaryOp::Expm1, a), native::wrapped_scalar(Scalar::from_double(alpha)));
  Tensor out = native::where(native::binary(BinaryOp::Gt, a, native::wrapped_scalar(Scalar::from_int(0))), a, em1);
  if (needs({&a})) {
    auto n = make_fn_node("EluBackward0", deriv::elu_bw, {&a});
    n->doubles = {alpha};
    n->saved.resize(2);
    n->saved[0].save(a, false);
    set_history(out, n);
    n->saved[1].save(out, true);
  }
  return out;
}

Tensor gelu(const Tensor& a, bool tanh_approx) {
  Tensor out;
  {
    GradModeGuard g(false);
    if (tanh_approx) {
      const double kBeta = std::sqrt(2.0) * 2.0 / std::sqrt(M_PI) * 0.5, kKappa = 0.044715;
      Tensor x3 = mul(mul(a, a), a);
      Tensor inner = mul_scalar(add(a, mul_scalar(x3, kKappa)), kBeta);
      out = mul(mul_scalar(a, 0.5), add_scalar(unary(UnaryOp::Tanh, inner), 1));
    } else {
      out = mul(mul_scalar(a, 0.5), add_scalar(unary(UnaryOp::Erf, mul_scalar(a, M_SQRT1_2)), 1));
    }
  }
  if (needs({&a})) {
    auto n = make_fn_node("GeluBackward0", deriv::gelu_bw, {&a});
    n->flag = tanh_approx;
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

Tensor softplus(const Tensor& a, double beta, double threshold) {
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor bx = mul_scalar(a, beta);
    Tensor soft = mul_scalar(unary(UnaryOp::Log1p, unary(UnaryOp::Exp, bx)), 1.0 / beta);
    out = native::where(native::binary(BinaryOp::Gt, bx, native::wrapped_scalar(Scalar::from_double(threshold))), a, soft);
  }
  if (needs({&a})) {
    auto n = make_fn_node("SoftplusBackward0", deriv::softplus_bw, {&a});
    n->doubles = {beta, threshold};
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

Tensor hardtanh(const Tensor& a, double lo, double hi) {
  Tensor out = native::clamp(a, Scalar::from_double(lo), Scalar::from_double(hi));
  if (needs({&a})) {
    auto n = make_fn_node("HardtanhBackward0", deriv::hardtanh_bw, {&a});
    n->doubles = {lo, hi};
    n->saved.resize(1);
    n->saved[0].save(a, false);
    set_history(out, n);
  }
  return out;
}

// --- in-place
// Note [in-place recording]: when self's history must be recorded, the op runs out of place
// on a private copy of self's values that shares self's history, then the result is written
// into self's storage and self takes the result's grad_fn. Saved copies stay valid, and
// versions of self are bumped as in torch.
static Tensor history_alias(const Tensor& self) {
  Tensor alias = native::clone(self);
  alias.impl()->grad_fn = self.impl()->grad_fn;
  alias.impl()->output_nr = self.impl()->output_nr;
  alias.impl()->requires_grad = self.impl()->requires_grad;
  if (self.is_leaf() && self.impl()->requires_grad) {
    alias.impl()->ext().grad_accumulator = grad_accumulator(self);
  }
  return alias;
}

void inplace_assign(const Tensor& self, const Tensor& result) {
  check_inplace(self);
  native::copy_(self, result);
  self.bump_version();
  if (!result.grad_fn() || !GradMode::is_enabled()) return;
  auto base_ptr = self.impl()->view_base;
  if (base_ptr) {
    // Note [CopySlices]: writing into a view rewires the base: base' = base with the view's
    // region replaced by `result`; the view then reads from base'.
    Tensor base(base_ptr);
    auto n = make_fn_node("CopySlices", deriv::copy_slices_bw, {&base, &result});
    n->shapes = {self.sizes(), self.strides()};
    n->ints = {self.offset() - base.offset()};
    set_history(base, n);
    base.bump_version();
    Tensor v = native::as_strided(base, self.sizes(), self.strides(), self.offset());
    auto vn = make_fn_node("AsStridedBackward0", deriv::as_strided_bw, {&base});
    vn->shapes = {base.sizes(), self.sizes(), self.strides(), base.strides()};
    vn->ints = {(int64_t)base.impl()->storage->nbytes / itemsize(base.dtype()), self.offset(), base.offset()};
    set_history(self, vn);
    return;
  }
  self.impl()->grad_fn = result.grad_fn();
  self.impl()->output_nr = result.impl()->output_nr;
  result.grad_fn()->input_meta[result.impl()->output_nr] = InputMeta{self.sizes(), self.dtype(), self.device()};
}

// torch's assert_no_internal_overlap: writing into memory where one element is reached through
// several indices (a stride-0 dim of size > 1, e.g. an expand) is refused. fill_/zero_ allow it.
static void check_no_internal_overlap(const Tensor& self) {
  if (self.numel() == 0) return;  // empty tensors are non-overlapping and dense
  for (int64_t d = 0; d < self.dim(); ++d)
    if (self.sizes()[d] > 1 && self.strides()[d] == 0)
      MAG_THROW(Runtime, "unsupported operation: more than one element of the written-to tensor refers to a single "
                "memory location. Please clone() the tensor before performing the operation.");
}

static bool recording(const Tensor& self, std::initializer_list<const Tensor*> others) {
  if (!GradMode::is_enabled()) return false;
  if (self.requires_grad()) return true;
  for (auto* t : others) if (t->defined() && t->requires_grad()) return true;
  return false;
}

void inplace_binary(BinaryOp op, const Tensor& self, const Tensor& other, Scalar alpha) {
  check_no_internal_overlap(self);
  if (!recording(self, {&other})) {
    check_inplace(self);
    native::binary_(op, self, other, alpha);
    self.bump_version();
    return;
  }
  check_inplace(self);
  Tensor r = binary(op, history_alias(self), other, alpha);
  if (r.dtype() != self.dtype()) r = to_dtype(r, self.dtype());
  if (r.sizes() != self.sizes())
    MAG_THROW(Runtime, "output with shape ", native::shape_str(self.sizes()), " doesn't match the broadcast shape ",
              native::shape_str(r.sizes()));
  inplace_assign(self, r);
}

void inplace_unary(UnaryOp op, const Tensor& self) {
  check_no_internal_overlap(self);
  if (!recording(self, {})) {
    check_inplace(self);
    native::unary_(op, self);
    self.bump_version();
    return;
  }
  check_inplace(self);
  inplace_assign(self, unary(op, history_alias(self)));
}

void inplace_copy(const Tensor& self, const Tensor& src) {
  check_no_internal_overlap(self);
  if (!recording(self, {&src})) {
    check_inplace(self);
    native::copy_(self, src);
    self.bump_version();
    return;
  }
  check_inplace(self);
  // torch: a dtype change is a ToCopyBackward0 first; then CopyBackwards (self, src): zeros
  // for self's old values, the gradient summed back to src's shape for src
  Tensor s = to_dtype(src, self.dtype());
  Tensor r = native::clone(native::expand(s, self.sizes().vec()));
  auto n = make_fn_node("CopyBackwards", deriv::copy_bw, {&self, &s});
  n->shapes = {s.sizes()};
  set_history(r, n);
  inplace_assign(self, r);
}

void inplace_fill(const Tensor& self, const Tensor& value) {
  if (value.impl()->is_wrapped_number) native::check_scalar_fits(native::wrapped_value(value), self.dtype());
  if (!recording(self, {&value})) {
    check_inplace(self);
    native::copy_(self, value);
    self.bump_version();
    return;
  }
  check_inplace(self);
  Tensor alias = history_alias(self);
  Tensor r = native::full(self.sizes(), Scalar::from_int(0), self.dtype(), self.device());
  native::copy_(r, value);
  // torch: fill_.Scalar records FillBackward2, fill_.Tensor FillBackward3 (value gets grad.sum())
  if (value.impl()->is_wrapped_number) {
    set_history(r, make_fn_node("FillBackward2", deriv::fill_bw, {&alias}));
  } else {
    set_history(r, make_fn_node("FillBackward3", deriv::fill_bw, {&alias, &value}));
  }
  inplace_assign(self, r);
}

void inplace_zero(const Tensor& self) {
  if (!recording(self, {})) {
    check_inplace(self);
    native::fill_(self, Scalar::from_int(0));
    self.bump_version();
    return;
  }
  check_inplace(self);
  Tensor alias = history_alias(self);
  Tensor r = native::zeros_like(self);
  auto n = make_fn_node("ZeroBackward0", deriv::fill_bw, {&alias});
  set_history(r, n);
  inplace_assign(self, r);
}

void inplace_clamp(const Tensor& self, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  check_no_internal_overlap(self);
  native::check_clamp_inplace(self, lo, hi);
  if (!recording(self, {})) {
    check_inplace(self);
    native::copy_(self, native::clamp(self, lo, hi));
    self.bump_version();
    return;
  }
  check_inplace(self);
  inplace_assign(self, clamp(history_alias(self), lo, hi));
}

void inplace_masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value) {
  if (value.impl()->is_wrapped_number) native::check_scalar_fits(native::wrapped_value(value), self.dtype());
  if (!recording(self, {&value})) {
    check_inplace(self);
    native::copy_(self, native::where(native::expand_to(mask, self.sizes()), native::to_dtype(value, self.dtype()), self));
    self.bump_version();
    return;
  }
  check_inplace(self);
  inplace_assign(self, masked_fill(history_alias(self), mask, value));
}

}  // namespace ag

Tensor ag_add_for_accumulate(const Tensor& a, const Tensor& b) { return ag::add(a, b); }

// c10's is_non_overlapping_and_dense: some permutation of the dims is contiguous
static bool non_overlapping_and_dense(const Tensor& t) {
  int64_t d = t.dim();
  std::vector<int64_t> perm(d);
  for (int64_t i = 0; i < d; ++i) perm[i] = i;
  const Shape &sz = t.sizes(), &st = t.strides();
  std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    if (sz[a] < 2) return false;  // size-1 dims last: their strides do not matter
    if (sz[b] < 2) return true;
    return st[a] < st[b];
  });
  int64_t expected = 1;
  for (int64_t i : perm) {
    if (sz[i] < 2) return true;
    if (st[i] != expected) return false;
    expected *= sz[i];
  }
  return true;
}

// The first gradient of a leaf during a create_graph backward: torch's clone_obey_contract,
// recorded. A new tensor with the leaf's strides (when dense and non-overlapping) filled by
// copy_ (so .grad's grad_fn is CopyBackwards), else a contiguous clone (CloneBackward0).
Tensor ag_clone_obey_contract(const Tensor& g, const Tensor& variable) {
  if (!non_overlapping_and_dense(variable)) return ag::clone(g);
  Tensor base = empty(Shape{variable.numel()}, g.dtype(), g.device());
  Tensor fresh = make_view(base, variable.sizes(), variable.strides(), 0);
  ag::inplace_copy(fresh, g);
  return fresh;
}

}  // namespace mag
