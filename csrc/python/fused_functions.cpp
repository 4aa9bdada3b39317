// fused_functions.cpp: _C functions of the fused native pieces of nn and optim: the recurrent
// layer (_rnn_layer). Arguments are positional and already checked by the Python callers
// (myautograd/nn/modules/rnn.py).
#include "python/common.h"

namespace mag {
namespace py {

namespace {

bool opt_tensor(PyObject* o, Tensor& t) {
  if (o == Py_None) { t = Tensor(); return true; }
  if (!is_tensor(o)) { PyErr_Format(PyExc_TypeError, "expected Tensor but got %s", Py_TYPE(o)->tp_name); return false; }
  t = unwrap(o);
  return true;
}

PyObject* wrap_or_none(const Tensor& t) {
  if (t.defined()) return wrap(t);
  Py_RETURN_NONE;
}

// _rnn_layer(mode, reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh) -> (output, h_n, c_n or None)
// mode: 0 LSTM, 1 GRU, 2 RNN tanh, 3 RNN relu
PyObject* f_rnn_layer(PyObject*, PyObject* const* a, Py_ssize_t n) {
  if (n != 9) { PyErr_Format(PyExc_TypeError, "_rnn_layer expected 9 arguments, got %zd", n); return nullptr; }
  int64_t mode;
  Tensor t[7];
  if (!to_int64(a[0], mode)) return nullptr;
  int rev = PyObject_IsTrue(a[1]);
  if (rev < 0) return nullptr;
  for (int i = 0; i < 7; ++i)
    if (!opt_tensor(a[2 + i], t[i])) return nullptr;
  if (mode < 0 || mode > 3 || !t[0].defined() || !t[1].defined() || !t[3].defined() || !t[4].defined()) {
    PyErr_SetString(PyExc_TypeError, "_rnn_layer: bad arguments");
    return nullptr;
  }
  MAG_TRY
  TensorList r = ag::rnn_layer((RnnMode)mode, rev != 0, t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
  PyObject* out = PyTuple_New(3);
  if (!out) return nullptr;
  for (int i = 0; i < 3; ++i) PyTuple_SET_ITEM(out, i, wrap_or_none(r[i]));
  return out;
  MAG_CATCH(nullptr)
}

PyMethodDef fused_functions[] = {
    {"_rnn_layer", (PyCFunction)(void (*)(void))f_rnn_layer, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyMethodDef* fused_function_defs() { return fused_functions; }

}  // namespace py
}  // namespace mag
