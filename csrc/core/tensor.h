// tensor.h: Storage (bytes + device), the shared version counter, TensorImpl (a strided view
// of a storage plus autograd metadata), and Tensor, the handle everything passes around.
// Note [ownership]: Tensor -> grad_fn is strong, Node -> next nodes is strong, a node never
// owns its own outputs (saved outputs are stored without grad_fn), so no cycles form.
#pragma once
#include <atomic>
#include <memory>
#include <vector>
#include "core/dtype.h"
#include "core/error.h"
#include "core/small_vec.h"
#include "core/rc.h"
#include "core/small_vector.h"
#include "core/thread_flag.h"

namespace mag {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
struct Device {
  DeviceType type = DeviceType::CPU;
  int8_t index = -1;
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  bool is_cpu() const { return type == DeviceType::CPU; }
};
std::string device_str(Device d);

struct Storage {
  void* data = nullptr;
  size_t nbytes = 0;
  Device device;
  void (*deleter)(void* ctx, void* data) = nullptr;
  void* ctx = nullptr;
  ~Storage();
  static Rc<Storage> allocate(size_t nbytes, Device device);
};

int64_t cpu_bytes_in_use();

struct VersionCounter {
  uint32_t version = 0;
};

struct Node;
struct TensorImpl;
class Tensor;

// Rarely-used autograd state, allocated only when needed.
struct AutogradExtra {
  Rc<TensorImpl> grad;
  // Note [leaf owns its accumulator]: the leaf holds its AccumulateGrad strongly and the node
  // holds the leaf weakly (torch does the reverse), so a leaf's node is made once, not per graph.
  Rc<Node> grad_accumulator;
  bool retains_grad = false;
  bool is_inference = false;
  std::vector<std::pair<int, void*>> hooks;  // (handle id, PyObject* callable) for leaves
};

struct TensorImpl {
  Rc<Storage> storage;
  Shape sizes, strides;
  int64_t offset = 0;  // in elements
  int64_t numel = 0;
  DType dtype = DType::Float32;
  Device device;
  bool requires_grad = false;   // meaningful for leaves; non-leaves require grad via grad_fn
  bool is_wrapped_number = false;  // a Python scalar turned into a 0-d tensor
  uint32_t output_nr = 0;
  Rc<VersionCounter> version;
  Rc<Node> grad_fn;
  Rc<TensorImpl> view_base;  // set for views: the tensor whose storage this views (inline: every view has one)
  std::unique_ptr<AutogradExtra> extra;
  void* pyobj = nullptr;  // borrowed back-pointer to the Python wrapper, if one exists

  ~TensorImpl();
  AutogradExtra& ext() { if (!extra) extra.reset(new AutogradExtra()); return *extra; }
  char* data() const { return (char*)storage->data + offset * itemsize(dtype); }
  void refresh_numel() { int64_t n = 1; for (auto s : sizes) n *= s; numel = n; }
  bool is_contiguous() const;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Rc<TensorImpl> p) : impl_(std::move(p)) {}
  bool defined() const { return (bool)impl_; }
  TensorImpl* impl() const { return impl_.get(); }
  const Rc<TensorImpl>& ptr() const { return impl_; }
  void reset() { impl_.reset(); }

  const Shape& sizes() const { return impl_->sizes; }
  const Shape& strides() const { return impl_->strides; }
  int64_t size(int64_t d) const;  // d may be negative
  int64_t dim() const { return (int64_t)impl_->sizes.size(); }
  int64_t numel() const { return impl_->numel; }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->device; }
  int64_t offset() const { return impl_->offset; }
  char* data() const { return impl_->data(); }
  template <typename T> T* data_as() const { return (T*)impl_->data(); }
  bool is_contiguous() const { return impl_->is_contiguous(); }
  bool requires_grad() const { return impl_->requires_grad || impl_->grad_fn; }
  bool is_leaf() const { return !impl_->grad_fn; }
  const Rc<Node>& grad_fn() const { return impl_->grad_fn; }
  uint32_t version() const { return impl_->version->version; }
  void bump_version() const { impl_->version->version++; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

 private:
  Rc<TensorImpl> impl_;
};

// Note [TensorList]: inline room for two tensors; gradients flowing through the engine are
// lists of one or two, and a heap vector per node per backward dominated small graphs.
using TensorList = SmallVector<Tensor, 2>;

Shape contiguous_strides(const Shape& sizes);
int64_t shape_numel(const Shape& sizes);
// Wrap a possibly negative dim into [0, ndim); IndexError with torch's text when out of range.
int64_t wrap_dim(int64_t dim, int64_t ndim);

// New, uninitialised, contiguous tensor.
// Tensors allocated while inference mode is on (this thread) are inference tensors, as torch's.
Tensor empty(const Shape& sizes, DType dtype, Device device = Device());
// A new TensorImpl viewing `src`'s storage (shares the version counter).
Tensor make_view(const Tensor& src, Shape sizes, Shape strides, int64_t offset);
// Shallow copy without autograd history: same storage, same version counter.
Tensor detach_tensor(const Tensor& src);

// Release a grad_fn without deep recursion (long chains are torn down iteratively).
void release_node(Rc<Node>&& n);

}  // namespace mag
