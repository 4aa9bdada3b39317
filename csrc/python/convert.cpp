// convert.cpp: wrap/unwrap, dtype objects, argument converters and error translation.
#include <cstring>
#include "python/common.h"

namespace mag {
namespace py {

PyTypeObject* TensorBaseType = nullptr;
PyTypeObject* tensor_class = nullptr;
PyObject* dtype_objs[kNumDTypes];
PyObject* size_class = nullptr;

bool is_tensor(PyObject* o) { return PyObject_TypeCheck(o, TensorBaseType); }

namespace {
constexpr int kFreeTensorObjects = 64;
PyObject* g_free_tensors[kFreeTensorObjects];
int g_n_free_tensors = 0;
}  // namespace

// Called by tensor_dealloc once the object is untracked and its fields are destroyed; true
// when the memory was kept (subtype_dealloc still drops the type reference afterwards, and
// PyObject_Init takes a new one on reuse).
bool tensor_freelist_push(PyObject* o) {
  if (Py_TYPE(o) != tensor_class || g_n_free_tensors == kFreeTensorObjects) return false;
  g_free_tensors[g_n_free_tensors++] = o;
  return true;
}

static PyObject* new_tensor_object(PyTypeObject* tp) {
  if (tp == tensor_class && g_n_free_tensors) {
    PyObject* o = g_free_tensors[--g_n_free_tensors];
    // as tp_alloc leaves it: fields zeroed, one reference, tracked by the GC
    std::memset((char*)o + sizeof(PyObject), 0, (size_t)tp->tp_basicsize - sizeof(PyObject));
    PyObject_Init(o, tp);
    PyObject_GC_Track(o);
    return o;
  }
  return tp->tp_alloc(tp, 0);
}

PyObject* wrap(Tensor t) {
  if (!t.defined()) Py_RETURN_NONE;
  TensorImpl* impl = t.impl();
  if (impl->pyobj) {
    PyObject* o = (PyObject*)impl->pyobj;
    Py_INCREF(o);
    return o;
  }
  PyTypeObject* tp = tensor_class ? tensor_class : TensorBaseType;
  PyObject* o = new_tensor_object(tp);
  if (!o) return nullptr;
  new (&((PyTensor*)o)->t) Tensor(std::move(t));
  impl->pyobj = o;
  return o;
}

PyObject* wrap_list(const TensorList& ts) {
  PyObject* l = PyTuple_New((Py_ssize_t)ts.size());
  for (size_t i = 0; i < ts.size(); ++i) {
    PyObject* o = wrap(ts[i]);
    if (!o) { Py_DECREF(l); return nullptr; }
    PyTuple_SET_ITEM(l, i, o);
  }
  return l;
}

// --- dtype objects
static PyObject* dtype_repr(PyObject* self) { return PyUnicode_FromString(dtype_name(((PyDType*)self)->d)); }
static PyObject* dtype_is_fp(PyObject* self, void*) { return PyBool_FromLong(is_floating(((PyDType*)self)->d)); }
static PyObject* dtype_is_complex(PyObject*, void*) { Py_RETURN_FALSE; }
static PyObject* dtype_is_signed(PyObject* self, void*) {
  DType d = ((PyDType*)self)->d;
  return PyBool_FromLong(!(d == DType::Bool || d == DType::UInt8));
}
static PyObject* dtype_itemsize(PyObject* self, void*) { return PyLong_FromLong(itemsize(((PyDType*)self)->d)); }
static PyObject* dtype_id(PyObject* self, void*) { return PyLong_FromLong((int)((PyDType*)self)->d); }
static PyObject* dtype_reduce(PyObject* self, PyObject*) {
  // pickles as the global torch.<name> (what torch.save writes)
  return PyUnicode_FromString(dtype_name(((PyDType*)self)->d) + 6);
}
static PyGetSetDef dtype_getset[] = {
    {"is_floating_point", dtype_is_fp, nullptr, nullptr, nullptr},
    {"is_complex", dtype_is_complex, nullptr, nullptr, nullptr},
    {"is_signed", dtype_is_signed, nullptr, nullptr, nullptr},
    {"itemsize", dtype_itemsize, nullptr, nullptr, nullptr},
    {"_id", dtype_id, nullptr, nullptr, nullptr},
    {nullptr}};
static PyMethodDef dtype_methods[] = {{"__reduce__", dtype_reduce, METH_NOARGS, nullptr}, {nullptr}};

PyTypeObject DTypeType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "torch.dtype";
  t.tp_basicsize = sizeof(PyDType);
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_repr = dtype_repr;
  t.tp_str = dtype_repr;
  t.tp_getset = dtype_getset;
  t.tp_methods = dtype_methods;
  return t;
}();

void init_dtypes(PyObject* m) {
  if (PyType_Ready(&DTypeType) < 0) return;
  for (int i = 0; i < kNumDTypes; ++i) {
    PyDType* o = PyObject_New(PyDType, &DTypeType);
    o->d = (DType)i;
    dtype_objs[i] = (PyObject*)o;
    PyModule_AddObject(m, dtype_name((DType)i) + 6, (PyObject*)o);
    Py_INCREF(o);
  }
}

PyObject* dtype_obj(DType d) { PyObject* o = dtype_objs[(int)d]; Py_INCREF(o); return o; }

bool to_dtype(PyObject* o, DType& d) {
  if (Py_TYPE(o) == &DTypeType) { d = ((PyDType*)o)->d; return true; }
  if (o == (PyObject*)&PyFloat_Type) { d = DType::Float64; return true; }
  if (o == (PyObject*)&PyLong_Type) { d = DType::Int64; return true; }
  if (o == (PyObject*)&PyBool_Type) { d = DType::Bool; return true; }
  PyErr_Format(PyExc_TypeError, "expected a torch.dtype, but got %s", Py_TYPE(o)->tp_name);
  return false;
}

bool to_scalar(PyObject* o, Scalar& s) {
  if (PyBool_Check(o)) { s = Scalar::from_bool(o == Py_True); return true; }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      unsigned long long u = PyLong_AsUnsignedLongLong(o);
      if (PyErr_Occurred()) {  // beyond uint64 too: torch's texts, as an OverflowError
        PyErr_Clear();
        PyErr_SetString(PyExc_OverflowError, overflow < 0 ? "can't convert negative int to unsigned" : "int too big to convert");
        return false;
      }
      s = Scalar::from_int((int64_t)u);
      return true;
    }
    s = Scalar::from_int(v);
    return true;
  }
  if (PyFloat_Check(o)) { s = Scalar::from_double(PyFloat_AS_DOUBLE(o)); return true; }
  if (is_tensor(o)) {
    const Tensor& t = unwrap(o);
    if (t.numel() == 1) {
      Tensor c = native::to_dtype(native::contiguous(host_readable(t)), is_floating(t.dtype()) ? DType::Float64 : (t.dtype() == DType::Bool ? DType::Bool : DType::Int64));
      if (c.dtype() == DType::Float64) s = Scalar::from_double(*c.data_as<double>());
      else if (c.dtype() == DType::Bool) s = Scalar::from_bool(*c.data_as<bool>());
      else s = Scalar::from_int(*c.data_as<int64_t>());
      return true;
    }
  }
  // numpy scalars and other number-likes
  if (PyIndex_Check(o)) { long long v = PyLong_AsLongLong(o); if (PyErr_Occurred()) return false; s = Scalar::from_int(v); return true; }
  if (PyNumber_Check(o)) { double v = PyFloat_AsDouble(o); if (PyErr_Occurred()) return false; s = Scalar::from_double(v); return true; }
  PyErr_Format(PyExc_TypeError, "expected a number, but got %s", Py_TYPE(o)->tp_name);
  return false;
}

