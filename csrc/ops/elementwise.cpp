// elementwise.cpp (ops): type promotion (torch's result_type with wrapped numbers),
// broadcasting, and the elementwise / copy / fill / creation ops.
#include <cmath>
#include "core/cuda_backend.h"
#include "ops/native.h"

namespace mag {
namespace native {

static DType g_default_float = DType::Float32;
DType default_float_dtype() { return g_default_float; }
void set_default_float_dtype(DType d) { g_default_float = d; }

std::string shape_str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

// torch's ResultTypeState: tensors with dims, 0-d tensors and wrapped numbers are promoted
// separately, then combined by category (a lower-priority operand only wins when its
// category — bool < integer < floating — is higher).
namespace {
enum Cat { kBool = 0, kInt = 1, kFloat = 2 };
Cat category(DType d) { return d == DType::Bool ? kBool : (is_floating(d) ? kFloat : kInt); }
struct Slot { bool set = false; DType d = DType::Bool; void add(DType x) { d = set ? promote_types(d, x) : x; set = true; } };
Slot combine(Slot higher, Slot lower) {
  if (!higher.set) return lower;
  if (!lower.set) return higher;
  if (category(higher.d) >= category(lower.d)) return higher;
  Slot r; r.set = true; r.d = promote_types(higher.d, lower.d); return r;
}
}  // namespace

DType result_type(const Tensor& a, const Tensor& b) {
  Slot dim, zero, wrapped;
  for (const Tensor* t : {&a, &b}) {
    DType d = t->dtype();
    if (t->impl()->is_wrapped_number) wrapped.add(is_floating(d) ? g_default_float : d);
    else if (t->dim() == 0) zero.add(d);
    else dim.add(d);
  }
  return combine(dim, combine(zero, wrapped)).d;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = n; i-- > 0;) {  // trailing dims first: torch reports the last mismatch
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      MAG_THROW(Runtime, "The size of tensor a (", da, ") must match the size of tensor b (", db,
                ") at non-singleton dimension ", i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor expand_to(const Tensor& t, const Shape& sizes) {
  if (t.sizes() == sizes) return t;
  size_t n = sizes.size(), k = t.dim();
  Shape st(n);
  for (size_t i = 0; i < n; ++i) {
    if (i < n - k) { st[i] = 0; continue; }
    size_t j = i - (n - k);
    st[i] = t.sizes()[j] == sizes[i] ? t.strides()[j] : 0;
  }
  return make_view(t, sizes, st, t.offset());
}

// torch's checked_convert (c10::overflows): a Python number written into a tensor of `d`
// (fill_, full, masked_fill, clamp bounds) must fit; unsigned targets accept negative ints
// down to -max (two's complement wrap), float targets accept inf and nan.
void check_scalar_fits(Scalar v, DType d) {
  static const char* cname[] = {"bool", "uint8_t", "int8_t", "int16_t", "int", "int64_t",
                                "c10::Half", "c10::BFloat16", "float", "double"};
  if (d == DType::Bool || d == DType::Float64 || d == DType::Float16 || d == DType::BFloat16 || v.kind == Scalar::Bool) return;
  bool bad = false;
  if (d == DType::Float32) {
    bad = v.kind == Scalar::Float && std::isfinite(v.d) && std::fabs(v.d) > 3.4028234663852886e38;
  } else {
    double lo = 0, hi = 0;
    switch (d) {
      case DType::UInt8: lo = 0; hi = 255; break;
      case DType::Int8: lo = -128; hi = 127; break;
      case DType::Int16: lo = -32768; hi = 32767; break;
      case DType::Int32: lo = -2147483648.0; hi = 2147483647.0; break;
      default: lo = -9.2233720368547758e18; hi = 9.2233720368547758e18; break;
    }
    if (v.kind == Scalar::Float) {
      bad = std::isnan(v.d) || v.d < lo || (d == DType::Int64 ? v.d >= hi : v.d > hi);
    } else if (d != DType::Int64) {
      bad = v.i > (int64_t)hi || (d == DType::UInt8 ? v.i < -255 : v.i < (int64_t)lo);
    }
  }
  if (bad) MAG_THROW(Runtime, "value cannot be converted to type ", cname[(int)d], " without overflow");
}

Tensor scalar_tensor(Scalar s, DType dtype, Device device) {
  Tensor t = empty(Shape(), dtype, device);
  kernels_for(device).fill(t, s);
  return t;
}

// A Python number as a CPU 0-dim tensor (Float64, Int64 or Bool), written in place: backward
// formulas make several per node, a kernel-table fill costs more than the allocation.
Tensor wrapped_scalar(Scalar s) {
  DType d = s.kind == Scalar::Float ? DType::Float64 : (s.kind == Scalar::Bool ? DType::Bool : DType::Int64);
  Tensor t = empty(Shape(), d, Device());
  if (s.kind == Scalar::Float) *t.data_as<double>() = s.d;
  else if (s.kind == Scalar::Bool) *t.data_as<bool>() = s.i != 0;
  else *t.data_as<int64_t>() = s.i;
  t.impl()->is_wrapped_number = true;
  return t;
}

// the Python number a wrapped-number tensor holds (Float64, Int64 or Bool, see wrapped_scalar)
Scalar wrapped_value(const Tensor& w) {
  Tensor c = contiguous(w);
  if (c.dtype() == DType::Float64) return Scalar::from_double(*c.data_as<double>());
  if (c.dtype() == DType::Bool) return Scalar::from_bool(*c.data_as<bool>());
  return Scalar::from_int(*to_dtype(c, DType::Int64).data_as<int64_t>());
}

Tensor to_dtype(const Tensor& a, DType dtype, bool copy) {
  if (a.dtype() == dtype && !copy) return a;
  Tensor out = empty(a.sizes(), dtype, a.device());
  kernels_for(a.device()).copy(out, a);
  return out;
}

Tensor contiguous(const Tensor& a) {
  if (a.is_contiguous()) return a;
  return clone(a);
}

Tensor clone(const Tensor& a) {
  Tensor out = empty(a.sizes(), a.dtype(), a.device());
  kernels_for(a.device()).copy(out, a);
  return out;
}

// A 0-d CPU tensor (a Python number, or a scalar tensor) may meet a tensor of any device.
static bool cpu_scalar(const Tensor& t) { return t.impl()->is_wrapped_number || (t.dim() == 0 && t.device().is_cpu()); }

static void check_same_device(const Tensor& a, const Tensor& b) {
  if (a.device() != b.device() && !cpu_scalar(a) && !cpu_scalar(b))
    MAG_THROW(Runtime, "Expected all tensors to be on the same device, but found at least two devices, ",
              device_str(a.device()), " and ", device_str(b.device()), "!");
}

// The device of a result: a's, unless a is a CPU scalar beside a tensor on another device.
static Device result_device(const Tensor& a, const Tensor& b) {
  return a.device() != b.device() && cpu_scalar(a) ? b.device() : a.device();
}

// A CPU scalar operand brought to the kernel's device (one tiny copy; other mixes were rejected).
static Tensor on_device(const Tensor& t, Device d) { return t.device() == d ? t : to_device(t, d); }

void copy_(const Tensor& dst, const Tensor& src) {
  Tensor s = expand_to(src, broadcast_shapes(dst.sizes(), src.sizes()));
  if (s.sizes() != dst.sizes())
    MAG_THROW(Runtime, "output with shape ", shape_str(dst.sizes()),
              " doesn't match the broadcast shape ", shape_str(s.sizes()));
  // across devices: bring the source's values over first (torch's copy_ does the same)
  if (s.device() != dst.device()) s = to_device(s, dst.device());
  // overlapping source and destination: copy through a temporary
  if (s.impl()->storage == dst.impl()->storage && !(s.offset() == dst.offset() && s.strides() == dst.strides()))
    s = clone(s);
  kernels_for(dst.device()).copy(dst, s);
}

void fill_(const Tensor& dst, Scalar v) { kernels_for(dst.device()).fill(dst, v); }

Tensor zeros(const Shape& sizes, DType dtype, Device device) { return full(sizes, Scalar::from_int(0), dtype, device); }
Tensor full(const Shape& sizes, Scalar v, DType dtype, Device device) {
  check_scalar_fits(v, dtype);
  Tensor t = empty(sizes, dtype, device);
  kernels_for(device).fill(t, v);
  return t;
}
Tensor zeros_like(const Tensor& a) { return zeros(a.sizes(), a.dtype(), a.device()); }
Tensor ones_like(const Tensor& a) { return full(a.sizes(), Scalar::from_int(1), a.dtype(), a.device()); }

static DType unary_result_dtype(UnaryOp op, DType d) {
  if (unary_promotes_int(op) && !is_floating(d)) return g_default_float;
  return d;
}

// ops whose kernels torch does not build for bool (checked before any dtype promotion)
static void check_unary_bool(UnaryOp op, DType d) {
  if (d != DType::Bool) return;
  switch (op) {
    case UnaryOp::Neg:
      MAG_THROW(Runtime, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    case UnaryOp::Relu: MAG_THROW(Runtime, "Boolean inputs not supported for relu");
    case UnaryOp::Abs: MAG_THROW(NotImplemented, "\"abs_cpu\" not implemented for 'Bool'");
    case UnaryOp::Floor: MAG_THROW(NotImplemented, "\"floor_vml_cpu\" not implemented for 'Bool'");
    case UnaryOp::Ceil: MAG_THROW(NotImplemented, "\"ceil_vml_cpu\" not implemented for 'Bool'");
    case UnaryOp::Round: MAG_THROW(NotImplemented, "\"round_vml_cpu\" not implemented for 'Bool'");
    case UnaryOp::Trunc: MAG_THROW(NotImplemented, "\"trunc_vml_cpu\" not implemented for 'Bool'");
    default: return;
  }
}

static const char* scalar_type_name(DType d);

Tensor unary(UnaryOp op, const Tensor& a) {
  check_unary_bool(op, a.dtype());
  DType rd = unary_result_dtype(op, a.dtype());
  Tensor in = to_dtype(a, rd);
  Tensor out = empty(a.sizes(), rd, a.device());
  kernels_for(a.device()).unary(op, out, in);
  return out;
}

void unary_(UnaryOp op, const Tensor& self) {
  check_unary_bool(op, self.dtype());
  if (op == UnaryOp::Square && self.dtype() == DType::Bool)  // square(bool) is pow(bool, 2): int64
    MAG_THROW(Runtime, "result type Long can't be cast to the desired output type Bool");
  DType rd = unary_result_dtype(op, self.dtype());
  if (rd != self.dtype())
    MAG_THROW(Runtime, "result type ", scalar_type_name(rd), " can't be cast to the desired output type ",
              scalar_type_name(self.dtype()));
  kernels_for(self.device()).unary(op, self, self);
}

static const char* scalar_type_name(DType d) {
  static const char* n[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  return n[(int)d];
}

static DType binary_compute_dtype(BinaryOp op, DType rt) {
  if ((op == BinaryOp::Div || op == BinaryOp::Atan2) && !is_floating(rt)) return g_default_float;
  if (binary_kind(op) == 2) return rt;
  return rt;
}

static void check_binary_dtypes(BinaryOp op, DType ct) {
  if ((op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor) && is_floating(ct))
    MAG_THROW(NotImplemented, "\"bitwise_", op == BinaryOp::BitAnd ? "and" : op == BinaryOp::BitOr ? "or" : "xor",
              "_cpu\" not implemented for '", scalar_type_name(ct), "'");
  if (ct == DType::Bool) {
    switch (op) {  // kernels torch does not build for bool
      case BinaryOp::FloorDivide: MAG_THROW(NotImplemented, "\"div_floor_cpu\" not implemented for 'Bool'");
      case BinaryOp::Remainder: MAG_THROW(NotImplemented, "\"remainder_cpu\" not implemented for 'Bool'");
      case BinaryOp::Fmod: MAG_THROW(NotImplemented, "\"fmod_cpu\" not implemented for 'Bool'");
      case BinaryOp::Pow: MAG_THROW(NotImplemented, "\"pow\" not implemented for 'Bool'");
      default: break;
    }
  }
}

// torch's sub_check: on the operands' own dtypes (a Python bool counts), before promotion
static void check_sub_operands(BinaryOp op, const Tensor& a, const Tensor& b) {
  if (op != BinaryOp::Sub) return;
  bool ba = a.dtype() == DType::Bool, bb = b.dtype() == DType::Bool;
  if (ba && bb)
    MAG_THROW(Runtime, "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  if (ba || bb)
    MAG_THROW(Runtime, "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
}

// pow(Tensor, Scalar): torch fills ones for exponent 0/False and copies for 1/True, before
// any kernel (so bool ** True works); returns -1 when the exponent is neither
static int pow_trivial_exponent(Scalar e) {
  double v = e.to_double();
  return v == 0.0 ? 0 : (v == 1.0 ? 1 : -1);
}

// Note [wrapped-number operand]: `x * 2`, `x + 1`, `1 - x`, `x > 0` with x a float32/float64
// CPU tensor. torch's promotion leaves x's dtype unchanged, so the number is converted once to
// that dtype (the same cast the copy kernel does) and handed to the kernel as a stride-0 view of
// a per-thread one-element buffer: no result_type/broadcast/to_dtype/expand and no allocation
// besides the result. The buffer is only read during the kernel call that receives it.
template <typename To> static To number_as(const Tensor& w) {
  switch (w.dtype()) {
    case DType::Float64: return static_cast<To>(*w.data_as<double>());
    case DType::Int64: return static_cast<To>(*w.data_as<int64_t>());
    default: return static_cast<To>(*w.data_as<bool>());
  }
}

static bool fast_wrapped_operand(const Tensor& t, const Tensor& w) {
  DType wd = w.dtype();
  return w.impl()->is_wrapped_number && !t.impl()->is_wrapped_number && t.device().is_cpu() &&
         (t.dtype() == DType::Float32 || t.dtype() == DType::Float64) &&
         (wd == DType::Float64 || wd == DType::Int64 || wd == DType::Bool);
}

// The per-thread operand outlives Python (thread-local destructors run after the thread gave
// up the GIL), so it is built from plain heap objects: no pooled block and no entry in the
// shared storage byte count, whose updates need the GIL (core/rc.h).
static Tensor make_number_buffer() {
  auto st = make_rc<Storage>();
  st->data = ::operator new(sizeof(double));
  st->nbytes = sizeof(double);
  st->deleter = [](void*, void* p) { ::operator delete(p); };
  auto impl = make_rc<TensorImpl>();
  impl->storage = std::move(st);
  impl->version = make_rc<VersionCounter>();
  impl->sizes = Shape{1};
  impl->strides = Shape{0};
  impl->numel = 1;
  impl->dtype = DType::Float64;
  return Tensor(std::move(impl));
}

static const Tensor& broadcast_number(const Tensor& t, const Tensor& w) {
  thread_local Tensor buf = make_number_buffer();
  TensorImpl* impl = buf.impl();
  impl->dtype = t.dtype();
  if (t.dtype() == DType::Float32) *buf.data_as<float>() = number_as<float>(w);
  else *buf.data_as<double>() = number_as<double>(w);
  impl->sizes = t.sizes();
  impl->strides = Shape(t.sizes().size(), 0);
  impl->numel = t.numel();
  return buf;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, Scalar alpha) {
  check_sub_operands(op, a, b);
  if (fast_wrapped_operand(a, b) || fast_wrapped_operand(b, a)) {  // Note [wrapped-number operand]
    const Tensor& t = a.impl()->is_wrapped_number ? b : a;
    check_binary_dtypes(op, t.dtype());
    Tensor out = empty(t.sizes(), binary_kind(op) == 0 ? t.dtype() : DType::Bool, t.device());
    if (&t == &a) kernels_for(out.device()).binary(op, out, a, broadcast_number(a, b), alpha);
    else kernels_for(out.device()).binary(op, out, broadcast_number(b, a), b, alpha);
    return out;
  }
  // fast path: same dtype, shape and device, computed in that dtype (no casts, no broadcast)
  if (a.dtype() == b.dtype() && a.device() == b.device() && a.sizes() == b.sizes() &&
      binary_compute_dtype(op, a.dtype()) == a.dtype()) {
    check_binary_dtypes(op, a.dtype());
    Tensor out = empty(a.sizes(), binary_kind(op) == 0 ? a.dtype() : DType::Bool, a.device());
    kernels_for(out.device()).binary(op, out, a, b, alpha);
    return out;
  }
  check_same_device(a, b);
  DType rt = result_type(a, b);
  DType ct = binary_compute_dtype(op, rt);
  check_binary_dtypes(op, ct);
  Shape shape = broadcast_shapes(a.sizes(), b.sizes());
  DType out_dt = binary_kind(op) == 0 ? ct : DType::Bool;
  Tensor out = empty(shape, out_dt, a.impl()->is_wrapped_number ? b.device() : result_device(a, b));
  Tensor ea = expand_to(on_device(to_dtype(a, ct), out.device()), shape);
  Tensor eb = expand_to(on_device(to_dtype(b, ct), out.device()), shape);
  kernels_for(out.device()).binary(op, out, ea, eb, alpha);
  return out;
}

void binary_(BinaryOp op, const Tensor& self, const Tensor& other, Scalar alpha) {
  if (binary_kind(op) == 0 && fast_wrapped_operand(self, other)) {  // p.mul_(0.9), x.add_(1)
    check_sub_operands(op, self, other);
    check_binary_dtypes(op, self.dtype());
    kernels_for(self.device()).binary(op, self, self, broadcast_number(self, other), alpha);
    return;
  }
  // fast path (gradient accumulation, p.add_(g)): same dtype, shape and device, computed in
  // that dtype, no overlap between the operands' storages
  if (self.dtype() == other.dtype() && self.device() == other.device() && self.sizes() == other.sizes() &&
      binary_kind(op) == 0 && binary_compute_dtype(op, self.dtype()) == self.dtype() &&
      self.impl()->storage != other.impl()->storage) {
    check_sub_operands(op, self, other);
    check_binary_dtypes(op, self.dtype());
    kernels_for(self.device()).binary(op, self, self, other, alpha);
    return;
  }
  check_same_device(self, other);
  check_sub_operands(op, self, other);
  if (op == BinaryOp::Pow && other.impl()->is_wrapped_number && !is_floating(self.dtype())) {
    Scalar e = wrapped_value(other);
    if (e.kind == Scalar::Int && e.i < 0) MAG_THROW(Runtime, "Integers to negative integer powers are not allowed.");
  }
  DType rt = result_type(self, other);
  DType ct = binary_compute_dtype(op, rt);
  DType out_dt = binary_kind(op) == 0 ? ct : DType::Bool;
  // in-place: the result must be castable to self's dtype (no float -> int); torch checks this
  // before the kernel's dtype support (x_int.bitwise_and_(2.5) is a cast error)
  if ((is_floating(out_dt) && !is_floating(self.dtype())) || (out_dt != DType::Bool && self.dtype() == DType::Bool && binary_kind(op) == 0))
    MAG_THROW(Runtime, "result type ", scalar_type_name(out_dt), " can't be cast to the desired output type ",
              scalar_type_name(self.dtype()));
  if (op == BinaryOp::Pow && other.impl()->is_wrapped_number) {  // the cast was checked above
    int k = pow_trivial_exponent(wrapped_value(other));
    if (k == 0) { fill_(self, Scalar::from_int(1)); return; }
    if (k == 1) return;
  }
  check_binary_dtypes(op, ct);
  Shape shape = broadcast_shapes(self.sizes(), other.sizes());
  if (shape != self.sizes())
    MAG_THROW(Runtime, "output with shape ", shape_str(self.sizes()), " doesn't match the broadcast shape ",
              shape_str(shape));
  if (self.device() != other.device() && cpu_scalar(self) && !cpu_scalar(other))
    MAG_THROW(Runtime, "Expected all tensors to be on the same device, but found at least two devices, ",
              device_str(other.device()), " and ", device_str(self.device()), "!");
  Tensor eo = expand_to(on_device(to_dtype(other, ct), self.device()), shape);
  if (eo.impl()->storage == self.impl()->storage && !eo.is_same(self)) eo = clone(eo);
  if (ct == self.dtype() && out_dt == ct) {
    kernels_for(self.device()).binary(op, self, self, eo, alpha);
  } else {
    Tensor tmp = empty(shape, out_dt, self.device());
    kernels_for(self.device()).binary(op, tmp, to_dtype(self, ct), eo, alpha);
    kernels_for(self.device()).copy(self, tmp);
  }
}

Tensor pow_scalar(const Tensor& a, Scalar e) {
  // tensor ** number keeps an integer tensor integer unless the exponent is a float
  Tensor w = wrapped_scalar(e);
  if (!is_floating(a.dtype()) && e.kind == Scalar::Int && e.i < 0)
    MAG_THROW(Runtime, "Integers to negative integer powers are not allowed.");
  if (!is_floating(a.dtype()) && a.dtype() != DType::Bool && e.kind == Scalar::Int) check_scalar_fits(e, a.dtype());
  int k = pow_trivial_exponent(e);
  if (k >= 0) {
    DType rt = result_type(a, w);
    return k == 0 ? full(a.sizes(), Scalar::from_int(1), rt, a.device()) : to_dtype(a, rt, true);
  }
  // torch computes x ** 0.5 as sqrt(x) and x ** -0.5 as rsqrt(x): (-inf) ** 0.5 is nan, not inf
  if (is_floating(a.dtype()) && e.kind == Scalar::Float && (e.d == 0.5 || e.d == -0.5))
    return unary(e.d > 0 ? UnaryOp::Sqrt : UnaryOp::Rsqrt, a);
  // torch's pow kernel special-cases these floating exponents (bit-exact only this way):
  // x ** 2 = x * x, x ** 3 = x * x * x, x ** -1 = 1 / x, x ** -2 = 1 / (x * x)
  if (is_floating(a.dtype()) && e.kind != Scalar::Bool) {
    double ed = e.to_double();
    if (ed == 2.0) return binary(BinaryOp::Mul, a, a);
    if (ed == 3.0) return binary(BinaryOp::Mul, binary(BinaryOp::Mul, a, a), a);
    if (ed == -1.0) return unary(UnaryOp::Reciprocal, a);
    if (ed == -2.0) return unary(UnaryOp::Reciprocal, binary(BinaryOp::Mul, a, a));
  }
  return binary(BinaryOp::Pow, a, wrapped_scalar(e));
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  MAG_CHECK(cond.dtype() == DType::Bool, "where expected condition to be a boolean tensor, but got a tensor with dtype ",
            scalar_type_name(cond.dtype()));
  DType rt = result_type(a, b);
  Shape shape = broadcast_shapes(cond.sizes(), broadcast_shapes(a.sizes(), b.sizes()));
  Device dev = cond.device();
  if (cpu_scalar(cond)) dev = !cpu_scalar(a) ? a.device() : b.device();
  Tensor out = empty(shape, rt, dev);
  auto prep = [&](const Tensor& t) { return expand_to(cpu_scalar(t) ? on_device(t, dev) : t, shape); };
  kernels_for(out.device()).where(out, prep(cond), prep(to_dtype(a, rt)), prep(to_dtype(b, rt)));
  return out;
}

static DType clamp_result_type(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  DType rt = a.dtype();
  if (lo) rt = result_type(a, wrapped_scalar(*lo));
  if (hi) rt = promote_types(rt, result_type(a, wrapped_scalar(*hi)));
  return rt;
}

void check_clamp_inplace(const Tensor& self, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  if (!lo && !hi) return;
  // torch's can_cast, worded with the C++ type name of self's dtype
  static const char* cpp_name[] = {"bool", "unsigned char", "signed char", "short int", "int", "long int",
                                   "c10::Half", "c10::BFloat16", "float", "double"};
  DType rt = clamp_result_type(self, lo, hi), sd = self.dtype();
  if ((is_floating(rt) && !is_floating(sd)) || (sd == DType::Bool && rt != DType::Bool))
    MAG_THROW(Runtime, "result type ", scalar_type_name(rt), " can't be cast to the desired output type ", cpp_name[(int)sd]);
}

Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  if (!lo && !hi) MAG_THROW(Runtime, "torch.clamp: At least one of 'min' or 'max' must not be None");
  Tensor r = a;
  DType rt = clamp_result_type(a, lo, hi);
  if (rt == DType::Bool)  // no bool clamp kernels in torch
    MAG_THROW(NotImplemented, "\"clamp_", lo && hi ? "" : (lo ? "min_" : "max_"), "scalar_cpu\" not implemented for 'Bool'");
  if (lo) check_scalar_fits(*lo, rt);
  if (hi) check_scalar_fits(*hi, rt);
  r = to_dtype(a, rt);
  // clamp propagates nan and applies min then max (torch: min(max(x, lo), hi))
  if (lo) r = binary(BinaryOp::Maximum, r, scalar_tensor(*lo, rt));
  if (hi) r = binary(BinaryOp::Minimum, r, scalar_tensor(*hi, rt));
  if (r.is_same(a)) r = clone(a);
  return r;
}

Tensor arange(double start, double end, double step, DType dtype) {
  MAG_CHECK(step != 0, "step must be nonzero");
  MAG_CHECK((step > 0 && end >= start) || (step < 0 && end <= start),
            "upper bound and larger bound inconsistent with step sign");
  int64_t n = (int64_t)std::ceil((end - start) / step);
  if (n < 0) n = 0;
  Tensor t = empty(Shape{n}, dtype);
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data_as<T>();
    if constexpr (std::is_same_v<T, bool>) { for (int64_t i = 0; i < n; ++i) p[i] = (start + i * step) != 0; }
    else if constexpr (std::is_integral_v<T>) { for (int64_t i = 0; i < n; ++i) p[i] = (T)(int64_t)(start + i * step); }
    else { for (int64_t i = 0; i < n; ++i) p[i] = T((std::conditional_t<std::is_same_v<T, double>, double, float>)(start + i * step)); }
  });
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dtype) {
  MAG_CHECK(steps >= 0, "number of steps must be non-negative");
  Tensor t = empty(Shape{steps}, dtype);
  if (steps == 1) { fill_(t, Scalar::from_double(start)); return t; }
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data_as<T>();
    // torch's linspace_kernel: the first half from start, the second from end, each element
    // start + step * i in the dtype's own precision (double for integers); torch's build
    // contracts that to one fused multiply-add, so we call fma explicitly
    using C = std::conditional_t<std::is_same_v<T, double> || std::is_integral_v<T>, double, float>;
    C s, e;  // start and end converted to the dtype first (integers truncate)
    if constexpr (std::is_same_v<T, bool>) { s = start != 0; e = end != 0; }
    else if constexpr (std::is_integral_v<T>) { s = (C)(T)(int64_t)start; e = (C)(T)(int64_t)end; }
    else { s = (C)start; e = (C)end; }
    C step = (e - s) / (C)(steps - 1);
    int64_t half = steps / 2;
    for (int64_t i = 0; i < steps; ++i) {
      C v = i < half ? std::fma(step, (C)i, s) : std::fma(-step, (C)(steps - i - 1), e);
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) p[i] = (T)(int64_t)v; else p[i] = T(v);
    }
  });
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dtype) {
  Tensor t = zeros(Shape{n, m}, dtype);
  dispatch_all(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data_as<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1.0f);
  });
  return t;
}

}  // namespace native
}  // namespace mag
