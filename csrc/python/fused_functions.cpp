// fused_functions.cpp: _C functions of the fused native pieces of nn and optim: the recurrent
// layer (_rnn_layer), the Adam/AdamW and SGD steps (_adam_step, _sgd_step) and gradient-norm clipping
// (_total_norm, _clip_grads_with_norm_). Arguments are positional and already checked by the Python callers
// (myautograd/nn/modules/rnn.py, myautograd/optim/{adam,sgd}.py, myautograd/nn/utils/clip_grad.py).
#include "ops/optim.h"
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

bool num(PyObject* o, double& v) {
  v = PyFloat_AsDouble(o);
  return !(v == -1.0 && PyErr_Occurred());
}
bool flag(PyObject* o, bool& v) {
  int r = PyObject_IsTrue(o);
  if (r < 0) return false;
  v = r != 0;
  return true;
}

// The indices a fused optimizer step left to its Python caller, as a list of ints.
PyObject* index_list(const std::vector<int64_t>& idx) {
  PyObject* out = PyList_New((Py_ssize_t)idx.size());
  if (!out) return nullptr;
  for (size_t i = 0; i < idx.size(); ++i) {
    PyObject* v = PyLong_FromLongLong(idx[i]);
    if (!v) { Py_DECREF(out); return nullptr; }
    PyList_SET_ITEM(out, (Py_ssize_t)i, v);
  }
  return out;
}

// _adam_step(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs or None, steps, lr, beta1,
// beta2, eps, weight_decay, amsgrad, maximize, decoupled) -> [indices it left to the caller]
PyObject* f_adam_step(PyObject*, PyObject* const* a, Py_ssize_t n) {
  if (n != 14) { PyErr_Format(PyExc_TypeError, "_adam_step expected 14 arguments, got %zd", n); return nullptr; }
  TensorList ps, gs, ms, vs, mxs, steps;
  native::AdamHyper h;
  if (!to_tensor_list(a[0], ps) || !to_tensor_list(a[1], gs) || !to_tensor_list(a[2], ms) ||
      !to_tensor_list(a[3], vs) || (a[4] != Py_None && !to_tensor_list(a[4], mxs)) || !to_tensor_list(a[5], steps) ||
      !num(a[6], h.lr) || !num(a[7], h.beta1) || !num(a[8], h.beta2) || !num(a[9], h.eps) ||
      !num(a[10], h.weight_decay) || !flag(a[11], h.amsgrad) || !flag(a[12], h.maximize) || !flag(a[13], h.decoupled))
    return nullptr;
  MAG_TRY
  // torch's in-place rules (leaf requiring grad under grad mode, inference tensors)
  for (const TensorList* l : {&ps, &ms, &vs, &mxs, &steps})
    for (const Tensor& t : *l) check_inplace(t);
  std::vector<int64_t> left = native::adam_step(ps, gs, ms, vs, mxs, steps, h);
  return index_list(left);
  MAG_CATCH(nullptr)
}

// _sgd_step(params, grads, momentum_buffers or None, lr, momentum, dampening, weight_decay,
// nesterov, maximize) -> [indices it left to the caller]. momentum_buffers is a list (one entry
// per parameter, None where the state has none yet) whose None entries are replaced by the
// buffers the step creates; None when momentum == 0.
PyObject* f_sgd_step(PyObject*, PyObject* const* a, Py_ssize_t n) {
  if (n != 9) { PyErr_Format(PyExc_TypeError, "_sgd_step expected 9 arguments, got %zd", n); return nullptr; }
  TensorList ps, gs, bufs;
  native::SgdHyper h;
  if (!to_tensor_list(a[0], ps) || !to_tensor_list(a[1], gs) || !num(a[3], h.lr) || !num(a[4], h.momentum) ||
      !num(a[5], h.dampening) || !num(a[6], h.weight_decay) || !flag(a[7], h.nesterov) || !flag(a[8], h.maximize))
    return nullptr;
  PyObject* py_bufs = a[2];
  if (py_bufs != Py_None) {
    if (!PyList_Check(py_bufs) || PyList_GET_SIZE(py_bufs) != (Py_ssize_t)ps.size()) {
      PyErr_SetString(PyExc_TypeError, "_sgd_step: momentum_buffers must be a list with one entry per parameter");
      return nullptr;
    }
    bufs.resize(ps.size());
    for (size_t i = 0; i < ps.size(); ++i)
      if (!opt_tensor(PyList_GET_ITEM(py_bufs, (Py_ssize_t)i), bufs[i])) return nullptr;
  } else if (h.momentum != 0) {
    PyErr_SetString(PyExc_TypeError, "_sgd_step: momentum_buffers are needed when momentum != 0");
    return nullptr;
  }
  MAG_TRY
  for (const TensorList* l : {&ps, &bufs})
    for (const Tensor& t : *l)
      if (t.defined()) check_inplace(t);
  std::vector<int64_t> left = native::sgd_step(ps, gs, bufs, h);
  for (size_t i = 0; py_bufs != Py_None && i < ps.size(); ++i) {
    if (PyList_GET_ITEM(py_bufs, (Py_ssize_t)i) != Py_None || !bufs[i].defined()) continue;
    PyObject* b = wrap(bufs[i]);
    if (!b || PyList_SetItem(py_bufs, (Py_ssize_t)i, b) < 0) return nullptr;
  }
  return index_list(left);
  MAG_CATCH(nullptr)
}

