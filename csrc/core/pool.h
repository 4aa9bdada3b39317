// pool.h: freelists for the small fixed-size blocks every op allocates (TensorImpl and
// storage control blocks, graph nodes). A 1-element op otherwise spends more time in
// malloc/free than in its arithmetic: glibc's tcache holds 7 blocks per size and larger frees
// take _int_free's slow path. The lists are process-wide and serialized by the GIL, which
// every caller holds (core/rc.h); sanitizer builds check that on each call.
#pragma once
#include <cstddef>
#include <memory>
#include "core/rc.h"

namespace mag {
namespace pool {

void* alloc(size_t nbytes);
void release(void* p, size_t nbytes);

// A std allocator over the pool, for Rc handles (control block and object in one
// pooled block).
template <typename T>
struct Allocator {
  using value_type = T;
  Allocator() = default;
  template <typename U> Allocator(const Allocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(alloc(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { release(p, n * sizeof(T)); }
  template <typename U> bool operator==(const Allocator<U>&) const { return true; }
  template <typename U> bool operator!=(const Allocator<U>&) const { return false; }
};

template <typename T, typename... Args>
Rc<T> make(Args&&... args) {
  return std::__allocate_shared<T, kRcPolicy>(Allocator<T>(), std::forward<Args>(args)...);
}

}  // namespace pool
}  // namespace mag
