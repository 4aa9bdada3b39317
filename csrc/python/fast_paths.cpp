// fast_paths.cpp: native entry points for the hottest Tensor methods and torch functions
// (x.sum(), x.backward(), x.add(y), torch.sigmoid(x), ...). Each handles its common call form
// here, with no Python frame of ours, and hands every other form to the Python definition
// registered at import (_C._set_fast_fallbacks), so that stays the one full definition.
// Big kernels run with the GIL released, as in functions.cpp (Note [GIL release], common.h).
#include "python/common.h"
#include "ops/registry.h"

namespace mag {
namespace py {

const char* unary_function_key(UnaryOp op);
const char* binary_method_key(BinaryOp op);
const char* binary_function_key(BinaryOp op);

namespace {

PyObject* g_fallbacks = nullptr;  // dict: "m_<name>" / "f_<name>" -> Python callable

// Calls the Python definition with the original arguments (self first for methods).
PyObject* fallback(const char* key, PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* f = g_fallbacks ? PyDict_GetItemString(g_fallbacks, key) : nullptr;
  if (!f) { PyErr_Format(PyExc_RuntimeError, "myautograd: no Python definition registered for %s", key); return nullptr; }
  if (!self) return PyObject_Vectorcall(f, args, (size_t)nargs, kwnames);
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  std::vector<PyObject*> all((size_t)(nargs + nkw + 1));
  all[0] = self;
  for (Py_ssize_t i = 0; i < nargs + nkw; ++i) all[(size_t)i + 1] = args[i];
  return PyObject_Vectorcall(f, all.data(), (size_t)nargs + 1, kwnames);
}

using FastFn = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);

// ---- unary: x.exp() and torch.exp(x)
template <UnaryOp op>
PyObject* unary_method(PyObject* self, PyObject*) {  // METH_NOARGS, as torch's
  const Tensor& t = unwrap(self);
  MAG_TRY Tensor r; r = ag::unary(op, t); return wrap(r); MAG_CATCH(nullptr)
}
template <UnaryOp op>
PyObject* unary_function(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 1 && !kw) {
    if (is_tensor(args[0])) {
      const Tensor& t = unwrap(args[0]);
      MAG_TRY Tensor r; r = ag::unary(op, t); return wrap(r); MAG_CATCH(nullptr)
    }
    PyErr_Format(PyExc_TypeError, "%s(): argument 'input' (position 1) must be Tensor, not %s",
                 unary_function_key(op) + 2, Py_TYPE(args[0])->tp_name);
    return nullptr;
  }
  return fallback(unary_function_key(op), nullptr, args, nargs, kw);
}

// ---- binary: x.add(y), torch.mul(x, y) with no keyword arguments
template <BinaryOp op>
PyObject* binary_call(PyObject* a, PyObject* b) {
  Tensor x, y;
  if (!to_tensor_or_scalar(a, x) || !to_tensor_or_scalar(b, y)) return nullptr;
  MAG_TRY Tensor r; r = ag::binary(op, x, y); return wrap(r); MAG_CATCH(nullptr)
}
template <BinaryOp op>
PyObject* binary_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 1 && !kw) return binary_call<op>(self, args[0]);
  return fallback(binary_method_key(op), self, args, nargs, kw);
}
template <BinaryOp op>
PyObject* binary_function(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 2 && !kw && is_tensor(args[0])) return binary_call<op>(args[0], args[1]);
  return fallback(binary_function_key(op), nullptr, args, nargs, kw);
}

