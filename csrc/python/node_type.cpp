// node_type.cpp: Python wrappers of graph nodes (one Python class per torch node name, so
// type(y.grad_fn).__name__ == 'MulBackward0'), their hooks, and the node that runs a
// Python autograd.Function's backward. Also installs the PyBridge used by the engine.
#include "python/common.h"

namespace mag {
namespace py {

struct PyNode {
  PyObject_HEAD
  Rc<Node> node;
  PyObject* dict;
};

static PyTypeObject* NodeType = nullptr;
PyObject* node_type_cache = nullptr;
static PyObject* node_class_factory = nullptr;  // Python callable: name -> subclass of _C.Node

static void node_dealloc(PyObject* self) {
  PyObject_GC_UnTrack(self);
  PyNode* p = (PyNode*)self;
  if (p->node && p->node->pyobj == self) p->node->pyobj = nullptr;
  Py_CLEAR(p->dict);
  { using NodeRc = Rc<Node>; p->node.~NodeRc(); }
  Py_TYPE(self)->tp_free(self);
}
static int node_traverse(PyObject* self, visitproc visit, void* arg) { Py_VISIT(((PyNode*)self)->dict); Py_VISIT(Py_TYPE(self)); return 0; }
static int node_clear(PyObject* self) { Py_CLEAR(((PyNode*)self)->dict); return 0; }

PyObject* wrap_node(const Rc<Node>& n) {
  if (!n) Py_RETURN_NONE;
  if (n->pyobj) { Py_INCREF((PyObject*)n->pyobj); return (PyObject*)n->pyobj; }
  std::string name = n->name();
  PyObject* cls = PyDict_GetItemString(node_type_cache, name.c_str());
  if (!cls) {
    cls = PyObject_CallFunction(node_class_factory, "s", name.c_str());
    if (!cls) return nullptr;
    PyDict_SetItemString(node_type_cache, name.c_str(), cls);
    Py_DECREF(cls);
  }
  PyTypeObject* tp = (PyTypeObject*)cls;
  PyObject* o = tp->tp_alloc(tp, 0);
  if (!o) return nullptr;
  new (&((PyNode*)o)->node) Rc<Node>(n);
  n->pyobj = o;
  return o;
}

Rc<Node> unwrap_node(PyObject* o) {
  if (!NodeType || !PyObject_TypeCheck(o, NodeType)) return nullptr;
  return ((PyNode*)o)->node;
}

static PyObject* node_name(PyObject* self, PyObject*) { return PyUnicode_FromString(qualified_name(*((PyNode*)self)->node).c_str()); }

static PyObject* node_next_functions(PyObject* self, void*) {
  Node* n = ((PyNode*)self)->node.get();
  PyObject* t = PyTuple_New((Py_ssize_t)n->next_edges.size());
  for (size_t i = 0; i < n->next_edges.size(); ++i) {
    const Edge& e = n->next_edges[i];
    PyObject* fn = e.valid() ? wrap_node(e.fn) : (Py_INCREF(Py_None), Py_None);
    PyTuple_SET_ITEM(t, i, Py_BuildValue("(Ni)", fn, (int)e.input_nr));
  }
  return t;
}

static PyObject* node_variable(PyObject* self, void*) {
  Node* n = ((PyNode*)self)->node.get();
  if (auto* acc = dynamic_cast<AccumulateGrad*>(n)) return wrap(acc->variable());
  PyErr_SetString(PyExc_AttributeError, "'Node' object has no attribute 'variable'");
  return nullptr;
}

static PyObject* node_metadata(PyObject* self, void*) {
  PyNode* p = (PyNode*)self;
  if (!p->dict) p->dict = PyDict_New();
  PyObject* md = PyDict_GetItemString(p->dict, "__metadata");
  if (!md) { md = PyDict_New(); PyDict_SetItemString(p->dict, "__metadata", md); Py_DECREF(md); }
  Py_INCREF(md);
  return md;
}

static PyObject* make_handle(Node* n, void* fn, int kind);

static PyObject* node_register_hook(PyObject* self, PyObject* fn) {
  Node* n = ((PyNode*)self)->node.get();
  Py_INCREF(fn);
  n->post_hooks.push_back(fn);
  return make_handle(n, fn, 0);
}
static PyObject* node_register_prehook(PyObject* self, PyObject* fn) {
  Node* n = ((PyNode*)self)->node.get();
  Py_INCREF(fn);
  n->pre_hooks.push_back(fn);
  return make_handle(n, fn, 1);
}

// A removable handle: holds a weak reference to the node through a capsule of the shared_ptr.
static PyObject* handle_factory = nullptr;  // Python: (remove_callable) -> RemovableHandle
struct HandleCtx { WeakRc<Node> node; WeakRc<TensorImpl> tensor; void* fn; int kind; };
static void handle_capsule_free(PyObject* cap) { delete (HandleCtx*)PyCapsule_GetPointer(cap, "mag.handle"); }
static PyObject* handle_remove(PyObject* cap, PyObject*) {
  HandleCtx* h = (HandleCtx*)PyCapsule_GetPointer(cap, "mag.handle");
  if (!h || !h->fn) Py_RETURN_NONE;
  if (auto n = h->node.lock()) {
    auto drop = [&](std::vector<void*>& v) {
      for (auto it = v.begin(); it != v.end(); ++it) if (*it == h->fn) { Py_DECREF((PyObject*)*it); v.erase(it); return; }
    };
    if (h->kind == 0) drop(n->post_hooks);
    else if (h->kind == 1) drop(n->pre_hooks);
    else {
      for (auto it = n->tensor_pre_hooks.begin(); it != n->tensor_pre_hooks.end(); ++it)
        if (it->second == h->fn) { Py_DECREF((PyObject*)it->second); n->tensor_pre_hooks.erase(it); break; }
    }
  }
  if (auto t = h->tensor.lock()) {
    if (t->extra) {
      auto& v = t->extra->hooks;
      for (auto it = v.begin(); it != v.end(); ++it) if (it->second == h->fn) { Py_DECREF((PyObject*)it->second); v.erase(it); break; }
    }
  }
  h->fn = nullptr;
  Py_RETURN_NONE;
}
static PyMethodDef handle_remove_def = {"remove", handle_remove, METH_NOARGS, nullptr};

static PyObject* make_handle_ctx(HandleCtx* h) {
  PyObject* cap = PyCapsule_New(h, "mag.handle", handle_capsule_free);
  PyObject* remove = PyCFunction_New(&handle_remove_def, cap);
  Py_DECREF(cap);
  PyObject* r = PyObject_CallOneArg(handle_factory, remove);
  Py_DECREF(remove);
  return r;
}

static PyObject* make_handle(Node* n, void* fn, int kind) {
  return make_handle_ctx(new HandleCtx{n->shared_from_this(), {}, fn, kind});
}

// Tensor.register_hook: on the grad_fn for non-leaves, on the tensor for leaves.
PyObject* tensor_register_hook(PyObject*, PyObject* args) {
  PyObject *self, *fn;
  if (!PyArg_ParseTuple(args, "OO", &self, &fn)) return nullptr;
  const Tensor& t = unwrap(self);
  if (!t.requires_grad()) {
    PyErr_SetString(PyExc_RuntimeError, "cannot register a hook on a tensor that doesn't require gradient");
    return nullptr;
  }
  Py_INCREF(fn);
  if (t.grad_fn()) {
    t.grad_fn()->tensor_pre_hooks.push_back({t.impl()->output_nr, fn});
    return make_handle_ctx(new HandleCtx{t.grad_fn(), {}, fn, 2});
  }
  t.impl()->ext().hooks.push_back({0, fn});
  return make_handle_ctx(new HandleCtx{{}, t.ptr(), fn, 3});
}

PyObject* tensor_retain_grad(PyObject*, PyObject* self) {
  const Tensor& t = unwrap(self);
  if (!t.requires_grad()) {
    PyErr_SetString(PyExc_RuntimeError, "can't retain_grad on Tensor that has requires_grad=False");
    return nullptr;
  }
  if (t.is_leaf()) Py_RETURN_NONE;
  auto& ex = t.impl()->ext();
  if (ex.retains_grad) Py_RETURN_NONE;
  ex.retains_grad = true;
  t.grad_fn()->retains_grad.push_back({t.impl()->output_nr, t.ptr()});
  Py_RETURN_NONE;
}

static PyMethodDef node_methods[] = {
    {"name", node_name, METH_NOARGS, nullptr},
    {"register_hook", node_register_hook, METH_O, nullptr},
    {"register_prehook", node_register_prehook, METH_O, nullptr},
    {nullptr}};
static PyGetSetDef node_getset[] = {
    {"next_functions", node_next_functions, nullptr, nullptr, nullptr},
    {"variable", node_variable, nullptr, nullptr, nullptr},
    {"metadata", node_metadata, nullptr, nullptr, nullptr},
    {nullptr}};

// --- Python autograd.Function node
struct PyFunctionNode : Node {
  PyObject* ctx;  // owned
  std::string cls_name;
  PyFunctionNode(PyObject* c, std::string n) : ctx(c), cls_name(std::move(n)) { Py_INCREF(ctx); runs_python = true; }
  ~PyFunctionNode() override { Py_DECREF(ctx); }
  std::string name() const override { return cls_name; }
  TensorList apply(TensorList&& grads) override {
    PyObject* g = wrap_list(grads);
    if (!g) throw Error(ErrorKind::Runtime, "");
    PyObject* r = PyObject_CallMethod(ctx, "_run_backward", "(O)", g);
    Py_DECREF(g);
    if (!r) throw Error(ErrorKind::Runtime, "");
    TensorList out;
    PyObject* seq = PySequence_Fast(r, "backward must return a tuple");
    Py_DECREF(r);
    if (!seq) throw Error(ErrorKind::Runtime, "");
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i) {
      PyObject* it = PySequence_Fast_GET_ITEM(seq, i);
      out.push_back(is_tensor(it) ? unwrap(it) : Tensor());
    }
    Py_DECREF(seq);
    return out;
  }
  void release_variables() override {
    PyObject* r = PyObject_CallMethod(ctx, "_release", nullptr);
    if (!r) PyErr_Clear(); else Py_DECREF(r);
  }
};

// _function_record(ctx, name, inputs_tuple, outputs_tuple) -> node
PyObject* function_record(PyObject*, PyObject* args) {
  PyObject *ctx, *ins, *outs;
  const char* name;
  if (!PyArg_ParseTuple(args, "OsOO", &ctx, &name, &ins, &outs)) return nullptr;
  MAG_TRY
  auto n = make_rc<PyFunctionNode>(ctx, name);
  Py_ssize_t ni = PySequence_Size(ins);
  for (Py_ssize_t i = 0; i < ni; ++i) {
    PyObject* it = PySequence_GetItem(ins, i);
    if (is_tensor(it) && unwrap(it).requires_grad()) n->next_edges.push_back(gradient_edge(unwrap(it)));
    else n->next_edges.push_back(Edge());
    Py_DECREF(it);
  }
  Py_ssize_t no = PySequence_Size(outs);
  for (Py_ssize_t i = 0; i < no; ++i) {
    PyObject* it = PySequence_GetItem(outs, i);
    if (is_tensor(it)) set_history(unwrap(it), n, (uint32_t)i);
    else { if (n->input_meta.size() <= (size_t)i) n->input_meta.resize(i + 1); }
    Py_DECREF(it);
  }
  return wrap_node(n);
  MAG_CATCH(nullptr)
}

// --- bridge callbacks for the engine
static void b_incref(void* o) { Py_INCREF((PyObject*)o); }
static void b_decref(void* o) { Py_DECREF((PyObject*)o); }
static Tensor b_tensor_hook(void* fn, const Tensor& grad) {
  PyObject* g = wrap(grad);
  PyObject* r = PyObject_CallOneArg((PyObject*)fn, g);
  Py_DECREF(g);
  if (!r) throw Error(ErrorKind::Runtime, "");
  Tensor out;
  if (is_tensor(r)) out = unwrap(r);
  Py_DECREF(r);
  return out;
}
static void b_node_hook(void* fn, Node* node, TensorList& grad_inputs, const TensorList& grad_outputs, bool pre) {
  PyObject* gi = wrap_list(grad_inputs);
  PyObject* r;
  if (pre) {
    r = PyObject_CallOneArg((PyObject*)fn, gi);
  } else {
    PyObject* go = wrap_list(grad_outputs);
    r = PyObject_CallFunctionObjArgs((PyObject*)fn, gi, go, nullptr);
    Py_DECREF(go);
  }
  Py_DECREF(gi);
  if (!r) throw Error(ErrorKind::Runtime, "");
  if (r != Py_None) {
    PyObject* seq = PySequence_Fast(r, "hook must return a tuple");
    if (seq) {
      for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq) && (size_t)i < grad_inputs.size(); ++i) {
        PyObject* it = PySequence_Fast_GET_ITEM(seq, i);
        grad_inputs[i] = is_tensor(it) ? unwrap(it) : Tensor();
      }
      Py_DECREF(seq);
    }
  }
  Py_DECREF(r);
  (void)node;
}
static void b_warn(const std::string& msg) { PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 1); }

PyObject* set_node_factories(PyObject*, PyObject* args) {
  PyObject *nf, *hf;
  if (!PyArg_ParseTuple(args, "OO", &nf, &hf)) return nullptr;
  Py_XINCREF(nf); node_class_factory = nf;
  Py_XINCREF(hf); handle_factory = hf;
  Py_RETURN_NONE;
}

void init_node_type(PyObject* m) {
  static PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "torch._C._FunctionBase";
  t.tp_basicsize = sizeof(PyNode);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC;
  t.tp_dealloc = node_dealloc;
  t.tp_traverse = node_traverse;
  t.tp_clear = node_clear;
  t.tp_methods = node_methods;
  t.tp_getset = node_getset;
  t.tp_dictoffset = offsetof(PyNode, dict);
  if (PyType_Ready(&t) < 0) return;
  NodeType = &t;
  Py_INCREF(&t);
  PyModule_AddObject(m, "Node", (PyObject*)&t);
  node_type_cache = PyDict_New();
  g_py.incref = b_incref;
  g_py.decref = b_decref;
  g_py.call_tensor_hook = b_tensor_hook;
  g_py.call_node_hook = b_node_hook;
  g_py.warn = b_warn;
}

}  // namespace py
}  // namespace mag
