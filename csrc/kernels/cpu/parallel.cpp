// parallel.cpp: a small persistent pool of std::threads for parallel_for (parallel.h).
// Workers spin briefly after a job, then sleep on a condition variable. The pool lives on
// the heap and is never destroyed (no joinable std::thread at exit); after fork() the child
// gets a fresh, empty pool that starts its workers at first use.
#include "kernels/cpu/parallel.h"
#include <pthread.h>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#include "core/error.h"

namespace mag {

GilHooks g_gil_hooks;
// Process-wide, not per thread (no TLS lookup): only the thread holding the GIL reads or
// changes it, and a KeepGil region keeps the GIL (unless Python code inside it lets another
// thread in, which then merely keeps the GIL through its kernels too).
static int g_keep_gil = 0;
bool gil_kept() { return g_keep_gil > 0; }
KeepGil::KeepGil() { ++g_keep_gil; }
KeepGil::~KeepGil() { --g_keep_gil; }

namespace {

thread_local int tl_thread_num = 0;
thread_local bool tl_in_parallel = false;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

int default_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {  // torch's OpenMP honours it too
    int v = std::atoi(env);
    if (v > 0) return v;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? (int)hc : 1;
}

struct Pool {
  std::mutex m, run_m;
  std::condition_variable cv_work, cv_done;
  std::vector<std::thread> workers;
  int nthreads = default_threads();
  bool stop = false;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> pending{0};
  // the current job
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t begin = 0, end = 0, chunk = 0, ntasks = 0;
  std::mutex err_m;
  std::exception_ptr error;

  void run_task(int tid) {
    int64_t b = begin + tid * chunk;
    if (tid >= ntasks || b >= end) return;
    int64_t e = std::min(end, b + chunk);
    int prev_num = tl_thread_num;
    bool prev_in = tl_in_parallel;
    tl_thread_num = tid;
    tl_in_parallel = true;
    try {
      (*fn)(b, e);
    } catch (...) {
      std::lock_guard<std::mutex> g(err_m);
      if (!error) error = std::current_exception();
    }
    tl_thread_num = prev_num;
    tl_in_parallel = prev_in;
  }

  void worker(int tid, uint64_t seen) {
    while (true) {
      uint64_t g = generation.load(std::memory_order_acquire);
      for (int i = 0; i < 4000 && g == seen; ++i) {
        cpu_relax();
        g = generation.load(std::memory_order_acquire);
      }
      if (g == seen) {
        std::unique_lock<std::mutex> l(m);
        cv_work.wait(l, [&] { return stop || generation.load(std::memory_order_acquire) != seen; });
        if (stop) return;
        g = generation.load(std::memory_order_acquire);
      }
      seen = g;
      run_task(tid);
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> l(m);
        cv_done.notify_one();
      }
    }
  }

  void start_workers() {  // called with run_m held
    if ((int)workers.size() == nthreads - 1) return;
    stop_workers();
    uint64_t gen = generation.load();
    for (int t = 1; t < nthreads; ++t) workers.emplace_back([this, t, gen] { worker(t, gen); });
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> l(m);
      stop = true;
    }
    cv_work.notify_all();
    for (auto& w : workers) w.join();
    workers.clear();
    stop = false;
  }

  void run(int64_t b, int64_t e, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
    std::unique_lock<std::mutex> busy(run_m, std::try_to_lock);
    if (!busy.owns_lock()) { f(b, e); return; }  // another thread uses the pool: run serially
    start_workers();
    int64_t n = e - b;
    int64_t nt = nthreads;
    if (grain > 0) nt = std::min<int64_t>(nt, (n + grain - 1) / grain);
    fn = &f;
    begin = b;
    end = e;
    ntasks = nt;
    chunk = (n + nt - 1) / nt;
    error = nullptr;
    pending.store((int)workers.size(), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> l(m);
      generation.fetch_add(1, std::memory_order_acq_rel);
    }
    cv_work.notify_all();
    run_task(0);
    for (int i = 0; i < 20000 && pending.load(std::memory_order_acquire) != 0; ++i) cpu_relax();
    if (pending.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> l(m);
      cv_done.wait(l, [&] { return pending.load(std::memory_order_acquire) == 0; });
    }
    fn = nullptr;
    if (error) std::rethrow_exception(error);
  }
};

Pool* g_pool = nullptr;
std::once_flag g_once;

void after_fork_child() { g_pool = new Pool(); }  // the parent's workers do not exist here

Pool& pool() {
  std::call_once(g_once, [] {
    g_pool = new Pool();
    pthread_atfork(nullptr, nullptr, after_fork_child);
  });
  return *g_pool;
}

}  // namespace

int get_num_threads() { return pool().nthreads; }

void set_num_threads(int n) {
  MAG_CHECK(n > 0, "set_num_threads expects a positive integer");
  Pool& p = pool();
  std::lock_guard<std::mutex> busy(p.run_m);
  if (n == p.nthreads) return;
  p.stop_workers();
  p.nthreads = n;
}

int get_thread_num() { return tl_thread_num; }
bool in_parallel_region() { return tl_in_parallel; }

namespace detail {
void parallel_run(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
  pool().run(begin, end, grain, f);
}
}  // namespace detail

}  // namespace mag