// _total_norm(tensors, p) -> torch's get_total_norm: the p-norm of the per-tensor p-norms
PyObject* f_total_norm(PyObject*, PyObject* const* a, Py_ssize_t n) {
  if (n != 2) { PyErr_Format(PyExc_TypeError, "_total_norm expected 2 arguments, got %zd", n); return nullptr; }
  TensorList ts;
  double p;
  if (!to_tensor_list(a[0], ts) || !num(a[1], p)) return nullptr;
  MAG_TRY
  TensorList norms;
  norms.reserve(ts.size());
  for (const Tensor& t : ts) norms.push_back(ag::norm(t, p, {}, false));
  return wrap(ag::norm(ag::stack(norms, 0), p, {}, false));
  MAG_CATCH(nullptr)
}

// _clip_grads_with_norm_(grads, max_norm, total_norm): grads *= clamp(max_norm / (total + 1e-6),
// max=1), with torch's ops: float / Tensor is reciprocal() * float
PyObject* f_clip_grads(PyObject*, PyObject* const* a, Py_ssize_t n) {
  if (n != 3) { PyErr_Format(PyExc_TypeError, "_clip_grads_with_norm_ expected 3 arguments, got %zd", n); return nullptr; }
  TensorList gs;
  double max_norm;
  if (!to_tensor_list(a[0], gs) || !num(a[1], max_norm)) return nullptr;
  if (!is_tensor(a[2])) { PyErr_SetString(PyExc_TypeError, "total_norm must be a Tensor"); return nullptr; }
  const Tensor& total = unwrap(a[2]);
  MAG_TRY
  auto scalar = [](double v) { return native::wrapped_scalar(Scalar::from_double(v)); };
  Tensor coef = ag::binary(BinaryOp::Mul, ag::unary(UnaryOp::Reciprocal, ag::binary(BinaryOp::Add, total, scalar(1e-6))),
                           scalar(max_norm));
  Tensor clamped = ag::clamp(coef, std::nullopt, Scalar::from_double(1.0));
  for (const Tensor& g : gs) ag::inplace_binary(BinaryOp::Mul, g, clamped);
  Py_RETURN_NONE;
  MAG_CATCH(nullptr)
}

PyMethodDef fused_functions[] = {
    {"_total_norm", (PyCFunction)(void (*)(void))f_total_norm, METH_FASTCALL, nullptr},
    {"_clip_grads_with_norm_", (PyCFunction)(void (*)(void))f_clip_grads, METH_FASTCALL, nullptr},
    {"_rnn_layer", (PyCFunction)(void (*)(void))f_rnn_layer, METH_FASTCALL, nullptr},
    {"_adam_step", (PyCFunction)(void (*)(void))f_adam_step, METH_FASTCALL, nullptr},
    {"_sgd_step", (PyCFunction)(void (*)(void))f_sgd_step, METH_FASTCALL, nullptr},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

PyMethodDef* fused_function_defs() { return fused_functions; }

}  // namespace py
}  // namespace mag
