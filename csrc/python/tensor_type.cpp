// tensor_type.cpp: the _C.TensorBase type: allocation, number slots (operators run here, with
// no Python frames), comparisons and the attribute getters/setters torch exposes.
#include "python/common.h"

namespace mag {
namespace py {

static PyObject* cpu_device = nullptr;

static void tensor_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  PyTensor* p = (PyTensor*)self;
  if (p->weakrefs) PyObject_ClearWeakRefs(self);
  Py_CLEAR(p->dict);
  if (p->t.defined() && p->t.impl()->pyobj == self) p->t.impl()->pyobj = nullptr;
  p->t.~Tensor();
  if (tensor_freelist_push(self)) return;  // Note [tensor object freelist]
  Py_TYPE(self)->tp_free(self);
}

static int tensor_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(((PyTensor*)self)->dict);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

static int tensor_clear(PyObject* self) {
  Py_CLEAR(((PyTensor*)self)->dict);
  return 0;
}

static PyObject* tensor_new(PyTypeObject* type, PyObject*, PyObject*) {
  PyObject* o = type->tp_alloc(type, 0);
  if (!o) return nullptr;
  new (&((PyTensor*)o)->t) Tensor(native::zeros(Shape{0}, native::default_float_dtype()));
  ((PyTensor*)o)->t.impl()->pyobj = o;
  return o;
}

// --- operators
// an operand that is no number: NotImplemented (Python tries the reflected op), except an int
// too big for any tensor dtype, which is torch's OverflowError
static PyObject* not_a_number() {
  if (PyErr_ExceptionMatches(PyExc_OverflowError)) return nullptr;
  PyErr_Clear();
  Py_RETURN_NOTIMPLEMENTED;
}

static PyObject* binary_slot(BinaryOp op, PyObject* a, PyObject* b) {
  MAG_TRY
  Tensor ta, tb;
  if (!is_tensor(a)) {
    // reflected operand: a is a number, b the tensor
    if (!to_tensor_or_scalar(a, ta)) return not_a_number();
    tb = unwrap(b);
    switch (op) {
      case BinaryOp::Sub: {
        Scalar s; to_scalar(a, s);
        return wrap(ag::rsub_scalar(tb, s, Scalar::from_int(1)));
      }
      case BinaryOp::Div: {
        // torch: number / t == reciprocal(t) * number
        Tensor r = ag::unary(UnaryOp::Reciprocal, tb);
        return wrap(ag::mul(r, ta));
      }
      case BinaryOp::Pow: {
        Scalar s; to_scalar(a, s);
        return wrap(ag::rpow_scalar(s, tb));
      }
      case BinaryOp::Add: case BinaryOp::Mul:
        return wrap(ag::binary(op, tb, ta));
      default:
        return wrap(ag::binary(op, ta, tb));
    }
  }
  ta = unwrap(a);
  if (!to_tensor_or_scalar(b, tb)) return not_a_number();
  if (op == BinaryOp::Pow && tb.impl()->is_wrapped_number) {
    Scalar s; to_scalar(b, s);
    return wrap(ag::pow_scalar(ta, s));
  }
  Tensor r;
  r = ag::binary(op, ta, tb);
  return wrap(r);
  MAG_CATCH(nullptr)
}

static PyObject* inplace_slot(BinaryOp op, PyObject* a, PyObject* b) {
  MAG_TRY
  Tensor tb;
  if (!to_tensor_or_scalar(b, tb)) return not_a_number();
  ag::inplace_binary(op, unwrap(a), tb);
  Py_INCREF(a);
  return a;
  MAG_CATCH(nullptr)
}

#define BIN(name, op) static PyObject* name(PyObject* a, PyObject* b) { return binary_slot(BinaryOp::op, a, b); }
#define INP(name, op) static PyObject* name(PyObject* a, PyObject* b) { return inplace_slot(BinaryOp::op, a, b); }
BIN(nb_add, Add) BIN(nb_sub, Sub) BIN(nb_mul, Mul) BIN(nb_div, Div) BIN(nb_floordiv, FloorDivide)
BIN(nb_mod, Remainder) BIN(nb_and, BitAnd) BIN(nb_or, BitOr) BIN(nb_xor, BitXor)
INP(nb_iadd, Add) INP(nb_isub, Sub) INP(nb_imul, Mul) INP(nb_idiv, Div) INP(nb_ifloordiv, FloorDivide)
INP(nb_imod, Remainder) INP(nb_iand, BitAnd) INP(nb_ior, BitOr) INP(nb_ixor, BitXor)
#undef BIN
#undef INP

static PyObject* nb_pow(PyObject* a, PyObject* b, PyObject*) { return binary_slot(BinaryOp::Pow, a, b); }
static PyObject* nb_ipow(PyObject* a, PyObject* b, PyObject*) { return inplace_slot(BinaryOp::Pow, a, b); }

static PyObject* nb_neg(PyObject* a) { MAG_TRY return wrap(ag::neg(unwrap(a))); MAG_CATCH(nullptr) }
static PyObject* nb_pos(PyObject* a) { Py_INCREF(a); return a; }
static PyObject* nb_abs(PyObject* a) { MAG_TRY return wrap(ag::unary(UnaryOp::Abs, unwrap(a))); MAG_CATCH(nullptr) }
static PyObject* nb_invert(PyObject* a) {
  MAG_TRY
  const Tensor& t = unwrap(a);
  if (t.dtype() == DType::Bool) return wrap(native::binary(BinaryOp::LogicalXor, t, native::wrapped_scalar(Scalar::from_bool(true))));
  if (is_floating(t.dtype())) MAG_THROW(Type, "ufunc 'invert' not supported for the input types");
  return wrap(native::binary(BinaryOp::BitXor, t, native::wrapped_scalar(Scalar::from_int(-1))));
  MAG_CATCH(nullptr)
}

static PyObject* nb_matmul(PyObject* a, PyObject* b) {
  if (!is_tensor(a) || !is_tensor(b)) Py_RETURN_NOTIMPLEMENTED;
  MAG_TRY
  Tensor x = unwrap(a), y = unwrap(b), r;
  r = ag::matmul(x, y);
  return wrap(r);
  MAG_CATCH(nullptr)
}

PyObject* item_of(const Tensor& t) {
  Tensor c = native::contiguous(host_readable(t));
  switch (c.dtype()) {
    case DType::Bool: return PyBool_FromLong(*c.data_as<bool>());
    case DType::Float32: return PyFloat_FromDouble(*c.data_as<float>());
    case DType::Float64: return PyFloat_FromDouble(*c.data_as<double>());
    case DType::Float16: return PyFloat_FromDouble((float)*c.data_as<Half>());
    case DType::BFloat16: return PyFloat_FromDouble((float)*c.data_as<BFloat16>());
    default: {
      Tensor l = native::to_dtype(c, DType::Int64);
      return PyLong_FromLongLong(*l.data_as<int64_t>());
    }
  }
}

static int nb_bool(PyObject* a) {
  const Tensor& t = unwrap(a);
  if (t.numel() != 1) {
    PyErr_SetString(PyExc_RuntimeError, t.numel() == 0 ? "Boolean value of Tensor with no values is ambiguous"
                                                       : "Boolean value of Tensor with more than one value is ambiguous");
    return -1;
  }
  PyObject* v = item_of(t);
  int r = PyObject_IsTrue(v);
  Py_DECREF(v);
  return r;
}

static PyObject* nb_float(PyObject* a) {
  const Tensor& t = unwrap(a);
  if (t.numel() != 1) { PyErr_SetString(PyExc_ValueError, "only one element tensors can be converted to Python scalars"); return nullptr; }
  PyObject* v = item_of(t);
  PyObject* r = PyNumber_Float(v);
  Py_DECREF(v);
  return r;
}

static PyObject* nb_int(PyObject* a) {
  const Tensor& t = unwrap(a);
  if (t.numel() != 1) { PyErr_SetString(PyExc_ValueError, "only one element tensors can be converted to Python scalars"); return nullptr; }
  PyObject* v = item_of(t);
  PyObject* r = PyNumber_Long(v);
  Py_DECREF(v);
  return r;
}

static PyObject* nb_index(PyObject* a) {
  const Tensor& t = unwrap(a);
  if (t.numel() != 1 || is_floating(t.dtype())) {
    PyErr_SetString(PyExc_TypeError, "only integer tensors of a single element can be converted to an index");
    return nullptr;
  }
  return item_of(t);
}

static PyNumberMethods number_methods = [] {
  PyNumberMethods n{};
  n.nb_add = nb_add; n.nb_subtract = nb_sub; n.nb_multiply = nb_mul; n.nb_true_divide = nb_div;
  n.nb_floor_divide = nb_floordiv; n.nb_remainder = nb_mod; n.nb_power = nb_pow;
  n.nb_and = nb_and; n.nb_or = nb_or; n.nb_xor = nb_xor;
  n.nb_inplace_add = nb_iadd; n.nb_inplace_subtract = nb_isub; n.nb_inplace_multiply = nb_imul;
  n.nb_inplace_true_divide = nb_idiv; n.nb_inplace_floor_divide = nb_ifloordiv; n.nb_inplace_remainder = nb_imod;
  n.nb_inplace_power = nb_ipow; n.nb_inplace_and = nb_iand; n.nb_inplace_or = nb_ior; n.nb_inplace_xor = nb_ixor;
  n.nb_negative = nb_neg; n.nb_positive = nb_pos; n.nb_absolute = nb_abs; n.nb_invert = nb_invert;
  n.nb_bool = nb_bool; n.nb_float = nb_float; n.nb_int = nb_int; n.nb_index = nb_index;
  n.nb_matrix_multiply = nb_matmul;
  return n;
}();

static PyObject* richcompare(PyObject* a, PyObject* b, int op) {
  if (!is_tensor(a)) Py_RETURN_NOTIMPLEMENTED;
  MAG_TRY
  Tensor tb;
  if (b == Py_None || !to_tensor_or_scalar(b, tb)) {
    if (b != Py_None && PyErr_ExceptionMatches(PyExc_OverflowError)) return nullptr;
    PyErr_Clear();
    if (op == Py_EQ) Py_RETURN_FALSE;
    if (op == Py_NE) Py_RETURN_TRUE;
    Py_RETURN_NOTIMPLEMENTED;
  }
  BinaryOp bop;
  switch (op) {
    case Py_LT: bop = BinaryOp::Lt; break;
    case Py_LE: bop = BinaryOp::Le; break;
    case Py_EQ: bop = BinaryOp::Eq; break;
    case Py_NE: bop = BinaryOp::Ne; break;
    case Py_GT: bop = BinaryOp::Gt; break;
    default: bop = BinaryOp::Ge; break;
  }
  return wrap(native::binary(bop, unwrap(a), tb));
  MAG_CATCH(nullptr)
}

static Py_hash_t tensor_hash(PyObject* self) { return _Py_HashPointer(self); }

// --- attributes
static PyObject* get_shape(PyObject* self, void*) { return size_to_py(unwrap(self).sizes()); }
static PyObject* get_dtype(PyObject* self, void*) { return dtype_obj(unwrap(self).dtype()); }
static PyObject* get_device(PyObject* self, void*) {
  Device d = unwrap(self).device();
  if (!d.is_cpu() && cpu_device)  // torch.device('cuda', index), from the class of the cached cpu device
    return PyObject_CallFunction((PyObject*)Py_TYPE(cpu_device), "si", "cuda", (int)d.index);
  if (cpu_device) { Py_INCREF(cpu_device); return cpu_device; }
  return PyUnicode_FromString("cpu");
}
static PyObject* get_requires_grad(PyObject* self, void*) { return PyBool_FromLong(unwrap(self).requires_grad()); }
static int set_requires_grad(PyObject* self, PyObject* v, void*) {
  const Tensor& t = unwrap(self);
  int want = PyObject_IsTrue(v);
  if (want < 0) return -1;
  if (!t.is_leaf()) {
    PyErr_SetString(PyExc_RuntimeError, "you can only change requires_grad flags of leaf variables.");
    if (want) { PyErr_Clear(); return 0; }
    PyErr_SetString(PyExc_RuntimeError, "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return -1;
  }
  if (want && !is_floating(t.dtype())) {
    PyErr_SetString(PyExc_RuntimeError, "only Tensors of floating point and complex dtype can require gradients");
    return -1;
  }
  t.impl()->requires_grad = want;
  return 0;
}
static PyObject* get_grad(PyObject* self, void*) {
  const Tensor& t = unwrap(self);
  if (!t.is_leaf() && !(t.impl()->extra && t.impl()->extra->retains_grad)) {
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)", 1) < 0)
      return nullptr;
  }
  if (!t.impl()->extra || !t.impl()->extra->grad) Py_RETURN_NONE;
  return wrap(Tensor(t.impl()->extra->grad));
}
static int set_grad(PyObject* self, PyObject* v, void*) {
  const Tensor& t = unwrap(self);
  if (v == nullptr || v == Py_None) { if (t.impl()->extra) t.impl()->extra->grad.reset(); return 0; }
  if (!is_tensor(v)) { PyErr_SetString(PyExc_TypeError, "assigned grad expected to be a Tensor or None"); return -1; }
  const Tensor& g = unwrap(v);
  if (g.dtype() != t.dtype()) { PyErr_SetString(PyExc_RuntimeError, "assigned grad has data of a different type"); return -1; }
  if (g.sizes() != t.sizes()) { PyErr_SetString(PyExc_RuntimeError, "assigned grad has data of a different size"); return -1; }
  t.impl()->ext().grad = g.ptr();
  return 0;
}
static PyObject* get_grad_fn(PyObject* self, void*) {
  const Tensor& t = unwrap(self);
  if (!t.grad_fn()) Py_RETURN_NONE;
  return wrap_node(t.grad_fn());
}
static PyObject* get_is_leaf(PyObject* self, void*) { return PyBool_FromLong(unwrap(self).is_leaf()); }
static PyObject* get_data(PyObject* self, void*) {
  // .data: shares storage, no history, its own version counter (unlike detach())
  const Tensor& t = unwrap(self);
  Tensor d = detach_tensor(t);
  d.impl()->version = make_rc<VersionCounter>();
  return wrap(d);
}
static int set_data(PyObject* self, PyObject* v, void*) {
  if (!is_tensor(v)) { PyErr_SetString(PyExc_TypeError, "Variable data has to be a tensor"); return -1; }
  const Tensor& t = unwrap(self);
  const Tensor& s = unwrap(v);
  TensorImpl* i = t.impl();
  // the leaf's AccumulateGrad recorded the old metadata; a new one is made on next use
  if (i->extra && (s.dtype() != t.dtype() || s.sizes() != t.sizes() || s.device() != t.device()))
    i->extra->grad_accumulator.reset();
  i->storage = s.impl()->storage;
  i->sizes = s.sizes();
  i->strides = s.strides();
  i->offset = s.offset();
  i->numel = s.numel();
  i->dtype = s.dtype();
  i->device = s.device();
  return 0;
}
static PyObject* get_version(PyObject* self, void*) { return PyLong_FromUnsignedLong(unwrap(self).version()); }
static PyObject* get_ndim(PyObject* self, void*) { return PyLong_FromLongLong(unwrap(self).dim()); }
static PyObject* get_output_nr(PyObject* self, void*) { return PyLong_FromUnsignedLong(unwrap(self).impl()->output_nr); }
static PyObject* get_retains_grad(PyObject* self, void*) {
  const Tensor& t = unwrap(self);
  return PyBool_FromLong(t.impl()->extra && t.impl()->extra->retains_grad);
}
static PyObject* get_is_cpu(PyObject* self, void*) { return PyBool_FromLong(unwrap(self).device().is_cpu()); }
static PyObject* get_is_cuda(PyObject* self, void*) { return PyBool_FromLong(!unwrap(self).device().is_cpu()); }
static PyObject* get_false(PyObject*, void*) { Py_RETURN_FALSE; }
static PyObject* get_true(PyObject*, void*) { Py_RETURN_TRUE; }
static PyObject* get_none(PyObject*, void*) { Py_RETURN_NONE; }
static PyObject* get_T(PyObject* self, void*) {
  MAG_TRY
  const Tensor& t = unwrap(self);
  std::vector<int64_t> dims;
  for (int64_t i = t.dim() - 1; i >= 0; --i) dims.push_back(i);
  return wrap(ag::permute(t, dims));
  MAG_CATCH(nullptr)
}
static PyObject* get_mT(PyObject* self, void*) {
  MAG_TRY
  const Tensor& t = unwrap(self);
  MAG_CHECK(t.dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got ", t.dim(), "-D tensor.");
  return wrap(ag::transpose(t, -2, -1));
  MAG_CATCH(nullptr)
}
static PyObject* get_dict(PyObject* self, void*) {
  PyTensor* p = (PyTensor*)self;
  if (!p->dict) p->dict = PyDict_New();
  Py_XINCREF(p->dict);
  return p->dict;
}

// torch's Tensor._base: the tensor a view was made from (the root of a chain of views), else None
static PyObject* get_base(PyObject* self, void*) {
  const Tensor& t = unwrap(self);
  if (!t.impl()->view_base) Py_RETURN_NONE;
  return wrap(Tensor(t.impl()->view_base));
}

static PyGetSetDef tensor_getset[] = {
    {"_base", get_base, nullptr, nullptr, nullptr},
    {"shape", get_shape, nullptr, nullptr, nullptr},
    {"dtype", get_dtype, nullptr, nullptr, nullptr},
    {"device", get_device, nullptr, nullptr, nullptr},
    {"requires_grad", get_requires_grad, set_requires_grad, nullptr, nullptr},
    {"grad", get_grad, set_grad, nullptr, nullptr},
    {"grad_fn", get_grad_fn, nullptr, nullptr, nullptr},
    {"is_leaf", get_is_leaf, nullptr, nullptr, nullptr},
    {"data", get_data, set_data, nullptr, nullptr},
    {"_version", get_version, nullptr, nullptr, nullptr},
    {"ndim", get_ndim, nullptr, nullptr, nullptr},
    {"output_nr", get_output_nr, nullptr, nullptr, nullptr},
    {"retains_grad", get_retains_grad, nullptr, nullptr, nullptr},
    {"is_cuda", get_is_cuda, nullptr, nullptr, nullptr},
    {"is_sparse", get_false, nullptr, nullptr, nullptr},
    {"is_quantized", get_false, nullptr, nullptr, nullptr},
    {"is_meta", get_false, nullptr, nullptr, nullptr},
    {"is_mps", get_false, nullptr, nullptr, nullptr},
    {"is_cpu", get_is_cpu, nullptr, nullptr, nullptr},
    {"names", get_none, nullptr, nullptr, nullptr},
    {"T", get_T, nullptr, nullptr, nullptr},
    {"mT", get_mT, nullptr, nullptr, nullptr},
    {"__dict__", get_dict, nullptr, nullptr, nullptr},
    {nullptr}};

void set_cpu_device(PyObject* d) { Py_XINCREF(d); cpu_device = d; }

void init_tensor_type(PyObject* m) {
  static PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "torch._C.TensorBase";
  t.tp_basicsize = sizeof(PyTensor);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC;
  t.tp_dealloc = tensor_dealloc;
  t.tp_traverse = tensor_traverse;
  t.tp_clear = tensor_clear;
  t.tp_new = tensor_new;
  t.tp_as_number = &number_methods;
  t.tp_richcompare = richcompare;
  t.tp_hash = tensor_hash;
  t.tp_getset = tensor_getset;
  t.tp_methods = fast_method_defs();
  t.tp_dictoffset = offsetof(PyTensor, dict);
  t.tp_weaklistoffset = offsetof(PyTensor, weakrefs);
  if (PyType_Ready(&t) < 0) return;
  TensorBaseType = &t;
  Py_INCREF(&t);
  PyModule_AddObject(m, "TensorBase", (PyObject*)&t);
}

}  // namespace py
}  // namespace mag
