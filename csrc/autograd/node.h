// node.h: the autograd graph. A Node is one backward function: edges to the nodes of its
// forward inputs, metadata of its forward outputs (its backward inputs), saved variables,
// hooks. Note [no cycles]: nodes own next nodes and saved inputs; saved outputs are stored
// without grad_fn and re-linked on unpack (see SavedVariable).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "core/small_vector.h"
#include "core/tensor.h"
#include "kernels/kernels.h"

namespace mag {

struct Node;
struct Edge {
  Rc<Node> fn;
  uint32_t input_nr = 0;
  bool valid() const { return (bool)fn; }
};

struct InputMeta {
  Shape sizes;
  DType dtype = DType::Float32;
  Device device;
};

struct SavedVariable {
  Tensor data;
  uint32_t saved_version = 0;
  uint32_t output_nr = 0;
  bool is_output = false;
  bool defined = false;
  bool released = false;
  bool was_leaf = false;
  void save(const Tensor& t, bool output);
  // `owner` re-links a saved output to the node that produced it (a raw pointer: taking a
  // shared reference costs two atomic operations, needed only for saved outputs).
  Tensor unpack(Node* owner) const;
  void reset() { data.reset(); released = true; }
};

// Python callables held by nodes; the binding layer provides these (autograd/ has no CPython).
struct PyBridge {
  void (*incref)(void*) = nullptr;
  void (*decref)(void*) = nullptr;
  // tensor hook: returns an undefined Tensor to keep the gradient as is
  Tensor (*call_tensor_hook)(void* fn, const Tensor& grad) = nullptr;
  // node post-hook fn(grad_inputs, grad_outputs); node pre-hook fn(grad_outputs)
  void (*call_node_hook)(void* fn, Node* node, TensorList& grad_inputs, const TensorList& grad_outputs, bool pre) = nullptr;
  void (*warn)(const std::string& msg) = nullptr;
};
extern PyBridge g_py;

struct Node : EnableRcFromThis<Node> {
  uint64_t sequence_nr;
  SmallVector<Edge, 2> next_edges;
  SmallVector<InputMeta, 1> input_meta;  // one per forward output
  void* pyobj = nullptr;  // borrowed pointer to the Python wrapper, if any
  std::vector<std::pair<uint32_t, void*>> tensor_pre_hooks;  // (input index, callable)
  std::vector<std::pair<uint32_t, WeakRc<TensorImpl>>> retains_grad;
  std::vector<void*> post_hooks, pre_hooks;  // node hooks (callables)
  std::string anomaly_trace;  // forward stack when anomaly mode recorded it
  bool runs_python = false;  // apply may call into Python (custom autograd.Function nodes)

  Node();
  virtual ~Node();
  virtual std::string name() const = 0;
  virtual TensorList apply(TensorList&& grads) = 0;
  virtual void release_variables() {}
  virtual bool is_accumulate_grad() const { return false; }
  size_t num_outputs() const { return next_edges.size(); }
  bool needs_grad(size_t i) const { return i < next_edges.size() && next_edges[i].valid(); }
};

// A generic backward node: a name, saved variables and values, and one formula from the
// derivative table (derivatives.cpp).
struct FnNode : Node {
  using Formula = TensorList (*)(FnNode& self, const TensorList& grads);
  const char* node_name;
  Formula formula;
  SmallVector<SavedVariable, 3> saved;
  SmallVector<int64_t, 4> ints;  // inline: recording an op must not allocate beside the node
  SmallVector<double, 2> doubles;
  SmallVector<Scalar, 2> scalars;
  SmallVector<Shape, 1> shapes;
  DType dtype_arg = DType::Float32;
  bool flag = false;
  bool released_ = false;

  FnNode(const char* n, Formula f) : node_name(n), formula(f) {}
  std::string name() const override { return node_name; }
  TensorList apply(TensorList&& grads) override;
  void release_variables() override;
  Tensor sv(size_t i) { return saved[i].unpack(this); }
};

struct AccumulateGrad : Node {
  WeakRc<TensorImpl> variable_;  // Note [leaf owns its accumulator] (core/tensor.h)
  explicit AccumulateGrad(const Tensor& v);
  Tensor variable() const { return Tensor(variable_.lock()); }
  std::string name() const override { return "AccumulateGrad"; }
  TensorList apply(TensorList&& grads) override;
  bool is_accumulate_grad() const override { return true; }
};

// Node.name() as torch's Python API reports it (e.g. torch::autograd::AccumulateGrad)
std::string qualified_name(const Node& node);

// Custom Python autograd.Function nodes are implemented in the binding layer as a Node subclass.

// --- grad modes (thread-local)
struct GradMode {
  static bool is_enabled() { return !GradDisabled::get(); }
  static void set_enabled(bool on) { GradDisabled::set(!on); }
};
struct InferenceMode {
  static bool is_enabled() { return InferenceOn::get(); }
  static void set_enabled(bool on) { InferenceOn::set(on); }
};
struct AnomalyMode {
  static bool is_enabled();
  static bool check_nan();
  static void set_enabled(bool enabled, bool check_nan);
};
struct GradModeGuard {
  bool prev;
  explicit GradModeGuard(bool on) : prev(GradMode::is_enabled()) { GradMode::set_enabled(on); }
  ~GradModeGuard() { GradMode::set_enabled(prev); }
};

// --- recording helpers
Edge gradient_edge(const Tensor& t);
Rc<Node> grad_accumulator(const Tensor& leaf);
bool compute_requires_grad(std::initializer_list<const Tensor*> ts);
bool compute_requires_grad(const TensorList& ts);
// Creates a node with edges to `inputs` (invalid edge where an input needs no grad).
Rc<FnNode> make_fn_node(const char* name, FnNode::Formula f, std::initializer_list<const Tensor*> inputs);
Rc<FnNode> make_fn_node(const char* name, FnNode::Formula f, const TensorList& inputs);
void set_history(const Tensor& out, const Rc<Node>& node, uint32_t output_nr = 0);
void collect_next_edges(Node& n, std::initializer_list<const Tensor*> inputs);
uint64_t next_sequence_nr();

// --- the engine
TensorList run_backward(const TensorList& roots, const TensorList& grad_roots, bool keep_graph,
                        bool create_graph, const TensorList& inputs, bool allow_unused,
                        bool accumulate_grad);

// In-place checks: leaf / view-of-leaf errors; bumps the version.
void check_inplace(const Tensor& t);
void accumulate_into_grad(const Tensor& variable, const Tensor& new_grad);

}  // namespace mag
