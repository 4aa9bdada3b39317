// parallel.h: the CPU kernels' intra-op thread pool, split like torch's at::parallel_for
// (OpenMP backend): a range above the grain size is cut into min(threads, ceil(n/grain))
// equal chunks of ceil(n/chunks), chunk t on thread t. Reductions rely on that exact split
// (see sum_cascade.cpp), so do not change it without changing both.
#pragma once
#include <cstdint>
#include <functional>

namespace mag {

constexpr int64_t GRAIN_SIZE = 32768;  // at::internal::GRAIN_SIZE

int get_num_threads();
void set_num_threads(int n);
int get_thread_num();        // 0 on the calling thread and outside parallel regions
bool in_parallel_region();

namespace detail {
void parallel_run(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f);
}

// Note [GIL release]: a long kernel runs with the GIL released so other Python threads make
// progress. The binding layer installs these hooks (release returns null when the calling
// thread does not hold the GIL); parallel_for uses them around a big top-level range. Its
// chunk functions see raw data pointers only and never copy or drop a tensor handle: the
// handles' reference counts are not atomic (Note [single-threaded reference counts]).
struct GilHooks {
  void* (*release)() = nullptr;
  void (*restore)(void*) = nullptr;
};
extern GilHooks g_gil_hooks;
// Work that must stay serialized by the GIL keeps it for its whole extent: accumulating into a
// leaf's .grad, which another thread's backward may accumulate into at the same time (torch
// takes a per-leaf mutex there).
bool gil_kept();
struct KeepGil {
  KeepGil();
  ~KeepGil();
  KeepGil(const KeepGil&) = delete;
  KeepGil& operator=(const KeepGil&) = delete;
};
struct GilReleased {
  void* state = nullptr;
  explicit GilReleased(bool on) { if (on && g_gil_hooks.release && !gil_kept()) state = g_gil_hooks.release(); }
  ~GilReleased() { if (state) g_gil_hooks.restore(state); }
  GilReleased(const GilReleased&) = delete;
  GilReleased& operator=(const GilReleased&) = delete;
};

// f(begin, end) on each chunk; serial when the range is small, one thread is configured, or
// already inside a parallel region. Exceptions from any chunk are rethrown here.
template <typename F>
inline void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& f) {
  int64_t n = end - begin;
  if (n <= 0) return;
  bool top_level_big = n > grain && n > 1 && !in_parallel_region();
  GilReleased nogil(top_level_big);
  if (top_level_big && get_num_threads() > 1) {
    detail::parallel_run(begin, end, grain, std::function<void(int64_t, int64_t)>(f));
  } else {
    f(begin, end);
  }
}

}  // namespace mag
