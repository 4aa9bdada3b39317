// pool.cpp: the freelists behind pool::alloc / pool::release (see pool.h).
#include "core/pool.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace mag {

bool (*g_gil_held)() = nullptr;

void gil_rule_violated(const char* where) {
  std::fprintf(stderr, "myautograd: %s ran without the GIL (Note [single-threaded reference counts])\n", where);
  std::abort();
}

namespace pool {

namespace {

constexpr size_t kGranule = 64;              // size classes: 64, 128, ..., kMaxBytes
constexpr size_t kMaxBytes = 1024;
constexpr size_t kClasses = kMaxBytes / kGranule;
constexpr size_t kBytesPerClass = 256 * 1024;  // cap on what one list keeps

struct FreeBlock { FreeBlock* next; };

// Process-wide, not per thread: every pooled block is allocated and released with the GIL
// held (Note [single-threaded reference counts], core/rc.h), so the GIL serializes these
// lists. Per-thread lists cost a __tls_get_addr call on each allocation and release in a
// dlopen'ed module (~12 per recorded 1-element op). Trivially destructible: blocks released
// during process exit still find valid lists.
struct Lists {
  FreeBlock* head[kClasses];
  uint32_t count[kClasses];
};
Lists g_lists;

inline size_t class_of(size_t nbytes) { return (nbytes - 1) / kGranule; }

}  // namespace

void* alloc(size_t nbytes) {
  check_gil_held("pool::alloc");
  if (nbytes == 0 || nbytes > kMaxBytes) return ::operator new(nbytes);
  size_t c = class_of(nbytes);
  if (FreeBlock* b = g_lists.head[c]) {
    g_lists.head[c] = b->next;
    --g_lists.count[c];
    return b;
  }
  return ::operator new((c + 1) * kGranule);
}

void release(void* p, size_t nbytes) {
  check_gil_held("pool::release");
  if (nbytes == 0 || nbytes > kMaxBytes) { ::operator delete(p); return; }
  size_t c = class_of(nbytes);
  if ((size_t)g_lists.count[c] * (c + 1) * kGranule >= kBytesPerClass) { ::operator delete(p); return; }
  FreeBlock* b = static_cast<FreeBlock*>(p);
  b->next = g_lists.head[c];
  g_lists.head[c] = b;
  ++g_lists.count[c];
}

}  // namespace pool
}  // namespace mag
