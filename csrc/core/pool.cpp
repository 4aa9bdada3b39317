// pool.cpp: the per-thread freelists behind pool::alloc / pool::release (see pool.h).
#include "core/pool.h"
#include <cstdint>
#include <new>

namespace mag {
namespace pool {

namespace {

constexpr size_t kGranule = 64;              // size classes: 64, 128, ..., kMaxBytes
constexpr size_t kMaxBytes = 1024;
constexpr size_t kClasses = kMaxBytes / kGranule;
constexpr size_t kBytesPerClass = 256 * 1024;  // cap on what one list keeps per thread

struct FreeBlock { FreeBlock* next; };

enum State : unsigned char { kUnused, kAlive, kDead };

// Trivially destructible, so reaching it costs one TLS lookup and no init guard. Its blocks
// are returned when the thread ends by t_reaper, constructed on this thread's first pooled
// allocation; afterwards (thread or process exit) blocks go straight to operator new/delete.
struct Lists {
  FreeBlock* head[kClasses];
  uint32_t count[kClasses];
  State state;
};
thread_local Lists t_lists;

struct Reaper {
  bool armed = false;
  ~Reaper() {
    Lists& l = t_lists;
    l.state = kDead;
    for (size_t c = 0; c < kClasses; ++c)
      while (l.head[c]) { FreeBlock* b = l.head[c]; l.head[c] = b->next; ::operator delete(b); }
  }
};
thread_local Reaper t_reaper;

inline size_t class_of(size_t nbytes) { return (nbytes - 1) / kGranule; }

__attribute__((noinline)) void* alloc_slow(Lists& l, size_t c) {
  if (l.state == kUnused) {
    t_reaper.armed = true;  // first use constructs it, registering its destructor for this thread
    l.state = kAlive;
  }
  return ::operator new((c + 1) * kGranule);
}

}  // namespace

void* alloc(size_t nbytes) {
  if (nbytes == 0 || nbytes > kMaxBytes) return ::operator new(nbytes);
  size_t c = class_of(nbytes);
  Lists& l = t_lists;
  if (FreeBlock* b = l.head[c]) {
    l.head[c] = b->next;
    --l.count[c];
    return b;
  }
  return alloc_slow(l, c);
}

void release(void* p, size_t nbytes) {
  Lists& l = t_lists;
  if (nbytes == 0 || nbytes > kMaxBytes || l.state != kAlive) { ::operator delete(p); return; }
  size_t c = class_of(nbytes);
  if ((size_t)l.count[c] * (c + 1) * kGranule >= kBytesPerClass) { ::operator delete(p); return; }
  FreeBlock* b = static_cast<FreeBlock*>(p);
  b->next = l.head[c];
  l.head[c] = b;
  ++l.count[c];
}

}  // namespace pool
}  // namespace mag
