// common.h: shared pieces of the CPython binding: the Python Tensor object layout, wrap /
// unwrap, dtype objects, argument converters, and error translation.
#pragma once
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <optional>
#include <vector>
#include "autograd/node.h"
#include "autograd/ops.h"

namespace mag {
namespace py {

struct PyTensor {
  PyObject_HEAD
  Tensor t;
  PyObject* dict;
  PyObject* weakrefs;
};

struct PyDType {
  PyObject_HEAD
  DType d;
};

extern PyTypeObject* TensorBaseType;   // _C.TensorBase
extern PyTypeObject* tensor_class;     // the Python-level torch.Tensor subclass (set at import)
// Note [tensor object freelist]: dead wrappers of exactly `tensor_class` are kept (up to a
// small bound) and reused by wrap(): a tiny op otherwise spends ~200 instructions in CPython's
// allocator and GC bookkeeping per result object. Both ends run with the GIL held.
bool tensor_freelist_push(PyObject* o);
extern PyTypeObject DTypeType;
extern PyObject* dtype_objs[kNumDTypes];
extern PyObject* node_type_cache;      // dict name -> Python type

bool is_tensor(PyObject* o);
inline const Tensor& unwrap(PyObject* o) { return ((PyTensor*)o)->t; }
PyObject* wrap(Tensor t);
PyObject* wrap_list(const TensorList& ts);
PyObject* wrap_node(const Rc<Node>& n);
Rc<Node> unwrap_node(PyObject* o);  // nullptr if not a node

// converters (return false with a Python error set)
bool to_tensor_or_scalar(PyObject* o, Tensor& out);  // numbers become wrapped scalars
bool to_scalar(PyObject* o, Scalar& s);
bool to_dtype(PyObject* o, DType& d);
bool to_int64(PyObject* o, int64_t& v);
bool to_shape(PyObject* o, Shape& s);               // sequence of ints (or a single int)
bool to_int_list(PyObject* o, std::vector<int64_t>& v);
bool to_tensor_list(PyObject* o, TensorList& v);
PyObject* size_to_py(const Shape& s);  // torch.Size
extern PyObject* size_class;          // torch.Size (set at import)
PyObject* dtype_obj(DType d);

// Note [GIL release]: the GIL is released inside long kernels only (parallel_for, see
// kernels/cpu/parallel.h), never around an op as a whole: recording, allocation and handle
// copies all run with the GIL held, which is what makes the non-atomic reference counts safe
// (core/rc.h). NoGil is for waits that touch no handle (e.g. a device synchronize).
struct NoGil {
  PyThreadState* st = nullptr;
  explicit NoGil(bool release) { if (release) st = PyEval_SaveThread(); }
  ~NoGil() { if (st) PyEval_RestoreThread(st); }
  NoGil(const NoGil&) = delete;
  NoGil& operator=(const NoGil&) = delete;
};

// error translation: call inside catch
void set_python_error(const Error& e);

#define MAG_TRY try {
#define MAG_CATCH(ret)                                                            \
  } catch (const ::mag::Error& e) { ::mag::py::set_python_error(e); return ret; } \
  catch (const std::bad_alloc&) { PyErr_SetString(PyExc_MemoryError, "out of memory"); return ret; } \
  catch (const std::exception& e) { PyErr_SetString(PyExc_RuntimeError, e.what()); return ret; }

void init_tensor_type(PyObject* m);
void init_node_type(PyObject* m);
void init_functions(PyObject* m);
void init_dtypes(PyObject* m);
extern PyMethodDef function_defs[];
PyMethodDef* fast_method_defs();    // hot Tensor methods (fast_paths.cpp)
PyMethodDef* fast_function_defs();  // their torch.* function forms, as _C._fast_<name>
PyMethodDef* cuda_function_defs();  // myautograd.cuda and device moves (cuda_functions.cpp)
PyMethodDef* fused_function_defs();  // fused nn / optim pieces (fused_functions.cpp)

}  // namespace py
}  // namespace mag
