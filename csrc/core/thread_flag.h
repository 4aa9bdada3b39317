// thread_flag.h: per-thread mode flags (grad mode off, inference mode on) that every op reads.
#pragma once

namespace mag {

// A thread_local read costs a __tls_get_addr call in a dlopen'ed module, and each op reads
// these flags once or twice. So each flag also counts the threads that have it set: while
// the count is zero (the common case) the flag reads as false without a thread-local access.
// Set and read with the GIL held (core/rc.h), which serializes the count. A thread that ends
// with the flag still set leaves the count above zero: reads then just take the
// thread-local path, still correct.
template <class Tag>
struct ThreadFlag {
  static bool get() { return threads_set != 0 && mine; }
  static void set(bool v) {
    bool& m = mine;
    if (m == v) return;
    threads_set += v ? 1 : -1;
    m = v;
  }

 private:
  static inline thread_local bool mine = false;
  static inline int threads_set = 0;
};

struct GradDisabledTag {};
struct InferenceModeTag {};
using GradDisabled = ThreadFlag<GradDisabledTag>;
using InferenceOn = ThreadFlag<InferenceModeTag>;

}  // namespace mag
