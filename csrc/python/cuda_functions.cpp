// cuda_functions.cpp: the _C functions behind myautograd.cuda and tensor device moves:
// build/driver state, devices, synchronize, memory statistics, the per-device default
// generators, and _to_device (autograd-aware). Without CUDA code in the build they report
// zero devices, and device requests raise torch's errors (core/cuda_backend.cpp).
#include <string>
#include "kernels/cpu/random.h"
#include "python/common.h"

namespace mag {
namespace py {

// CUDA tensors draw random numbers on the host from their device's own generator (seeded by
// torch.manual_seed / cuda.manual_seed_all), then copy them over: reproducible, not Philox.
CPUGenerator& cuda_default_generator(int index) {
  static CPUGenerator gens[64];
  MAG_CHECK(index >= 0 && index < 64, "CUDA device index ", index, " out of range");
  return gens[index];
}

static bool parse_int(PyObject* o, int64_t& v) {
  v = PyLong_AsLongLong(o);
  return !(v == -1 && PyErr_Occurred());
}

#define CUDA_FN(name) static PyObject* name(PyObject*, PyObject* const* args, Py_ssize_t nargs)
#define NEED(n, fname) if (nargs != n) { PyErr_SetString(PyExc_TypeError, fname "() takes " #n " arguments"); return nullptr; }

CUDA_FN(f_cuda_is_built) { (void)args; (void)nargs; return PyBool_FromLong(cuda_backend() != nullptr); }
CUDA_FN(f_cuda_device_count) {
  (void)args; (void)nargs;
  const CudaBackend* b = cuda_backend();
  return PyLong_FromLong(b ? b->device_count() : 0);
}
// raises torch's lazy-init error (not compiled / no driver / no GPU / bad ordinal), else None
CUDA_FN(f_cuda_lazy_init) {
  int64_t i = -1;
  if (nargs == 1 && !parse_int(args[0], i)) return nullptr;
  MAG_TRY require_cuda((int)i); Py_RETURN_NONE; MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_set_device) {
  NEED(1, "_cuda_set_device"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY require_cuda((int)i).set_device((int)i); Py_RETURN_NONE; MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_current_device) {
  (void)args; (void)nargs;
  MAG_TRY return PyLong_FromLong(require_cuda().current_device()); MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_synchronize) {
  NEED(1, "_cuda_synchronize"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY
  const CudaBackend& b = require_cuda((int)i);
  { NoGil g(true); b.synchronize(i < 0 ? b.current_device() : (int)i); }
  Py_RETURN_NONE;
  MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_get_device_name) {
  NEED(1, "_cuda_get_device_name"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY
  const CudaBackend& b = require_cuda((int)i);
  return PyUnicode_FromString(b.device_name(i < 0 ? b.current_device() : (int)i).c_str());
  MAG_CATCH(nullptr)
}
// (allocated, max allocated, reserved) bytes of a device
CUDA_FN(f_cuda_memory_stats) {
  NEED(1, "_cuda_memory_stats"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY
  const CudaBackend& b = require_cuda((int)i);
  int64_t s[3];
  b.memory_stats(i < 0 ? b.current_device() : (int)i, s);
  return Py_BuildValue("(LLL)", (long long)s[0], (long long)s[1], (long long)s[2]);
  MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_reset_peak) {
  NEED(1, "_cuda_reset_peak"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY
  const CudaBackend& b = require_cuda((int)i);
  b.reset_peak(i < 0 ? b.current_device() : (int)i);
  Py_RETURN_NONE;
  MAG_CATCH(nullptr)
}
CUDA_FN(f_cuda_empty_cache) {
  (void)args; (void)nargs;
  const CudaBackend* b = cuda_backend();
  if (b && b->device_count() > 0) { MAG_TRY b->empty_cache(); MAG_CATCH(nullptr) }
  Py_RETURN_NONE;
}
CUDA_FN(f_cuda_add_cublas_path) {
  NEED(1, "_cuda_add_cublas_path");
  const char* p = PyUnicode_AsUTF8(args[0]);
  if (!p) return nullptr;
  if (const CudaBackend* b = cuda_backend()) b->add_cublas_path(p);
  Py_RETURN_NONE;
}
// a capsule for the default generator of CUDA device i (as Generator._cap)
CUDA_FN(f_cuda_generator) {
  NEED(1, "_cuda_generator"); int64_t i; if (!parse_int(args[0], i)) return nullptr;
  MAG_TRY return PyCapsule_New(&cuda_default_generator((int)i), "mag.gen_default", nullptr); MAG_CATCH(nullptr)
}
// _to_device(t, is_cuda, index, non_blocking)
CUDA_FN(f_to_device) {
  NEED(4, "_to_device");
  if (!is_tensor(args[0])) { PyErr_SetString(PyExc_TypeError, "_to_device: expected a Tensor"); return nullptr; }
  int cuda = PyObject_IsTrue(args[1]);
  int nb = PyObject_IsTrue(args[3]);
  int64_t i;
  if (cuda < 0 || nb < 0 || !parse_int(args[2], i)) return nullptr;
  MAG_TRY
  Device d{cuda ? DeviceType::CUDA : DeviceType::CPU, (int8_t)(cuda ? i : -1)};
  return wrap(ag::to_device(unwrap(args[0]), d, nb));
  MAG_CATCH(nullptr)
}

#define CDEF(name, fn) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL, nullptr}
static PyMethodDef cuda_defs[] = {
    CDEF("_cuda_is_built", f_cuda_is_built), CDEF("_cuda_device_count", f_cuda_device_count),
    CDEF("_cuda_lazy_init", f_cuda_lazy_init), CDEF("_cuda_set_device", f_cuda_set_device),
    CDEF("_cuda_current_device", f_cuda_current_device), CDEF("_cuda_synchronize", f_cuda_synchronize),
    CDEF("_cuda_get_device_name", f_cuda_get_device_name), CDEF("_cuda_memory_stats", f_cuda_memory_stats),
    CDEF("_cuda_reset_peak", f_cuda_reset_peak), CDEF("_cuda_empty_cache", f_cuda_empty_cache),
    CDEF("_cuda_add_cublas_path", f_cuda_add_cublas_path), CDEF("_cuda_generator", f_cuda_generator),
    CDEF("_to_device", f_to_device),
    {nullptr, nullptr, 0, nullptr}};
#undef CDEF

PyMethodDef* cuda_function_defs() { return cuda_defs; }

}  // namespace py
}  // namespace mag
