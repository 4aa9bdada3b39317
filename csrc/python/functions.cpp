// functions.cpp: the _C module functions the Python layer calls. Arguments are positional
// and already normalised by the Python wrappers (myautograd/_ops.py, _tensor.py).
#include <algorithm>
#include <cstring>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/random.h"
#include "kernels/cpu/parallel.h"
#include "python/common.h"

namespace mag {
namespace py {

PyObject* item_of(const Tensor& t);
void set_cpu_device(PyObject* d);
PyObject* tensor_register_hook(PyObject*, PyObject* args);
PyObject* tensor_retain_grad(PyObject*, PyObject* self);
PyObject* function_record(PyObject*, PyObject* args);
PyObject* set_node_factories(PyObject*, PyObject* args);

namespace {

// argument helpers: each returns false with a Python error set
// Functions are METH_FASTCALL: arguments arrive as a C array, no tuple is built per call.
struct Args {
  PyObject* const* p;
  Py_ssize_t n;
  Args(PyObject* const* args, Py_ssize_t nargs) : p(args), n(nargs) {}
  PyObject* operator[](Py_ssize_t i) const { return p[i]; }
  bool check(Py_ssize_t want, const char* fn) const {
    if (n != want) { PyErr_Format(PyExc_TypeError, "%s expected %zd arguments, got %zd", fn, want, n); return false; }
    return true;
  }
};

// A required tensor: None is a TypeError here, so no op ever sees an undefined Tensor.
bool T(PyObject* o, Tensor& t) {
  if (!is_tensor(o)) { PyErr_Format(PyExc_TypeError, "expected Tensor but got %s", Py_TYPE(o)->tp_name); return false; }
  t = unwrap(o);
  return true;
}
// An optional tensor (loss weights): None becomes an undefined Tensor.
bool OptT(PyObject* o, Tensor& t) {
  if (o == Py_None) { t = Tensor(); return true; }
  if (!is_tensor(o)) { PyErr_Format(PyExc_TypeError, "expected Tensor but got %s", Py_TYPE(o)->tp_name); return false; }
  t = unwrap(o);
  return true;
}
bool I(PyObject* o, int64_t& v) { return to_int64(o, v); }
bool D(PyObject* o, double& v) { v = PyFloat_AsDouble(o); return !(v == -1.0 && PyErr_Occurred()); }
bool B(PyObject* o, bool& v) { int r = PyObject_IsTrue(o); if (r < 0) return false; v = r; return true; }
bool OptDims(PyObject* o, std::vector<int64_t>& v, bool& has) {
  has = o != Py_None;
  if (!has) { v.clear(); return true; }
  return to_int_list(o, v);
}
bool OptDType(PyObject* o, std::optional<DType>& d) {
  if (o == Py_None) { d.reset(); return true; }
  DType x; if (!to_dtype(o, x)) return false; d = x; return true;
}
bool OptScalar(PyObject* o, std::optional<Scalar>& s) {
  if (o == Py_None) { s.reset(); return true; }
  Scalar x; if (!to_scalar(o, x)) return false; s = x; return true;
}

PyObject* none() { Py_RETURN_NONE; }

}  // namespace

#define FN(name) static PyObject* name(PyObject*, PyObject* const* args_, Py_ssize_t nargs_)
#define A Args a(args_, nargs_)

// --- elementwise
FN(f_unary) { A; int64_t op; Tensor t; if (!a.check(2, "_unary") || !I(a[0], op) || !T(a[1], t)) return nullptr;
  MAG_TRY Tensor r; r = ag::unary((UnaryOp)op, t); return wrap(r); MAG_CATCH(nullptr) }
FN(f_binary) { A; int64_t op; Tensor x, y; Scalar al;
  if (!a.check(4, "_binary") || !I(a[0], op) || !to_tensor_or_scalar(a[1], x) || !to_tensor_or_scalar(a[2], y) || !to_scalar(a[3], al)) return nullptr;
  MAG_TRY
  Tensor r = binary_kind((BinaryOp)op) != 0 ? native::binary((BinaryOp)op, x, y, al) : ag::binary((BinaryOp)op, x, y, al);
  return wrap(r);
  MAG_CATCH(nullptr) }
FN(f_pow) { A; Tensor x, y; if (!a.check(2, "_pow") || !to_tensor_or_scalar(a[0], x) || !to_tensor_or_scalar(a[1], y)) return nullptr;
  MAG_TRY
  if (y.impl()->is_wrapped_number) { Scalar s; to_scalar(a[1], s); return wrap(ag::pow_scalar(x, s)); }
  if (x.impl()->is_wrapped_number) { Scalar s; to_scalar(a[0], s); return wrap(ag::rpow_scalar(s, y)); }
  return wrap(ag::binary(BinaryOp::Pow, x, y));
  MAG_CATCH(nullptr) }
FN(f_div_mode) { A; Tensor x, y; bool fl; if (!a.check(3, "_div_mode") || !to_tensor_or_scalar(a[0], x) || !to_tensor_or_scalar(a[1], y) || !B(a[2], fl)) return nullptr;
  MAG_TRY return wrap(ag::div_mode(x, y, fl)); MAG_CATCH(nullptr) }
FN(f_rsub) { A; Tensor x; Scalar s, al; if (!a.check(3, "_rsub") || !T(a[0], x) || !to_scalar(a[1], s) || !to_scalar(a[2], al)) return nullptr;
  MAG_TRY return wrap(ag::rsub_scalar(x, s, al)); MAG_CATCH(nullptr) }
FN(f_where) { A; Tensor c, x, y; if (!a.check(3, "_where") || !T(a[0], c) || !to_tensor_or_scalar(a[1], x) || !to_tensor_or_scalar(a[2], y)) return nullptr;
  MAG_TRY return wrap(ag::where(c, x, y)); MAG_CATCH(nullptr) }
FN(f_clamp) { A; Tensor x; if (!a.check(3, "_clamp") || !T(a[0], x)) return nullptr;
  MAG_TRY
  if (is_tensor(a[1]) || is_tensor(a[2])) {
    Tensor lo, hi;
    if ((a[1] != Py_None && !to_tensor_or_scalar(a[1], lo)) || (a[2] != Py_None && !to_tensor_or_scalar(a[2], hi))) return nullptr;
    if (!lo.defined() && !hi.defined()) MAG_THROW(Runtime, "torch.clamp: At least one of 'min' or 'max' must not be None");
    return wrap(ag::clamp_tensor(x, lo, hi));
  }
  std::optional<Scalar> lo, hi;
  if (!OptScalar(a[1], lo) || !OptScalar(a[2], hi)) return nullptr;
  return wrap(ag::clamp(x, lo, hi));
  MAG_CATCH(nullptr) }

// --- reductions
FN(f_sum) { A; Tensor x; std::vector<int64_t> d; bool has, kd; std::optional<DType> dt;
  if (!a.check(4, "_sum") || !T(a[0], x) || !OptDims(a[1], d, has) || !B(a[2], kd) || !OptDType(a[3], dt)) return nullptr;
  MAG_TRY Tensor r; r = ag::sum(x, d, kd, dt, has); return wrap(r); MAG_CATCH(nullptr) }
FN(f_mean) { A; Tensor x; std::vector<int64_t> d; bool has, kd; std::optional<DType> dt;
  if (!a.check(4, "_mean") || !T(a[0], x) || !OptDims(a[1], d, has) || !B(a[2], kd) || !OptDType(a[3], dt)) return nullptr;
  MAG_TRY return wrap(ag::mean(x, d, kd, dt, has)); MAG_CATCH(nullptr) }
FN(f_prod) { A; Tensor x; bool kd; std::optional<DType> dt; if (!a.check(4, "_prod") || !T(a[0], x) || !B(a[2], kd) || !OptDType(a[3], dt)) return nullptr;
  std::optional<int64_t> dim; if (a[1] != Py_None) { int64_t v; if (!I(a[1], v)) return nullptr; dim = v; }
  MAG_TRY return wrap(ag::prod(x, dim, kd, dt)); MAG_CATCH(nullptr) }
FN(f_amax) { A; Tensor x; std::vector<int64_t> d; bool has, kd, mx;
  if (!a.check(4, "_amax") || !T(a[0], x) || !OptDims(a[1], d, has) || !B(a[2], kd) || !B(a[3], mx)) return nullptr;
  MAG_TRY return wrap(ag::amax(x, d, kd, mx)); MAG_CATCH(nullptr) }
FN(f_max_all) { A; Tensor x; bool mx; if (!a.check(2, "_max_all") || !T(a[0], x) || !B(a[1], mx)) return nullptr;
  MAG_TRY return wrap(ag::max_all(x, mx)); MAG_CATCH(nullptr) }
FN(f_max_dim) { A; Tensor x; int64_t d; bool kd, mx; if (!a.check(4, "_max_dim") || !T(a[0], x) || !I(a[1], d) || !B(a[2], kd) || !B(a[3], mx)) return nullptr;
  MAG_TRY auto r = ag::max_dim(x, d, kd, mx); return Py_BuildValue("(NN)", wrap(std::get<0>(r)), wrap(std::get<1>(r))); MAG_CATCH(nullptr) }
FN(f_argmax) { A; Tensor x; bool kd, mx; if (!a.check(4, "_argmax") || !T(a[0], x) || !B(a[2], kd) || !B(a[3], mx)) return nullptr;
  std::optional<int64_t> dim; if (a[1] != Py_None) { int64_t v; if (!I(a[1], v)) return nullptr; dim = v; }
  MAG_TRY return wrap(native::argmax(x, dim, kd, mx)); MAG_CATCH(nullptr) }
FN(f_all_any) { A; Tensor x; std::vector<int64_t> d; bool has, kd, all;
  if (!a.check(4, "_all_any") || !T(a[0], x) || !OptDims(a[1], d, has) || !B(a[2], kd) || !B(a[3], all)) return nullptr;
  MAG_TRY return wrap(native::all_any(x, d, kd, all)); MAG_CATCH(nullptr) }
FN(f_var) { A; Tensor x; std::vector<int64_t> d; bool has, kd, isstd; double corr;
  if (!a.check(5, "_var") || !T(a[0], x) || !OptDims(a[1], d, has) || !D(a[2], corr) || !B(a[3], kd) || !B(a[4], isstd)) return nullptr;
  MAG_TRY return wrap(ag::var(x, d, corr, kd, isstd, has)); MAG_CATCH(nullptr) }
FN(f_norm) { A; Tensor x; double p; std::vector<int64_t> d; bool has, kd;
  if (!a.check(4, "_norm") || !T(a[0], x) || !D(a[1], p) || !OptDims(a[2], d, has) || !B(a[3], kd)) return nullptr;
  MAG_TRY return wrap(ag::norm(x, p, d, kd)); MAG_CATCH(nullptr) }
FN(f_logsumexp) { A; Tensor x; std::vector<int64_t> d; bool has, kd;
  if (!a.check(3, "_logsumexp") || !T(a[0], x) || !OptDims(a[1], d, has) || !B(a[2], kd)) return nullptr;
  MAG_TRY return wrap(ag::logsumexp(x, d, kd)); MAG_CATCH(nullptr) }
FN(f_softmax) { A; Tensor x; int64_t d; bool lg; if (!a.check(3, "_softmax") || !T(a[0], x) || !I(a[1], d) || !B(a[2], lg)) return nullptr;
  MAG_TRY return wrap(ag::softmax(x, d, lg)); MAG_CATCH(nullptr) }
FN(f_cumsum) { A; Tensor x; int64_t d; std::optional<DType> dt; if (!a.check(3, "_cumsum") || !T(a[0], x) || !I(a[1], d) || !OptDType(a[2], dt)) return nullptr;
  MAG_TRY return wrap(ag::cumsum(x, d, dt)); MAG_CATCH(nullptr) }

// --- views and copies
FN(f_view) { A; Tensor x; Shape s; if (!a.check(2, "_view") || !T(a[0], x) || !to_shape(a[1], s)) return nullptr;
  MAG_TRY return wrap(ag::view(x, s)); MAG_CATCH(nullptr) }
FN(f_reshape) { A; Tensor x; Shape s; if (!a.check(2, "_reshape") || !T(a[0], x) || !to_shape(a[1], s)) return nullptr;
  MAG_TRY return wrap(ag::reshape(x, s)); MAG_CATCH(nullptr) }
FN(f_permute) { A; Tensor x; std::vector<int64_t> d; if (!a.check(2, "_permute") || !T(a[0], x) || !to_int_list(a[1], d)) return nullptr;
  MAG_TRY return wrap(ag::permute(x, d)); MAG_CATCH(nullptr) }
FN(f_transpose) { A; Tensor x; int64_t d0, d1; if (!a.check(3, "_transpose") || !T(a[0], x) || !I(a[1], d0) || !I(a[2], d1)) return nullptr;
  MAG_TRY return wrap(ag::transpose(x, d0, d1)); MAG_CATCH(nullptr) }
FN(f_t) { A; Tensor x; if (!a.check(1, "_t") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(ag::t(x)); MAG_CATCH(nullptr) }
FN(f_expand) { A; Tensor x; std::vector<int64_t> d; if (!a.check(2, "_expand") || !T(a[0], x) || !to_int_list(a[1], d)) return nullptr;
  MAG_TRY return wrap(ag::expand(x, d)); MAG_CATCH(nullptr) }
// ATen's infer_size: the broadcast of two shapes, with its error text (native::broadcast_shapes)
FN(f_infer_size) { A; Shape x, y; if (!a.check(2, "_infer_size") || !to_shape(a[0], x) || !to_shape(a[1], y)) return nullptr;
  MAG_TRY return size_to_py(native::broadcast_shapes(x, y)); MAG_CATCH(nullptr) }
FN(f_squeeze) { A; Tensor x; std::vector<int64_t> d; bool has; if (!a.check(2, "_squeeze") || !T(a[0], x) || !OptDims(a[1], d, has)) return nullptr;
  MAG_TRY return wrap(ag::squeeze(x, has ? std::optional<std::vector<int64_t>>(d) : std::nullopt)); MAG_CATCH(nullptr) }
FN(f_unsqueeze) { A; Tensor x; int64_t d; if (!a.check(2, "_unsqueeze") || !T(a[0], x) || !I(a[1], d)) return nullptr;
  MAG_TRY return wrap(ag::unsqueeze(x, d)); MAG_CATCH(nullptr) }
FN(f_select) { A; Tensor x; int64_t d, i; if (!a.check(3, "_select") || !T(a[0], x) || !I(a[1], d) || !I(a[2], i)) return nullptr;
  MAG_TRY return wrap(ag::select(x, d, i)); MAG_CATCH(nullptr) }
FN(f_slice) { A; Tensor x; int64_t d, st; if (!a.check(5, "_slice") || !T(a[0], x) || !I(a[1], d) || !I(a[4], st)) return nullptr;
  std::optional<int64_t> b, e;
  if (a[2] != Py_None) { int64_t v; if (!I(a[2], v)) return nullptr; b = v; }
  if (a[3] != Py_None) { int64_t v; if (!I(a[3], v)) return nullptr; e = v; }
  MAG_TRY return wrap(ag::slice(x, d, b, e, st)); MAG_CATCH(nullptr) }
FN(f_as_strided) { A; Tensor x; Shape s, st; int64_t off; if (!a.check(4, "_as_strided") || !T(a[0], x) || !to_shape(a[1], s) || !to_shape(a[2], st) || !I(a[3], off)) return nullptr;
  MAG_TRY return wrap(ag::as_strided(x, s, st, off)); MAG_CATCH(nullptr) }
FN(f_clone) { A; Tensor x; if (!a.check(1, "_clone") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(ag::clone(x)); MAG_CATCH(nullptr) }
FN(f_contiguous) { A; Tensor x; if (!a.check(1, "_contiguous") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(ag::contiguous(x)); MAG_CATCH(nullptr) }
FN(f_to_dtype) { A; Tensor x; DType d; bool cp; if (!a.check(3, "_to_dtype") || !T(a[0], x) || !to_dtype(a[1], d) || !B(a[2], cp)) return nullptr;
  MAG_TRY return wrap(ag::to_dtype(x, d, cp)); MAG_CATCH(nullptr) }
FN(f_detach) { A; Tensor x; if (!a.check(1, "_detach") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(ag::detach(x)); MAG_CATCH(nullptr) }
FN(f_alias) { A; Tensor x; if (!a.check(1, "_alias") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(ag::alias(x)); MAG_CATCH(nullptr) }
FN(f_unbind) { A; Tensor x; int64_t d; if (!a.check(2, "_unbind") || !T(a[0], x) || !I(a[1], d)) return nullptr;
  MAG_TRY return wrap_list(ag::unbind(x, d)); MAG_CATCH(nullptr) }
FN(f_split) { A; Tensor x; std::vector<int64_t> s; int64_t d; if (!a.check(3, "_split") || !T(a[0], x) || !to_int_list(a[1], s) || !I(a[2], d)) return nullptr;
  MAG_TRY return wrap_list(ag::split(x, s, d)); MAG_CATCH(nullptr) }
FN(f_split_with_sizes) { A; Tensor x; std::vector<int64_t> s; int64_t d; if (!a.check(3, "_split_with_sizes") || !T(a[0], x) || !to_int_list(a[1], s) || !I(a[2], d)) return nullptr;
  MAG_TRY return wrap_list(ag::split(x, s, d, true)); MAG_CATCH(nullptr) }

// --- joins and indexing
FN(f_cat) { A; TensorList ts; int64_t d; if (!a.check(2, "_cat") || !to_tensor_list(a[0], ts) || !I(a[1], d)) return nullptr;
  MAG_TRY return wrap(ag::cat(ts, d)); MAG_CATCH(nullptr) }
FN(f_stack) { A; TensorList ts; int64_t d; if (!a.check(2, "_stack") || !to_tensor_list(a[0], ts) || !I(a[1], d)) return nullptr;
  MAG_TRY return wrap(ag::stack(ts, d)); MAG_CATCH(nullptr) }
FN(f_index_select) { A; Tensor x, i; int64_t d; if (!a.check(3, "_index_select") || !T(a[0], x) || !I(a[1], d) || !T(a[2], i)) return nullptr;
  MAG_TRY return wrap(ag::index_select(x, d, i)); MAG_CATCH(nullptr) }
FN(f_index_flat) { A; Tensor x, i; Shape s; if (!a.check(3, "_index_flat") || !T(a[0], x) || !T(a[1], i) || !to_shape(a[2], s)) return nullptr;
  MAG_TRY return wrap(ag::index(x, i, s)); MAG_CATCH(nullptr) }
FN(f_gather) { A; Tensor x, i; int64_t d; if (!a.check(3, "_gather") || !T(a[0], x) || !I(a[1], d) || !T(a[2], i)) return nullptr;
  MAG_TRY return wrap(ag::gather(x, d, i)); MAG_CATCH(nullptr) }
FN(f_scatter) { A; Tensor x, i, s; int64_t d; bool add; if (!a.check(5, "_scatter") || !T(a[0], x) || !I(a[1], d) || !T(a[2], i) || !to_tensor_or_scalar(a[3], s) || !B(a[4], add)) return nullptr;
  MAG_TRY
  if (s.impl()->is_wrapped_number) {
    s = native::expand_to(native::to_dtype(s, x.dtype()), i.sizes());
    s.impl()->is_wrapped_number = true;  // still a Scalar value: ag::scatter names it ScatterBackward1
  }
  return wrap(ag::scatter(x, d, i, s, add));
  MAG_CATCH(nullptr) }
FN(f_masked_fill) { A; Tensor x, m, v; if (!a.check(3, "_masked_fill") || !T(a[0], x) || !T(a[1], m) || !to_tensor_or_scalar(a[2], v)) return nullptr;
  MAG_TRY return wrap(ag::masked_fill(x, m, v)); MAG_CATCH(nullptr) }
FN(f_index_add) { A; Tensor x, i, s; int64_t d; if (!a.check(4, "_index_add") || !T(a[0], x) || !I(a[1], d) || !T(a[2], i) || !T(a[3], s)) return nullptr;
  MAG_TRY return wrap(ag::index_add(x, d, i, s)); MAG_CATCH(nullptr) }
FN(f_nonzero) { A; Tensor x; if (!a.check(1, "_nonzero") || !T(a[0], x)) return nullptr; MAG_TRY return wrap(native::nonzero(x)); MAG_CATCH(nullptr) }

// --- linear algebra and nn
FN(f_mm) { A; Tensor x, y; if (!a.check(2, "_mm") || !T(a[0], x) || !T(a[1], y)) return nullptr; MAG_TRY Tensor r; r = ag::mm(x, y); return wrap(r); MAG_CATCH(nullptr) }
FN(f_bmm) { A; Tensor x, y; if (!a.check(2, "_bmm") || !T(a[0], x) || !T(a[1], y)) return nullptr; MAG_TRY Tensor r; r = ag::bmm(x, y); return wrap(r); MAG_CATCH(nullptr) }
FN(f_mv) { A; Tensor x, y; if (!a.check(2, "_mv") || !T(a[0], x) || !T(a[1], y)) return nullptr; MAG_TRY return wrap(ag::mv(x, y)); MAG_CATCH(nullptr) }
FN(f_dot) { A; Tensor x, y; if (!a.check(2, "_dot") || !T(a[0], x) || !T(a[1], y)) return nullptr; MAG_TRY return wrap(ag::dot(x, y)); MAG_CATCH(nullptr) }
FN(f_matmul) { A; Tensor x, y; if (!a.check(2, "_matmul") || !T(a[0], x) || !T(a[1], y)) return nullptr; MAG_TRY Tensor r; r = ag::matmul(x, y); return wrap(r); MAG_CATCH(nullptr) }
FN(f_addmm) { A; Tensor b, x, y; Scalar be, al; if (!a.check(5, "_addmm") || !T(a[0], b) || !T(a[1], x) || !T(a[2], y) || !to_scalar(a[3], be) || !to_scalar(a[4], al)) return nullptr;
  MAG_TRY return wrap(ag::addmm(b, x, y, be, al)); MAG_CATCH(nullptr) }
FN(f_mse_loss) { A; Tensor x, y; int64_t r; if (!a.check(3, "_mse_loss") || !T(a[0], x) || !T(a[1], y) || !I(a[2], r)) return nullptr;
  MAG_TRY return wrap(ag::mse_loss(x, y, (int)r)); MAG_CATCH(nullptr) }
FN(f_nll_loss) { A; Tensor x, y, w; int64_t r, ig; if (!a.check(5, "_nll_loss") || !T(a[0], x) || !T(a[1], y) || !OptT(a[2], w) || !I(a[3], r) || !I(a[4], ig)) return nullptr;
  MAG_TRY return wrap(ag::nll_loss(x, y, w, (int)r, ig)); MAG_CATCH(nullptr) }
FN(f_bce) { A; Tensor x, y, w; int64_t r; if (!a.check(4, "_bce") || !T(a[0], x) || !T(a[1], y) || !OptT(a[2], w) || !I(a[3], r)) return nullptr;
  MAG_TRY return wrap(ag::binary_cross_entropy(x, y, w, (int)r)); MAG_CATCH(nullptr) }
FN(f_bce_logits) { A; Tensor x, y, w, pw; int64_t r; if (!a.check(5, "_bce_logits") || !T(a[0], x) || !T(a[1], y) || !OptT(a[2], w) || !OptT(a[3], pw) || !I(a[4], r)) return nullptr;
  MAG_TRY return wrap(ag::bce_with_logits(x, y, w, pw, (int)r)); MAG_CATCH(nullptr) }
FN(f_leaky_relu) { A; Tensor x; double s; if (!a.check(2, "_leaky_relu") || !T(a[0], x) || !D(a[1], s)) return nullptr; MAG_TRY return wrap(ag::leaky_relu(x, s)); MAG_CATCH(nullptr) }
FN(f_elu) { A; Tensor x; double s; if (!a.check(2, "_elu") || !T(a[0], x) || !D(a[1], s)) return nullptr; MAG_TRY return wrap(ag::elu(x, s)); MAG_CATCH(nullptr) }
FN(f_gelu) { A; Tensor x; bool t; if (!a.check(2, "_gelu") || !T(a[0], x) || !B(a[1], t)) return nullptr; MAG_TRY return wrap(ag::gelu(x, t)); MAG_CATCH(nullptr) }
FN(f_softplus) { A; Tensor x; double b, th; if (!a.check(3, "_softplus") || !T(a[0], x) || !D(a[1], b) || !D(a[2], th)) return nullptr; MAG_TRY return wrap(ag::softplus(x, b, th)); MAG_CATCH(nullptr) }
FN(f_hardtanh) { A; Tensor x; double lo, hi; if (!a.check(3, "_hardtanh") || !T(a[0], x) || !D(a[1], lo) || !D(a[2], hi)) return nullptr; MAG_TRY return wrap(ag::hardtanh(x, lo, hi)); MAG_CATCH(nullptr) }
FN(f_layer_norm) { A; Tensor x, w, b; Shape ns; double eps; if (!a.check(5, "_layer_norm") || !T(a[0], x) || !to_shape(a[1], ns) || !OptT(a[2], w) || !OptT(a[3], b) || !D(a[4], eps)) return nullptr;
  MAG_TRY return wrap(ag::layer_norm(x, ns, w, b, eps)); MAG_CATCH(nullptr) }
// (out, mean, var): mean / var are the statistics used (batch ones, biased, when training)
FN(f_batch_norm) { A; Tensor x, w, b, rm, rv; bool tr; double eps;
  if (!a.check(7, "_batch_norm") || !T(a[0], x) || !OptT(a[1], w) || !OptT(a[2], b) || !OptT(a[3], rm) || !OptT(a[4], rv) || !B(a[5], tr) || !D(a[6], eps)) return nullptr;
  MAG_TRY Tensor m, v; Tensor out = ag::batch_norm(x, w, b, rm, rv, tr, eps, &m, &v);
  return Py_BuildValue("(NNN)", wrap(out), wrap(m), wrap(v)); MAG_CATCH(nullptr) }
FN(f_embedding) { A; Tensor w, i; int64_t p; if (!a.check(3, "_embedding") || !T(a[0], w) || !T(a[1], i) || !I(a[2], p)) return nullptr;
  MAG_TRY return wrap(ag::embedding(w, i, p)); MAG_CATCH(nullptr) }
FN(f_smooth_l1_loss) { A; Tensor x, y; int64_t r; double beta; if (!a.check(4, "_smooth_l1_loss") || !T(a[0], x) || !T(a[1], y) || !I(a[2], r) || !D(a[3], beta)) return nullptr;
  MAG_TRY return wrap(ag::smooth_l1_loss(x, y, (int)r, beta)); MAG_CATCH(nullptr) }
FN(f_huber_loss) { A; Tensor x, y; int64_t r; double delta; if (!a.check(4, "_huber_loss") || !T(a[0], x) || !T(a[1], y) || !I(a[2], r) || !D(a[3], delta)) return nullptr;
  MAG_TRY return wrap(ag::huber_loss(x, y, (int)r, delta)); MAG_CATCH(nullptr) }

// --- in-place
FN(f_inplace_binary) { A; int64_t op; Tensor x, y; Scalar al; if (!a.check(4, "_inplace_binary") || !I(a[0], op) || !T(a[1], x) || !to_tensor_or_scalar(a[2], y) || !to_scalar(a[3], al)) return nullptr;
  MAG_TRY ag::inplace_binary((BinaryOp)op, x, y, al); Py_INCREF(a[1]); return a[1]; MAG_CATCH(nullptr) }
FN(f_inplace_unary) { A; int64_t op; Tensor x; if (!a.check(2, "_inplace_unary") || !I(a[0], op) || !T(a[1], x)) return nullptr;
  MAG_TRY ag::inplace_unary((UnaryOp)op, x); Py_INCREF(a[1]); return a[1]; MAG_CATCH(nullptr) }
FN(f_copy_) { A; Tensor x, y; if (!a.check(2, "_copy_") || !T(a[0], x) || !to_tensor_or_scalar(a[1], y)) return nullptr;
  MAG_TRY ag::inplace_copy(x, y); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_fill_) { A; Tensor x, v; if (!a.check(2, "_fill_") || !T(a[0], x) || !to_tensor_or_scalar(a[1], v)) return nullptr;
  MAG_TRY
  if (v.dim() != 0) MAG_THROW(Runtime, "fill_ only supports 0-dimension value tensor but got tensor with ", v.dim(), " dimensions.");
  ag::inplace_fill(x, v); Py_INCREF(a[0]); return a[0];
  MAG_CATCH(nullptr) }
FN(f_zero_) { A; Tensor x; if (!a.check(1, "_zero_") || !T(a[0], x)) return nullptr; MAG_TRY ag::inplace_zero(x); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_clamp_) { A; Tensor x; std::optional<Scalar> lo, hi; if (!a.check(3, "_clamp_") || !T(a[0], x) || !OptScalar(a[1], lo) || !OptScalar(a[2], hi)) return nullptr;
  MAG_TRY ag::inplace_clamp(x, lo, hi); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_masked_fill_) { A; Tensor x, m, v; if (!a.check(3, "_masked_fill_") || !T(a[0], x) || !T(a[1], m) || !to_tensor_or_scalar(a[2], v)) return nullptr;
  MAG_TRY ag::inplace_masked_fill(x, m, v); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_inplace_assign) { A; Tensor x, r; if (!a.check(2, "_inplace_assign") || !T(a[0], x) || !T(a[1], r)) return nullptr;
  MAG_TRY ag::inplace_assign(x, r); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_index_put_) { A; Tensor x, pos, v; Shape s; bool acc;
  if (!a.check(5, "_index_put_") || !T(a[0], x) || !T(a[1], pos) || !T(a[2], v) || !to_shape(a[3], s) || !B(a[4], acc)) return nullptr;
  MAG_TRY ag::inplace_index_put(x, pos, v, s, acc); Py_INCREF(a[0]); return a[0]; MAG_CATCH(nullptr) }
FN(f_index_put) { A; Tensor x, pos, v; Shape s; bool acc;
  if (!a.check(5, "_index_put") || !T(a[0], x) || !T(a[1], pos) || !T(a[2], v) || !to_shape(a[3], s) || !B(a[4], acc)) return nullptr;
  MAG_TRY return wrap(ag::index_put(x, pos, v, s, acc)); MAG_CATCH(nullptr) }
// in-place view ops: kind 0 squeeze_(dims or None), 1 unsqueeze_(d), 2 transpose_(d0, d1), 3 t_()
FN(f_inplace_view) { A; Tensor x; int64_t kind; if (!a.check(4, "_inplace_view") || !T(a[0], x) || !I(a[1], kind)) return nullptr;
  std::vector<int64_t> d; bool has = false; int64_t d0 = 0, d1 = 0;
  if (kind == 0 && !OptDims(a[2], d, has)) return nullptr;
  if ((kind == 1 || kind == 2) && !I(a[2], d0)) return nullptr;
  if (kind == 2 && !I(a[3], d1)) return nullptr;
  MAG_TRY
  if (kind == 0) ag::squeeze_(x, has ? std::optional<std::vector<int64_t>>(d) : std::nullopt);
  else if (kind == 1) ag::unsqueeze_(x, d0);
  else if (kind == 2) ag::transpose_(x, d0, d1);
  else ag::t_(x);
  Py_INCREF(a[0]); return a[0];
  MAG_CATCH(nullptr) }

// --- autograd
FN(f_run_backward) {
  A; TensorList roots, grads, inputs; bool keep, create, allow_unused, accumulate;
  if (!a.check(7, "_run_backward") || !to_tensor_list(a[0], roots) || !B(a[2], keep) || !B(a[3], create) ||
      !to_tensor_list(a[4], inputs) || !B(a[5], allow_unused) || !B(a[6], accumulate)) return nullptr;
  PyObject* seq = PySequence_Fast(a[1], "grad_tensors");
  if (!seq) return nullptr;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i) {
    PyObject* g = PySequence_Fast_GET_ITEM(seq, i);
    grads.push_back(is_tensor(g) ? unwrap(g) : Tensor());
  }
  Py_DECREF(seq);
  MAG_TRY
  TensorList r = run_backward(roots, grads, keep, create, inputs, allow_unused, accumulate);
  if (accumulate) Py_RETURN_NONE;
  return wrap_list(r);
  MAG_CATCH(nullptr)
}
FN(f_set_grad_enabled) { A; bool v; if (!a.check(1, "_set_grad_enabled") || !B(a[0], v)) return nullptr; GradMode::set_enabled(v); return none(); }
FN(f_is_grad_enabled) { return PyBool_FromLong(GradMode::is_enabled()); }
FN(f_set_inference_mode) { A; bool v; if (!a.check(1, "_set_inference_mode") || !B(a[0], v)) return nullptr; InferenceMode::set_enabled(v); return none(); }
FN(f_is_inference_mode_enabled) { return PyBool_FromLong(InferenceMode::is_enabled()); }
FN(f_set_anomaly) { A; bool e, c; if (!a.check(2, "_set_anomaly") || !B(a[0], e) || !B(a[1], c)) return nullptr; AnomalyMode::set_enabled(e, c); return none(); }
FN(f_is_anomaly_enabled) { return PyBool_FromLong(AnomalyMode::is_enabled()); }
FN(f_is_anomaly_check_nan) { return PyBool_FromLong(AnomalyMode::check_nan()); }
FN(f_set_anomaly_trace) {
  A; Tensor x; if (!a.check(2, "_set_anomaly_trace") || !OptT(a[0], x)) return nullptr;
  if (x.defined() && x.grad_fn() && PyUnicode_Check(a[1])) x.grad_fn()->anomaly_trace = PyUnicode_AsUTF8(a[1]);
  return none();
}
FN(f_set_requires_grad) {
  A; Tensor x; bool v; if (!a.check(3, "_set_requires_grad") || !T(a[0], x) || !B(a[1], v)) return nullptr;
  // a[2]: the message variant to raise for integer dtypes (three in torch)
  if (v && !is_floating(x.dtype())) { PyErr_SetObject(PyExc_RuntimeError, a[2]); return nullptr; }
  if (!x.is_leaf() && !v) {
    PyErr_SetString(PyExc_RuntimeError, "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return nullptr;
  }
  if (x.is_leaf()) x.impl()->requires_grad = v;
  return none();
}
FN(f_make_subclass) {
  A; PyObject* cls; Tensor x; bool rg;
  if (!a.check(3, "_make_subclass") || !T(a[1], x) || !B(a[2], rg)) return nullptr;
  cls = a[0];
  if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject*)cls, TensorBaseType)) { PyErr_SetString(PyExc_TypeError, "cls must be a Tensor subclass"); return nullptr; }
  if (rg && !is_floating(x.dtype())) { PyErr_SetString(PyExc_RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"); return nullptr; }
  Tensor d = detach_tensor(x);
  d.impl()->requires_grad = rg;
  PyTypeObject* tp = (PyTypeObject*)cls;
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) return nullptr;
  new (&((PyTensor*)o)->t) Tensor(d);
  d.impl()->pyobj = o;
  return o;
}
FN(f_mark_inference) { A; Tensor x; if (!a.check(1, "_mark_inference") || !T(a[0], x)) return nullptr; x.impl()->ext().is_inference = true; return none(); }
FN(f_cpu_bytes_in_use) { return PyLong_FromLongLong(cpu_bytes_in_use()); }
FN(f_is_inference) { A; Tensor x; if (!a.check(1, "_is_inference") || !T(a[0], x)) return nullptr; return PyBool_FromLong(x.impl()->extra && x.impl()->extra->is_inference); }
FN(f_set_tensor_class) { A; if (!a.check(1, "_set_tensor_class")) return nullptr; Py_INCREF(a[0]); tensor_class = (PyTypeObject*)a[0]; return none(); }
FN(f_set_size_class) { A; if (!a.check(1, "_set_size_class")) return nullptr; Py_INCREF(a[0]); size_class = a[0]; return none(); }
FN(f_set_cpu_device) { A; if (!a.check(1, "_set_cpu_device")) return nullptr; set_cpu_device(a[0]); return none(); }
FN(f_set_blas_path) { A; if (!a.check(1, "_set_blas_path") || !PyUnicode_Check(a[0])) return nullptr; set_blas_path(PyUnicode_AsUTF8(a[0])); return none(); }
FN(f_set_default_dtype) { A; DType d; if (!a.check(1, "_set_default_dtype") || !to_dtype(a[0], d)) return nullptr; native::set_default_float_dtype(d); return none(); }
FN(f_get_default_dtype) { return dtype_obj(native::default_float_dtype()); }

// --- creation and data exchange
FN(f_empty) { A; Shape s; DType d; if (!a.check(2, "_empty") || !to_shape(a[0], s) || !to_dtype(a[1], d)) return nullptr;
  MAG_TRY return wrap(empty(s, d)); MAG_CATCH(nullptr) }
FN(f_full) { A; Shape s; Scalar v; DType d; if (!a.check(3, "_full") || !to_shape(a[0], s) || !to_scalar(a[1], v) || !to_dtype(a[2], d)) return nullptr;
  MAG_TRY return wrap(native::full(s, v, d)); MAG_CATCH(nullptr) }
FN(f_arange) { A; double s, e, st; DType d; if (!a.check(4, "_arange") || !D(a[0], s) || !D(a[1], e) || !D(a[2], st) || !to_dtype(a[3], d)) return nullptr;
  MAG_TRY return wrap(native::arange(s, e, st, d)); MAG_CATCH(nullptr) }
FN(f_linspace) { A; double s, e; int64_t n; DType d; if (!a.check(4, "_linspace") || !D(a[0], s) || !D(a[1], e) || !I(a[2], n) || !to_dtype(a[3], d)) return nullptr;
  MAG_TRY return wrap(native::linspace(s, e, n, d)); MAG_CATCH(nullptr) }
FN(f_eye) { A; int64_t n, m; DType d; if (!a.check(3, "_eye") || !I(a[0], n) || !I(a[1], m) || !to_dtype(a[2], d)) return nullptr;
  MAG_TRY return wrap(native::eye(n, m, d)); MAG_CATCH(nullptr) }

// _from_flat(list_of_python_numbers, shape, dtype): values are cast like torch.tensor does
FN(f_from_flat) {
  A; Shape s; DType d;
  if (!a.check(3, "_from_flat") || !to_shape(a[1], s) || !to_dtype(a[2], d)) return nullptr;
  PyObject* seq = PySequence_Fast(a[0], "values");
  if (!seq) return nullptr;
  MAG_TRY
  Tensor t = empty(s, d);
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  if (n != t.numel()) { Py_DECREF(seq); MAG_THROW(Runtime, "internal: value count mismatch"); }
  Tensor tmp = empty(Shape(), d);
  for (Py_ssize_t i = 0; i < n; ++i) {
    Scalar v;
    if (!to_scalar(PySequence_Fast_GET_ITEM(seq, i), v)) { Py_DECREF(seq); return nullptr; }
    Tensor dst = make_view(t, Shape(), Shape(), i);
    native::fill_(dst, v);
  }
  Py_DECREF(seq);
  return wrap(t);
  MAG_CATCH(nullptr)
}

// _from_buffer(bytes-like, shape, dtype): a copy of raw bytes
FN(f_from_buffer) {
  A; Shape s; DType d;
  if (!a.check(3, "_from_buffer") || !to_shape(a[1], s) || !to_dtype(a[2], d)) return nullptr;
  Py_buffer view;
  if (PyObject_GetBuffer(a[0], &view, PyBUF_SIMPLE) < 0) return nullptr;
  MAG_TRY
  Tensor t = empty(s, d);
  size_t nb = (size_t)t.numel() * itemsize(d);
  if ((size_t)view.len != nb) { PyBuffer_Release(&view); MAG_THROW(Runtime, "buffer has ", view.len, " bytes, expected ", nb); }
  if (nb) std::memcpy(t.data(), view.buf, nb);
  PyBuffer_Release(&view);
  return wrap(t);
  MAG_CATCH(nullptr)
}

static void decref_owner(void* ctx, void*) {
  PyGILState_STATE st = PyGILState_Ensure();
  Py_DECREF((PyObject*)ctx);
  PyGILState_Release(st);
}

// _from_pointer(owner, address, nbytes, shape, strides_elems, dtype): shares the owner's memory (from_numpy)
FN(f_from_pointer) {
  A; int64_t addr, nbytes; Shape s, st; DType d;
  if (!a.check(6, "_from_pointer") || !I(a[1], addr) || !I(a[2], nbytes) || !to_shape(a[3], s) || !to_shape(a[4], st) || !to_dtype(a[5], d)) return nullptr;
  MAG_TRY
  auto storage = make_rc<Storage>();
  storage->data = (void*)addr;
  storage->nbytes = (size_t)nbytes;
  Py_INCREF(a[0]);
  storage->ctx = a[0];
  storage->deleter = decref_owner;
  auto impl = make_rc<TensorImpl>();
  impl->storage = storage;
  impl->sizes = s;
  impl->strides = st;
  impl->refresh_numel();
  impl->dtype = d;
  impl->version = make_rc<VersionCounter>();
  return wrap(Tensor(impl));
  MAG_CATCH(nullptr)
}

// _array_info(t) -> (address, nbytes_of_view_span, shape, strides_in_bytes)
FN(f_array_info) {
  A; Tensor x; if (!a.check(1, "_array_info") || !T(a[0], x)) return nullptr;
  PyObject* shape = PyTuple_New(x.dim());
  PyObject* strides = PyTuple_New(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) {
    PyTuple_SET_ITEM(shape, i, PyLong_FromLongLong(x.sizes()[i]));
    PyTuple_SET_ITEM(strides, i, PyLong_FromLongLong(x.strides()[i] * itemsize(x.dtype())));
  }
  return Py_BuildValue("(LNN)", (long long)(intptr_t)x.data(), shape, strides);
}

FN(f_tolist) {
  A; Tensor x; if (!a.check(1, "_tolist") || !T(a[0], x)) return nullptr;
  MAG_TRY
  Tensor c = native::contiguous(host_readable(x));
  int64_t n = c.numel();
  PyObject* flat = PyList_New(n);
  for (int64_t i = 0; i < n; ++i) {
    PyObject* v;
    switch (c.dtype()) {
      case DType::Float32: v = PyFloat_FromDouble(c.data_as<float>()[i]); break;
      case DType::Float64: v = PyFloat_FromDouble(c.data_as<double>()[i]); break;
      case DType::Float16: v = PyFloat_FromDouble((float)c.data_as<Half>()[i]); break;
      case DType::BFloat16: v = PyFloat_FromDouble((float)c.data_as<BFloat16>()[i]); break;
      case DType::Bool: v = PyBool_FromLong(c.data_as<bool>()[i]); break;
      case DType::Int64: v = PyLong_FromLongLong(c.data_as<int64_t>()[i]); break;
      case DType::Int32: v = PyLong_FromLong(c.data_as<int32_t>()[i]); break;
      case DType::Int16: v = PyLong_FromLong(c.data_as<int16_t>()[i]); break;
      case DType::Int8: v = PyLong_FromLong(c.data_as<int8_t>()[i]); break;
      default: v = PyLong_FromLong(c.data_as<uint8_t>()[i]); break;
    }
    PyList_SET_ITEM(flat, i, v);
  }
  // nest from the innermost dim outward
  PyObject* cur = flat;
  for (int64_t d = c.dim() - 1; d >= 1; --d) {
    int64_t sz = c.sizes()[d];
    Py_ssize_t m = PyList_GET_SIZE(cur) / (sz ? sz : 1);
    if (sz == 0) m = shape_numel(Shape(c.sizes().data(), (size_t)d));
    PyObject* next = PyList_New(m);
    for (Py_ssize_t j = 0; j < m; ++j) {
      PyObject* row = PyList_GetSlice(cur, j * sz, (j + 1) * sz);
      PyList_SET_ITEM(next, j, row);
    }
    Py_DECREF(cur);
    cur = next;
  }
  if (c.dim() == 0) { PyObject* v = PyList_GET_ITEM(cur, 0); Py_INCREF(v); Py_DECREF(cur); return v; }
  return cur;
  MAG_CATCH(nullptr)
}
FN(f_item) {
  A; Tensor x; if (!a.check(1, "_item") || !T(a[0], x)) return nullptr;
  if (x.numel() != 1) { PyErr_Format(PyExc_RuntimeError, "a Tensor with %lld elements cannot be converted to Scalar", (long long)x.numel()); return nullptr; }
  MAG_TRY return item_of(x); MAG_CATCH(nullptr)
}
FN(f_meta) {
  // (storage_offset, strides, is_contiguous, data_ptr, storage nbytes)
  A; Tensor x; if (!a.check(1, "_meta") || !T(a[0], x)) return nullptr;
  PyObject* st = PyTuple_New(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) PyTuple_SET_ITEM(st, i, PyLong_FromLongLong(x.strides()[i]));
  return Py_BuildValue("(LNOLL)", (long long)x.offset(), st, x.is_contiguous() ? Py_True : Py_False,
                       (long long)(intptr_t)x.data(), (long long)x.impl()->storage->nbytes);
}
FN(f_same_storage) { A; Tensor x, y; if (!a.check(2, "_same_storage") || !T(a[0], x) || !T(a[1], y)) return nullptr;
  return PyBool_FromLong(x.impl()->storage == y.impl()->storage); }
FN(f_storage_bytes) {
  A; Tensor x; if (!a.check(1, "_storage_bytes") || !T(a[0], x)) return nullptr;
  MAG_TRY
  const Storage& st = *x.impl()->storage;
  if (!st.device.is_cpu()) {  // the whole device storage, copied to the host (torch.save)
    PyObject* b = PyBytes_FromStringAndSize(nullptr, (Py_ssize_t)st.nbytes);
    if (b && st.nbytes)
      require_cuda(st.device.index).memcpy(PyBytes_AS_STRING(b), st.data, st.nbytes, CopyKind::DeviceToHost, false, st.device.index);
    return b;
  }
  return PyBytes_FromStringAndSize((const char*)st.data, (Py_ssize_t)st.nbytes);
  MAG_CATCH(nullptr)
}

// --- random
static CPUGenerator& gen_of(PyObject* o) {
  if (o == Py_None) return default_generator();
  return *(CPUGenerator*)PyCapsule_GetPointer(o, "mag.gen");
}
static void gen_free(PyObject* cap) { delete (CPUGenerator*)PyCapsule_GetPointer(cap, "mag.gen"); }
FN(f_generator_new) { return PyCapsule_New(new CPUGenerator(), "mag.gen", gen_free); }
FN(f_default_generator) { return PyCapsule_New(&default_generator(), "mag.gen_default", nullptr); }
static CPUGenerator* gen_ptr(PyObject* o) {
  if (o == Py_None) return &default_generator();
  if (PyCapsule_IsValid(o, "mag.gen")) return (CPUGenerator*)PyCapsule_GetPointer(o, "mag.gen");
  if (PyCapsule_IsValid(o, "mag.gen_default")) return (CPUGenerator*)PyCapsule_GetPointer(o, "mag.gen_default");
  PyErr_SetString(PyExc_TypeError, "expected a Generator");
  return nullptr;
}
FN(f_manual_seed) { A; if (!a.check(2, "_manual_seed")) return nullptr; CPUGenerator* g = gen_ptr(a[0]); if (!g) return nullptr;
  unsigned long long s = PyLong_AsUnsignedLongLongMask(a[1]); if (PyErr_Occurred()) return nullptr; g->manual_seed(s); return none(); }
FN(f_initial_seed) { A; if (!a.check(1, "_initial_seed")) return nullptr; CPUGenerator* g = gen_ptr(a[0]); if (!g) return nullptr;
  return PyLong_FromUnsignedLongLong(g->initial_seed()); }
FN(f_get_rng_state) { A; if (!a.check(1, "_get_rng_state")) return nullptr; CPUGenerator* g = gen_ptr(a[0]); if (!g) return nullptr;
  std::vector<uint8_t> buf(kRngStateBytes); g->get_state(buf.data());
  return PyBytes_FromStringAndSize((const char*)buf.data(), (Py_ssize_t)buf.size()); }
FN(f_set_rng_state) { A; if (!a.check(2, "_set_rng_state")) return nullptr; CPUGenerator* g = gen_ptr(a[0]); if (!g) return nullptr;
  Py_buffer v; if (PyObject_GetBuffer(a[1], &v, PyBUF_SIMPLE) < 0) return nullptr;
  size_t len = (size_t)v.len;
  bool ok = g->set_state((const uint8_t*)v.buf, len); PyBuffer_Release(&v);
  if (!ok && len != kRngStateBytes) { PyErr_Format(PyExc_RuntimeError, "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be %zu", len); return nullptr; }
  if (!ok) { PyErr_SetString(PyExc_RuntimeError, "Invalid mt19937 state"); return nullptr; }
  return none(); }

// The generator a random op uses: the given one, else the default generator of the tensor's
// device (CUDA tensors draw from their device's generator, torch.cuda.manual_seed seeds it).
CPUGenerator& cuda_default_generator(int index);
static CPUGenerator* gen_for(PyObject* g, PyObject* tobj) {
  if (g == Py_None && is_tensor(tobj) && !unwrap(tobj).device().is_cpu())
    return &cuda_default_generator(unwrap(tobj).device().index);
  return gen_ptr(g);
}

// fill helpers: contiguous tensors are filled in place; others in memory order (via a stride-sorted permutation)
template <typename F>
static PyObject* random_fill(PyObject* tobj, F&& fill) {
  MAG_TRY
  const Tensor& t = unwrap(tobj);
  check_inplace(t);
  if (!t.device().is_cpu()) {
    // CUDA: the values are drawn on the host (from the device's generator) and copied over
    Tensor tmp = empty(t.sizes(), t.dtype());
    fill(tmp.data(), tmp.numel(), tmp.numel() >= 16);
    native::copy_(t, tmp);
  } else if (t.is_contiguous()) fill(t.data(), t.numel(), t.numel() >= 16);
  else {
    // torch visits a non-contiguous output in memory order: permute dims by stride first
    std::vector<int64_t> perm(t.dim());
    for (int64_t i = 0; i < t.dim(); ++i) perm[i] = i;
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return t.strides()[a] > t.strides()[b]; });
    Tensor pv = native::permute(t, perm);
    if (pv.is_contiguous()) {
      fill(pv.data(), pv.numel(), false);
    } else {
      Tensor tmp = empty(pv.sizes(), t.dtype());
      fill(tmp.data(), tmp.numel(), false);
      native::copy_(pv, tmp);
    }
  }
  t.bump_version();
  Py_INCREF(tobj);
  return tobj;
  MAG_CATCH(nullptr)
}
FN(f_uniform_) { A; Tensor x; double lo, hi; if (!a.check(4, "_uniform_") || !T(a[0], x) || !D(a[1], lo) || !D(a[2], hi)) return nullptr;
  CPUGenerator* g = gen_for(a[3], a[0]); if (!g) return nullptr;
  return random_fill(a[0], [&](void* p, int64_t n, bool) { fill_uniform(*g, x.dtype(), p, n, lo, hi); }); }
FN(f_normal_) { A; Tensor x; double m, s; if (!a.check(4, "_normal_") || !T(a[0], x) || !D(a[1], m) || !D(a[2], s)) return nullptr;
  CPUGenerator* g = gen_for(a[3], a[0]); if (!g) return nullptr;
  return random_fill(a[0], [&](void* p, int64_t n, bool vec) { fill_normal(*g, x.dtype(), p, n, m, s, vec); }); }
FN(f_random_) { A; Tensor x; int64_t lo; if (!a.check(4, "_random_") || !T(a[0], x) || !I(a[1], lo)) return nullptr;
  CPUGenerator* g = gen_for(a[3], a[0]); if (!g) return nullptr;
  if (a[2] == Py_None) return random_fill(a[0], [&](void* p, int64_t n, bool) { fill_random_default(*g, x.dtype(), p, n); });
  // 'to' is exclusive and may be 2**63 (random_(from, None) on int64), so the range is taken in Python ints
  PyObject* diff = PyNumber_Subtract(a[2], a[1]); if (!diff) return nullptr;
  int positive = PyObject_RichCompareBool(diff, PyLong_FromLong(0) /* small ints are immortal */, Py_GT);
  if (positive <= 0) { Py_DECREF(diff);
    if (positive == 0) PyErr_Format(PyExc_RuntimeError, "random_ expects 'from' to be less than 'to', but got from=%S >= to=%S", a[1], a[2]);
    return nullptr; }
  uint64_t range = PyLong_AsUnsignedLongLongMask(diff); Py_DECREF(diff);
  if (range == (uint64_t)-1 && PyErr_Occurred()) return nullptr;
  return random_fill(a[0], [&](void* p, int64_t n, bool) { fill_random_from_to(*g, x.dtype(), p, n, lo, range); }); }
FN(f_random_full) { A; Tensor x; if (!a.check(2, "_random_full") || !T(a[0], x)) return nullptr;
  CPUGenerator* g = gen_for(a[1], a[0]); if (!g) return nullptr;
  // random_(-2**63, None): the whole 64-bit range (range 0 means 2**64)
  return random_fill(a[0], [&](void* p, int64_t n, bool) { fill_random_from_to(*g, x.dtype(), p, n, INT64_MIN, 0); }); }
FN(f_bernoulli_) { A; Tensor x; if (!a.check(3, "_bernoulli_") || !T(a[0], x)) return nullptr;
  CPUGenerator* g = gen_for(a[2], a[0]); if (!g) return nullptr;
  if (is_tensor(a[1])) {
    Tensor p = native::contiguous(host_readable(native::expand_to(unwrap(a[1]), x.sizes())));
    return random_fill(a[0], [&](void* out, int64_t n, bool) { fill_bernoulli_tensor(*g, x.dtype(), out, p.dtype(), p.data(), n); });
  }
  double p; if (!D(a[1], p)) return nullptr;
  if (!(p >= 0 && p <= 1)) { PyErr_Format(PyExc_RuntimeError, "bernoulli_ expects p to be in [0, 1], but got p=%g", p); return nullptr; }
  return random_fill(a[0], [&](void* out, int64_t n, bool) { fill_bernoulli_scalar(*g, x.dtype(), out, n, p); }); }
FN(f_exponential_) { A; Tensor x; double l; if (!a.check(3, "_exponential_") || !T(a[0], x) || !D(a[1], l)) return nullptr;
  CPUGenerator* g = gen_for(a[2], a[0]); if (!g) return nullptr;
  return random_fill(a[0], [&](void* p, int64_t n, bool) { fill_exponential(*g, x.dtype(), p, n, l); }); }
FN(f_randperm) { A; int64_t n; if (!a.check(2, "_randperm") || !I(a[0], n)) return nullptr;
  CPUGenerator* g = gen_ptr(a[1]); if (!g) return nullptr;
  MAG_TRY
  MAG_CHECK(n >= 0, "n must be non-negative, got", n);
  Tensor t = empty(Shape{n}, DType::Int64);
  fill_randperm(*g, t.data_as<int64_t>(), n);
  return wrap(t);
  MAG_CATCH(nullptr) }

FN(f_set_num_threads) { A; int64_t n; if (!a.check(1, "_set_num_threads") || !I(a[0], n)) return nullptr;
  MAG_TRY set_num_threads((int)n); return none(); MAG_CATCH(nullptr) }
FN(f_get_num_threads) { return PyLong_FromLong(get_num_threads()); }

FN(f_register_hook) {
  PyObject* tuple = PyTuple_New(nargs_);
  if (!tuple) return nullptr;
  for (Py_ssize_t i = 0; i < nargs_; ++i) { Py_INCREF(args_[i]); PyTuple_SET_ITEM(tuple, i, args_[i]); }
  PyObject* r = tensor_register_hook(nullptr, tuple);
  Py_DECREF(tuple);
  return r;
}
FN(f_retain_grad) { A; if (!a.check(1, "_retain_grad")) return nullptr; return tensor_retain_grad(nullptr, a[0]); }

#define DEF(name, fn) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL, nullptr}
PyMethodDef function_defs[] = {
    DEF("_unary", f_unary), DEF("_binary", f_binary), DEF("_pow", f_pow), DEF("_rsub", f_rsub), DEF("_div_mode", f_div_mode),
    DEF("_where", f_where), DEF("_clamp", f_clamp),
    DEF("_sum", f_sum), DEF("_mean", f_mean), DEF("_prod", f_prod), DEF("_amax", f_amax), DEF("_max_all", f_max_all),
    DEF("_max_dim", f_max_dim), DEF("_argmax", f_argmax), DEF("_all_any", f_all_any), DEF("_var", f_var),
    DEF("_norm", f_norm), DEF("_logsumexp", f_logsumexp), DEF("_softmax", f_softmax), DEF("_cumsum", f_cumsum),
    DEF("_view", f_view), DEF("_reshape", f_reshape), DEF("_permute", f_permute), DEF("_transpose", f_transpose),
    DEF("_t", f_t), DEF("_expand", f_expand), DEF("_infer_size", f_infer_size), DEF("_squeeze", f_squeeze), DEF("_unsqueeze", f_unsqueeze),
    DEF("_select", f_select), DEF("_slice", f_slice), DEF("_as_strided", f_as_strided), DEF("_clone", f_clone),
    DEF("_contiguous", f_contiguous), DEF("_to_dtype", f_to_dtype), DEF("_detach", f_detach), DEF("_unbind", f_unbind),
    DEF("_split", f_split), DEF("_cat", f_cat), DEF("_stack", f_stack), DEF("_index_select", f_index_select),
    DEF("_index_flat", f_index_flat), DEF("_gather", f_gather), DEF("_scatter", f_scatter),
    DEF("_masked_fill", f_masked_fill), DEF("_split_with_sizes", f_split_with_sizes), DEF("_alias", f_alias), DEF("_index_add", f_index_add), DEF("_nonzero", f_nonzero),
    DEF("_mm", f_mm), DEF("_bmm", f_bmm), DEF("_mv", f_mv), DEF("_dot", f_dot), DEF("_matmul", f_matmul),
    DEF("_addmm", f_addmm), DEF("_mse_loss", f_mse_loss), DEF("_nll_loss", f_nll_loss), DEF("_bce", f_bce),
    DEF("_bce_logits", f_bce_logits), DEF("_leaky_relu", f_leaky_relu), DEF("_elu", f_elu), DEF("_gelu", f_gelu),
    DEF("_softplus", f_softplus), DEF("_hardtanh", f_hardtanh),
    DEF("_inplace_binary", f_inplace_binary), DEF("_inplace_unary", f_inplace_unary), DEF("_copy_", f_copy_),
    DEF("_fill_", f_fill_), DEF("_zero_", f_zero_), DEF("_clamp_", f_clamp_), DEF("_masked_fill_", f_masked_fill_),
    DEF("_inplace_assign", f_inplace_assign), DEF("_index_put_", f_index_put_), DEF("_index_put", f_index_put),
    DEF("_inplace_view", f_inplace_view), DEF("_layer_norm", f_layer_norm), DEF("_batch_norm", f_batch_norm),
    DEF("_embedding", f_embedding), DEF("_smooth_l1_loss", f_smooth_l1_loss), DEF("_huber_loss", f_huber_loss),
    DEF("_run_backward", f_run_backward), DEF("_set_grad_enabled", f_set_grad_enabled),
    DEF("_is_grad_enabled", f_is_grad_enabled), DEF("_set_inference_mode", f_set_inference_mode),
    DEF("_is_inference_mode_enabled", f_is_inference_mode_enabled), DEF("_set_anomaly", f_set_anomaly),
    DEF("_is_anomaly_enabled", f_is_anomaly_enabled), DEF("_is_anomaly_check_nan", f_is_anomaly_check_nan),
    DEF("_set_anomaly_trace", f_set_anomaly_trace), DEF("_set_requires_grad", f_set_requires_grad),
    DEF("_make_subclass", f_make_subclass), DEF("_mark_inference", f_mark_inference), DEF("_is_inference", f_is_inference), DEF("_cpu_bytes_in_use", f_cpu_bytes_in_use),
    DEF("_set_tensor_class", f_set_tensor_class), DEF("_set_size_class", f_set_size_class),
    DEF("_set_cpu_device", f_set_cpu_device), DEF("_set_blas_path", f_set_blas_path),
    DEF("_set_default_dtype", f_set_default_dtype), DEF("_get_default_dtype", f_get_default_dtype),
    DEF("_empty", f_empty), DEF("_full", f_full), DEF("_arange", f_arange), DEF("_linspace", f_linspace), DEF("_eye", f_eye),
    DEF("_from_flat", f_from_flat), DEF("_from_buffer", f_from_buffer), DEF("_from_pointer", f_from_pointer),
    DEF("_array_info", f_array_info), DEF("_tolist", f_tolist), DEF("_item", f_item), DEF("_meta", f_meta),
    DEF("_same_storage", f_same_storage), DEF("_storage_bytes", f_storage_bytes),
    DEF("_generator_new", f_generator_new), DEF("_default_generator", f_default_generator),
    DEF("_manual_seed", f_manual_seed), DEF("_initial_seed", f_initial_seed), DEF("_get_rng_state", f_get_rng_state),
    DEF("_set_rng_state", f_set_rng_state), DEF("_uniform_", f_uniform_), DEF("_normal_", f_normal_),
    DEF("_random_", f_random_), DEF("_random_full", f_random_full), DEF("_bernoulli_", f_bernoulli_), DEF("_exponential_", f_exponential_),
    DEF("_randperm", f_randperm), DEF("_set_num_threads", f_set_num_threads), DEF("_get_num_threads", f_get_num_threads), DEF("_register_hook", f_register_hook), DEF("_retain_grad", f_retain_grad),
    {"_function_record", function_record, METH_VARARGS, nullptr}, {"_set_node_factories", set_node_factories, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr}};
#undef DEF

}  // namespace py
}  // namespace mag
