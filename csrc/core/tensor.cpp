// tensor.cpp: storage allocation, strides helpers, tensor construction and views.
#include "core/tensor.h"
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>
#include "autograd/node.h"
#include "core/cuda_backend.h"
#include "core/pool.h"

namespace mag {

std::string device_str(Device d) {
  if (d.type == DeviceType::CPU) return "cpu";
  return d.index >= 0 ? str_cat("cuda:", (int)d.index) : std::string("cuda");
}

// Bytes of CPU storage currently allocated: leak tests read it through _C._cpu_bytes_in_use().
static std::atomic<int64_t> g_cpu_bytes{0};
int64_t cpu_bytes_in_use() { return g_cpu_bytes.load(std::memory_order_relaxed); }
// Storage is created and freed with the GIL held (Note [single-threaded reference counts],
// core/rc.h), so the count needs no locked read-modify-write: a plain load and store, atomic
// only so that a reader on another thread sees a whole value.
static inline void add_cpu_bytes(int64_t d) {
  g_cpu_bytes.store(g_cpu_bytes.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
}

// Note [large block cache]: blocks of at least kCacheMinBytes go to a small cache on free and
// are handed out again for the same rounded size. glibc serves them with mmap/munmap (its
// dynamic threshold becomes the freed size, so same-size requests keep missing it), and a
// fresh mapping page-faults on first touch: 4096 faults for 16 MiB, more time than an
// elementwise pass over it. torch's process avoids this only by the accident of glibc's
// state after its import. Cached bytes are not "in use" (cpu_bytes_in_use); the cache holds
// at most kCacheMaxBytes, evicting the oldest, and is emptied when an allocation fails.
namespace {
constexpr size_t kCacheMinBytes = size_t(1) << 20, kCacheMaxBytes = size_t(256) << 20;
struct LargeBlockCache {
  std::mutex m;
  std::vector<std::pair<size_t, void*>> blocks;  // (rounded size, block), oldest first
  size_t total = 0;
  void* take(size_t n) {
    std::lock_guard<std::mutex> g(m);
    for (size_t i = blocks.size(); i-- > 0;) {  // newest first: likeliest still in cache lines
      if (blocks[i].first != n) continue;
      void* p = blocks[i].second;
      blocks.erase(blocks.begin() + (std::ptrdiff_t)i);
      total -= n;
      return p;
    }
    return nullptr;
  }
  void put(size_t n, void* p) {
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> g(m);
      if (n > kCacheMaxBytes) { evicted.push_back(p); }
      else {
        blocks.emplace_back(n, p);
        total += n;
        size_t k = 0;
        while (total > kCacheMaxBytes) { total -= blocks[k].first; evicted.push_back(blocks[k].second); ++k; }
        blocks.erase(blocks.begin(), blocks.begin() + (std::ptrdiff_t)k);
      }
    }
    for (void* q : evicted) std::free(q);
  }
  void clear() {
    std::vector<std::pair<size_t, void*>> all;
    {
      std::lock_guard<std::mutex> g(m);
      all.swap(blocks);
      total = 0;
    }
    for (auto& b : all) std::free(b.second);
  }
};
LargeBlockCache& large_cache() {
  static auto* c = new LargeBlockCache();  // never destroyed: storages may die after static teardown
  return *c;
}
}  // namespace

static void cpu_free(void* ctx, void* p) {
  size_t n = (size_t)ctx;
  add_cpu_bytes(-(int64_t)n);
  if (n >= kCacheMinBytes) large_cache().put(n, p);
  else std::free(p);
}

Storage::~Storage() {
  if (deleter) deleter(ctx, data);
}

static void* cpu_alloc(size_t nbytes, size_t& rounded) {
  // Below a page, plain malloc (16-byte aligned, served from glibc's fast bins); above it,
  // 64-byte alignment for vector loads. memalign on small sizes is slow (malloc_consolidate).
  size_t n = nbytes ? (nbytes + 63) & ~size_t(63) : 64;
  void* p = n >= kCacheMinBytes ? large_cache().take(n) : nullptr;
  if (!p) p = n <= 4096 ? std::malloc(n) : std::aligned_alloc(64, n);
  if (!p && n >= kCacheMinBytes) {
    large_cache().clear();
    p = std::aligned_alloc(64, n);
  }
  if (!p) {
    MAG_THROW(Memory, "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate ",
              nbytes, " bytes. Error code 12 (Cannot allocate memory)");
  }
  add_cpu_bytes((int64_t)n);
  rounded = n;
  return p;
}

Rc<Storage> Storage::allocate(size_t nbytes, Device device) {
  if (!device.is_cpu()) return cuda_storage(nbytes, device);
  auto s = make_rc<Storage>();
  size_t n;
  s->data = cpu_alloc(nbytes, n);
  s->nbytes = nbytes;
  s->device = device;
  s->deleter = cpu_free;
  s->ctx = (void*)n;  // the rounded size, for the in-use count
  return s;
}

namespace {
// A fresh tensor's storage and version counter share one allocation; tiny tensors (up to
// kInlineBytes, e.g. scalars and loss values) keep their data in it too.
constexpr size_t kInlineBytes = 64;
struct StorageBlock {
  Storage storage;
  VersionCounter version;
  alignas(16) char inline_data[kInlineBytes];  // 16, not 64: over-aligned new is slow
  StorageBlock() { add_cpu_bytes(kInlineBytes); }
  ~StorageBlock() { add_cpu_bytes(-(int64_t)kInlineBytes); }
};
}  // namespace

static void fresh_storage(TensorImpl& impl, size_t nbytes, Device device) {
  if (!device.is_cpu()) {  // device memory: its own storage, a separate version counter
    impl.storage = cuda_storage(nbytes, device);
    impl.version = make_rc<VersionCounter>();
    return;
  }
  auto block = pool::make<StorageBlock>();
  Storage& st = block->storage;
  if (nbytes <= kInlineBytes) {
    st.data = block->inline_data;
  } else {
    size_t n;
    st.data = cpu_alloc(nbytes, n);
    st.deleter = cpu_free;
    st.ctx = (void*)n;
  }
  st.nbytes = nbytes;
  st.device = device;
  impl.storage = Rc<Storage>(block, &block->storage);
  impl.version = Rc<VersionCounter>(block, &block->version);
}

TensorImpl::~TensorImpl() {
  if (grad_fn) release_node(std::move(grad_fn));
}

bool TensorImpl::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t i = (int64_t)sizes.size() - 1; i >= 0; --i) {
    if (sizes[i] == 1) continue;
    if (sizes[i] == 0) return true;
    if (strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

int64_t Tensor::size(int64_t d) const { return impl_->sizes[wrap_dim(d, dim())]; }

// The strides of a contiguous tensor of `sizes`, written to st[0 .. sizes.size()).
static void write_contiguous_strides(int64_t* st, const Shape& sizes) {
  int64_t s = 1;
  for (int64_t i = (int64_t)sizes.size() - 1; i >= 0; --i) {
    st[i] = s;
    s *= sizes[i] > 1 ? sizes[i] : 1;
  }
}

Shape contiguous_strides(const Shape& sizes) {
  Shape st(sizes.size());
  write_contiguous_strides(st.data(), sizes);
  return st;
}

int64_t shape_numel(const Shape& sizes) {
  int64_t n = 1;
  for (auto s : sizes) n *= s;
  return n;
}

int64_t wrap_dim(int64_t dim, int64_t ndim) {
  int64_t lo = ndim > 0 ? -ndim : -1, hi = ndim > 0 ? ndim - 1 : 0;
  if (dim < lo || dim > hi)
    MAG_THROW(Index, "Dimension out of range (expected to be in range of [", lo, ", ", hi,
              "], but got ", dim, ")");
  return dim < 0 ? dim + (ndim > 0 ? ndim : 1) : dim;
}

Tensor empty(const Shape& sizes, DType dtype, Device device) {
  // one pass: negative sizes, and numel * itemsize must fit in int64 (as torch's check): an
  // overflow is an error, never a wrapped-around small allocation
  int64_t n = 1, nbytes = 0;
  bool negative = false, overflow = false;
  for (auto s : sizes) {
    negative |= s < 0;
    overflow |= __builtin_mul_overflow(n, s, &n);
  }
  overflow |= __builtin_mul_overflow(n, (int64_t)itemsize(dtype), &nbytes);
  if (negative || overflow) {  // a negative size is reported first, as torch
    std::string r;
    for (size_t i = 0; i < sizes.size(); ++i) r += (i ? ", " : "") + std::to_string(sizes[i]);
    for (auto s : sizes) MAG_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": [", r, "]");
    MAG_THROW(Runtime, "Storage size calculation overflowed with sizes=[", r, "]");
  }
  auto impl = pool::make<TensorImpl>();
  impl->sizes = sizes;
  impl->strides = sizes;  // same length, overwritten in place (no temporary Shape)
  write_contiguous_strides(impl->strides.data(), sizes);
  impl->numel = n;
  impl->dtype = dtype;
  if (!device.is_cpu()) device = resolve_cuda_device(device);  // "cuda" means the current device
  impl->device = device;
  fresh_storage(*impl, (size_t)nbytes, device);
  if (InferenceOn::get()) impl->ext().is_inference = true;
  return Tensor(std::move(impl));
}

Tensor make_view(const Tensor& src, Shape sizes, Shape strides, int64_t offset) {
  auto impl = pool::make<TensorImpl>();
  impl->storage = src.impl()->storage;
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->refresh_numel();
  impl->dtype = src.dtype();
  impl->device = src.device();
  impl->version = src.impl()->version;
  return Tensor(std::move(impl));
}

Tensor detach_tensor(const Tensor& src) {
  Tensor t = make_view(src, src.sizes(), src.strides(), src.offset());
  if (src.impl()->extra && src.impl()->extra->is_inference) t.impl()->ext().is_inference = true;
  return t;
}

}  // namespace mag