bool to_tensor_or_scalar(PyObject* o, Tensor& out) {
  if (is_tensor(o)) { out = unwrap(o); return true; }
  Scalar s;
  if (!to_scalar(o, s)) return false;
  out = native::wrapped_scalar(s);
  return true;
}

bool to_int64(PyObject* o, int64_t& v) {
  if (PyLong_Check(o)) { v = PyLong_AsLongLong(o); return !PyErr_Occurred(); }
  if (is_tensor(o)) {
    const Tensor& t = unwrap(o);
    if (t.numel() == 1 && !is_floating(t.dtype())) { Scalar s; to_scalar(o, s); v = s.i; return true; }
  }
  if (PyIndex_Check(o)) { PyObject* i = PyNumber_Index(o); if (!i) return false; v = PyLong_AsLongLong(i); Py_DECREF(i); return !PyErr_Occurred(); }
  PyErr_Format(PyExc_TypeError, "expected an int, but got %s", Py_TYPE(o)->tp_name);
  return false;
}

bool to_int_list(PyObject* o, std::vector<int64_t>& v) {
  v.clear();
  if (PyLong_Check(o) || (is_tensor(o) && unwrap(o).dim() == 0)) {
    int64_t x; if (!to_int64(o, x)) return false; v.push_back(x); return true;
  }
  PyObject* seq = PySequence_Fast(o, "expected a sequence of ints");
  if (!seq) return false;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  for (Py_ssize_t i = 0; i < n; ++i) {
    int64_t x;
    if (!to_int64(PySequence_Fast_GET_ITEM(seq, i), x)) { Py_DECREF(seq); return false; }
    v.push_back(x);
  }
  Py_DECREF(seq);
  return true;
}

bool to_shape(PyObject* o, Shape& s) {
  std::vector<int64_t> v;
  if (!to_int_list(o, v)) return false;
  s = Shape(v);
  return true;
}

bool to_tensor_list(PyObject* o, TensorList& v) {
  PyObject* seq = PySequence_Fast(o, "expected a sequence of Tensors");
  if (!seq) return false;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  v.clear();
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* it = PySequence_Fast_GET_ITEM(seq, i);
    if (!is_tensor(it)) {
      PyErr_Format(PyExc_TypeError, "expected Tensor as element %zd in argument 0, but got %s", i, Py_TYPE(it)->tp_name);
      Py_DECREF(seq);
      return false;
    }
    v.push_back(unwrap(it));
  }
  Py_DECREF(seq);
  return true;
}

PyObject* size_to_py(const Shape& s) {
  PyObject* t = PyTuple_New((Py_ssize_t)s.size());
  for (size_t i = 0; i < s.size(); ++i) PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(s[i]));
  if (!size_class) return t;
  PyObject* r = PyObject_CallOneArg(size_class, t);
  Py_DECREF(t);
  return r;
}

void set_python_error(const Error& e) {
  PyObject* exc = PyExc_RuntimeError;
  switch (e.kind) {
    case ErrorKind::Index: exc = PyExc_IndexError; break;
    case ErrorKind::Value: exc = PyExc_ValueError; break;
    case ErrorKind::Type: exc = PyExc_TypeError; break;
    case ErrorKind::NotImplemented: exc = PyExc_NotImplementedError; break;
    case ErrorKind::Memory: exc = PyExc_RuntimeError; break;
    default: break;
  }
  if (PyErr_Occurred()) return;  // a Python error raised inside a hook wins
  PyErr_SetString(exc, e.what());
}

}  // namespace py
}  // namespace mag
