// runtime.cu: the CUDA runtime layer behind CudaBackend: device discovery (no driver -> 0
// devices, never a crash), current device, synchronize, names, host<->device copies, and a
// caching allocator (freed blocks are kept per device and size and reused; empty_cache
// returns them). All work runs on the legacy default stream, so a block freed after a kernel
// is launched is only reused by work ordered after that kernel.
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>
#include "kernels/cuda/cuda_common.cuh"

namespace mag {
namespace cuda {

void throw_cuda_error(cudaError_t e, const char* what) {
  (void)what;
  cudaGetLastError();  // clear the (non-sticky) error so later calls are not blamed
  if (e == cudaErrorMemoryAllocation)
    MAG_THROW(Memory, "CUDA out of memory. (", cudaGetErrorString(e), ")");
  MAG_THROW(Runtime, "CUDA error: ", cudaGetErrorString(e),
            "\nCUDA kernel errors might be asynchronously reported at some other API call, so the "
            "stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1\n"
            "Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.\n");
}

DeviceGuard::DeviceGuard(int index) {
  if (index < 0) return;
  int cur = 0;
  MAG_CUDA_CHECK(cudaGetDevice(&cur));
  if (cur != index) { MAG_CUDA_CHECK(cudaSetDevice(index)); prev = cur; }
}
DeviceGuard::~DeviceGuard() {
  if (prev >= 0) cudaSetDevice(prev);  // no throw from a destructor
}

namespace {

// --- discovery: asked once (torch caches the count too)
std::once_flag g_count_once;
int g_count = 0;
bool g_driver = false;

void discover() {
  std::call_once(g_count_once, [] {
    int v = 0;
    g_driver = cudaDriverGetVersion(&v) == cudaSuccess && v > 0;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) { cudaGetLastError(); n = 0; }
    g_count = n;
  });
}

int device_count() { discover(); return g_count; }
bool has_driver() { discover(); return g_driver; }

void set_device(int index) { MAG_CUDA_CHECK(cudaSetDevice(index)); }
int current_device() { int d = 0; MAG_CUDA_CHECK(cudaGetDevice(&d)); return d; }
void synchronize(int index) { DeviceGuard g(index); MAG_CUDA_CHECK(cudaDeviceSynchronize()); }
std::string device_name(int index) {
  cudaDeviceProp p;
  MAG_CUDA_CHECK(cudaGetDeviceProperties(&p, index));
  return p.name;
}

// --- the caching allocator
constexpr int kMaxDevices = 64;
struct DeviceCache {
  std::unordered_map<size_t, std::vector<void*>> free_blocks;  // rounded size -> blocks
  std::unordered_map<void*, size_t> sizes;                      // every live or cached block
  int64_t allocated = 0, peak = 0, reserved = 0;
};
std::mutex g_alloc_mu;
DeviceCache* g_caches[kMaxDevices] = {};  // never freed: blocks may outlive static destruction

DeviceCache& cache_of(int index) {
  MAG_CHECK(index >= 0 && index < kMaxDevices, "CUDA device index ", index, " out of range");
  if (!g_caches[index]) g_caches[index] = new DeviceCache();
  return *g_caches[index];
}

// 512-byte granules below 1 MiB, 2 MiB granules above (fewer distinct sizes to cache)
size_t round_size(size_t n) {
  if (n < (1u << 20)) return (n + 511) & ~size_t(511);
  return (n + (2u << 20) - 1) & ~(size_t(2u << 20) - 1);
}

void release_cached(DeviceCache& c, int index) {
  DeviceGuard g(index);
  for (auto& kv : c.free_blocks)
    for (void* p : kv.second) { cudaFree(p); c.sizes.erase(p); c.reserved -= (int64_t)kv.first; }
  c.free_blocks.clear();
}

void* alloc(size_t nbytes, int index) {
  if (nbytes == 0) return nullptr;
  size_t n = round_size(nbytes);
  std::lock_guard<std::mutex> lk(g_alloc_mu);
  DeviceCache& c = cache_of(index);
  void* p = nullptr;
  auto it = c.free_blocks.find(n);
  if (it != c.free_blocks.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
  } else {
    DeviceGuard g(index);
    cudaError_t e = cudaMalloc(&p, n);
    if (e == cudaErrorMemoryAllocation) {  // give the cache back and try once more
      cudaGetLastError();
      release_cached(c, index);
      e = cudaMalloc(&p, n);
    }
    if (e != cudaSuccess) {
      cudaGetLastError();
      size_t free_b = 0, total_b = 0;
      cudaMemGetInfo(&free_b, &total_b);
      cudaGetLastError();
      MAG_THROW(Memory, "CUDA out of memory. Tried to allocate ", str_cat((double)nbytes / (1 << 20)), " MiB. GPU ",
                index, " has a total capacity of ", (double)total_b / (1 << 30), " GiB of which ",
                (double)free_b / (1 << 20), " MiB is free.");
    }
    c.sizes[p] = n;
    c.reserved += (int64_t)n;
  }
  c.allocated += (int64_t)n;
  if (c.allocated > c.peak) c.peak = c.allocated;
  return p;
}

void free_block(void* p, int index) {
  if (!p) return;
  std::lock_guard<std::mutex> lk(g_alloc_mu);
  DeviceCache& c = cache_of(index);
  auto it = c.sizes.find(p);
  if (it == c.sizes.end()) return;
  c.allocated -= (int64_t)it->second;
  c.free_blocks[it->second].push_back(p);
}

void memory_stats(int index, int64_t out[3]) {
  std::lock_guard<std::mutex> lk(g_alloc_mu);
  DeviceCache& c = cache_of(index);
  out[0] = c.allocated; out[1] = c.peak; out[2] = c.reserved;
}

void reset_peak(int index) {
  std::lock_guard<std::mutex> lk(g_alloc_mu);
  DeviceCache& c = cache_of(index);
  c.peak = c.allocated;
}

void empty_cache() {
  std::lock_guard<std::mutex> lk(g_alloc_mu);
  for (int i = 0; i < kMaxDevices; ++i)
    if (g_caches[i]) release_cached(*g_caches[i], i);
}

void copy_bytes(void* dst, const void* src, size_t n, CopyKind kind, bool non_blocking, int index) {
  (void)kind;  // cudaMemcpyDefault: unified addressing knows where each pointer lives
  DeviceGuard g(index);
  if (non_blocking) MAG_CUDA_CHECK(cudaMemcpyAsync(dst, src, n, cudaMemcpyDefault, 0));
  else MAG_CUDA_CHECK(cudaMemcpy(dst, src, n, cudaMemcpyDefault));
}

}  // namespace
void add_cublas_path(const std::string& path);
namespace {

KernelTable make_table() {
  KernelTable t{};
  register_elementwise(t);
  register_reduce(t);
  register_index(t);
  register_blas(t);
  return t;
}

const KernelTable g_table = make_table();

const CudaBackend g_backend = {device_count, has_driver, set_device, current_device, synchronize, device_name,
                               alloc, free_block, copy_bytes, memory_stats, reset_peak, empty_cache, add_cublas_path,
                               &g_table};

// registered when the shared object loads: no CUDA call happens here
const int g_registered = (register_cuda_backend(&g_backend), 0);

}  // namespace
}  // namespace cuda
}  // namespace mag