// ---- reductions and autograd
PyObject* sum_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 0 && !kw) {
    const Tensor& t = unwrap(self);
    MAG_TRY Tensor r; r = ag::sum(t, {}, false, std::nullopt, false); return wrap(r); MAG_CATCH(nullptr)
  }
  return fallback("m_sum", self, args, nargs, kw);
}
PyObject* mean_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 0 && !kw) {
    const Tensor& t = unwrap(self);
    MAG_TRY Tensor r; r = ag::mean(t, {}, false, std::nullopt, false); return wrap(r); MAG_CATCH(nullptr)
  }
  return fallback("m_mean", self, args, nargs, kw);
}
PyObject* backward_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  // x.backward() and x.backward(gradient): no retain/create_graph, no inputs
  if (!kw && nargs <= 1 && (nargs == 0 || is_tensor(args[0]) || args[0] == Py_None)) {
    TensorList grads;
    if (nargs == 1 && args[0] != Py_None) grads.push_back(unwrap(args[0]));
    MAG_TRY run_backward({unwrap(self)}, grads, false, false, {}, true, true); Py_RETURN_NONE; MAG_CATCH(nullptr)
  }
  return fallback("m_backward", self, args, nargs, kw);
}
PyObject* zero_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kw) {
  if (nargs == 0 && !kw) { MAG_TRY ag::inplace_zero(unwrap(self)); Py_INCREF(self); return self; MAG_CATCH(nullptr) }
  return fallback("m_zero_", self, args, nargs, kw);
}

PyObject* set_fast_fallbacks(PyObject*, PyObject* d) {
  if (!PyDict_Check(d)) { PyErr_SetString(PyExc_TypeError, "expected a dict"); return nullptr; }
  Py_INCREF(d);
  Py_XSETREF(g_fallbacks, d);
  Py_RETURN_NONE;
}

#define FAST(name, fn) {name, (PyCFunction)(void (*)(void))(FastFn)fn, METH_FASTCALL | METH_KEYWORDS, nullptr}
#define MAG_FAST_UNARY(X) X(exp, Exp) X(log, Log) X(sigmoid, Sigmoid) X(tanh, Tanh) X(relu, Relu) \
  X(neg, Neg) X(abs, Abs) X(sqrt, Sqrt) X(sin, Sin) X(cos, Cos)
#define MAG_FAST_BINARY(X) X(add, Add) X(sub, Sub) X(mul, Mul) X(div, Div)

PyMethodDef fast_methods[] = {
#define X(n, E) {#n, (PyCFunction)unary_method<UnaryOp::E>, METH_NOARGS, nullptr},
    MAG_FAST_UNARY(X)
#undef X
#define X(n, E) FAST(#n, binary_method<BinaryOp::E>),
    MAG_FAST_BINARY(X)
#undef X
    FAST("sum", sum_method), FAST("mean", mean_method), FAST("backward", backward_method),
    FAST("zero_", zero_method),
    {nullptr, nullptr, 0, nullptr}};

PyMethodDef fast_functions[] = {
#define X(n, E) FAST("_fast_" #n, unary_function<UnaryOp::E>),
    MAG_FAST_UNARY(X)
#undef X
#define X(n, E) FAST("_fast_" #n, binary_function<BinaryOp::E>),
    MAG_FAST_BINARY(X)
#undef X
    {"_set_fast_fallbacks", (PyCFunction)set_fast_fallbacks, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

// The keys name the Python definitions: "m_exp" (Tensor.exp), "f_exp" (torch.exp).
const char* unary_function_key(UnaryOp op) {
  switch (op) {
#define X(n, E) case UnaryOp::E: return "f_" #n;
    MAG_FAST_UNARY(X)
#undef X
    default: return "f_?";
  }
}
const char* binary_method_key(BinaryOp op) {
  switch (op) {
#define X(n, E) case BinaryOp::E: return "m_" #n;
    MAG_FAST_BINARY(X)
#undef X
    default: return "m_?";
  }
}
const char* binary_function_key(BinaryOp op) {
  switch (op) {
#define X(n, E) case BinaryOp::E: return "f_" #n;
    MAG_FAST_BINARY(X)
#undef X
    default: return "f_?";
  }
}

PyMethodDef* fast_method_defs() { return fast_methods; }
PyMethodDef* fast_function_defs() { return fast_functions; }

}  // namespace py
}  // namespace mag
