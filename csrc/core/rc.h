// rc.h: the reference-counted handles of tensors, storages, version counters and graph nodes.
//
// Note [single-threaded reference counts]: std::shared_ptr updates its counts with atomic
// read-modify-write instructions as soon as the process has a second thread (any library's:
// `import torch` starts one, so does our kernel pool), and a tiny op or backward does dozens
// of such updates: that doubled the time of a 1-element forward+backward. These handles use
// libstdc++'s single-threaded policy (plain increments) instead, which is safe because every
// count update happens with the GIL held or on objects no other thread can see:
//  - Python-facing code (bindings, recording, the engine) runs with the GIL held;
//  - the GIL is released only inside long kernels (parallel_for, kernels/cpu/parallel.h),
//    which work on raw data pointers and never copy or drop a handle to a shared object;
//  - pool worker threads run kernel loops over raw pointers only.
// Code that releases the GIL must keep to this rule (see Note [GIL release]).
#pragma once
#include <memory>
#include <utility>

namespace mag {

constexpr auto kRcPolicy = __gnu_cxx::_S_single;
template <class T> using Rc = std::__shared_ptr<T, kRcPolicy>;
template <class T> using WeakRc = std::__weak_ptr<T, kRcPolicy>;
template <class T> using EnableRcFromThis = std::__enable_shared_from_this<T, kRcPolicy>;

template <class T, class... A>
Rc<T> make_rc(A&&... a) { return std::__make_shared<T, kRcPolicy>(std::forward<A>(a)...); }

// The same rule lets process-wide state that every op touches (the block pool, the node
// teardown queue) be plain globals instead of thread-locals, whose every access is a
// __tls_get_addr call in a dlopen'ed module. Sanitizer builds check the rule there: the
// binding layer installs g_gil_held (null until then, e.g. in C++-only callers).
extern bool (*g_gil_held)();
[[noreturn]] void gil_rule_violated(const char* where);
inline void check_gil_held(const char* where) {
#if defined(__SANITIZE_ADDRESS__)
  if (g_gil_held && !g_gil_held()) gil_rule_violated(where);
#else
  (void)where;
#endif
}

}  // namespace mag
