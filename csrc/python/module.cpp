// module.cpp: the myautograd._C module: registers the types and functions.
#include "python/common.h"
#include "ops/registry.h"
#include "kernels/cpu/parallel.h"
#include <vector>

namespace mag {
namespace py {

// Note [GIL release] (kernels/cpu/parallel.h): long kernels drop the GIL when the calling
// thread holds it (a pool thread or a thread inside a released region does not).
static void* release_gil() { return PyGILState_Check() ? (void*)PyEval_SaveThread() : nullptr; }
static void restore_gil(void* state) { PyEval_RestoreThread((PyThreadState*)state); }
// core/rc.h's sanitizer-build check; before initialisation and after finalisation there is
// only one thread running our code
static bool gil_held() { return !Py_IsInitialized() || PyGILState_Check(); }

static PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "myautograd._C", "myautograd native core", -1, function_defs};

}  // namespace py
}  // namespace mag

extern "C" __attribute__((visibility("default"))) PyObject* PyInit__C() {
  using namespace mag::py;
  PyObject* m = PyModule_Create(&module_def);
  if (!m) return nullptr;
  mag::g_gil_hooks.release = release_gil;
  mag::g_gil_hooks.restore = restore_gil;
  mag::g_gil_held = gil_held;
  init_dtypes(m);
  init_tensor_type(m);
  if (PyModule_AddFunctions(m, fast_function_defs()) < 0) return nullptr;
  if (PyModule_AddFunctions(m, cuda_function_defs()) < 0) return nullptr;
  if (PyModule_AddFunctions(m, fused_function_defs()) < 0) return nullptr;
  init_node_type(m);
  // op names in registry order: the Python layer looks ids up by name
  PyObject* un = PyTuple_New(0);
  {
    std::vector<const char*> names = {
#define MAG_N(E, N, P) #E,
        MAG_UNARY_OPS(MAG_N)
#undef MAG_N
    };
    Py_DECREF(un);
    un = PyTuple_New((Py_ssize_t)names.size());
    for (size_t i = 0; i < names.size(); ++i) PyTuple_SET_ITEM(un, i, PyUnicode_FromString(names[i]));
  }
  PyModule_AddObject(m, "_unary_ops", un);
  {
    std::vector<const char*> names = {
#define MAG_N(E, N, K) #E,
        MAG_BINARY_OPS(MAG_N)
#undef MAG_N
    };
    PyObject* bn = PyTuple_New((Py_ssize_t)names.size());
    for (size_t i = 0; i < names.size(); ++i) PyTuple_SET_ITEM(bn, i, PyUnicode_FromString(names[i]));
    PyModule_AddObject(m, "_binary_ops", bn);
  }
  // True in an AddressSanitizer build (MYAUTOGRAD_SANITIZE=1): the tests skip RSS budgets there,
  // since ASan's quarantine keeps freed memory resident on purpose
#ifdef __SANITIZE_ADDRESS__
  PyModule_AddObject(m, "_sanitized", Py_NewRef(Py_True));
#else
  PyModule_AddObject(m, "_sanitized", Py_NewRef(Py_False));
#endif
  if (PyErr_Occurred()) return nullptr;
  return m;
}
