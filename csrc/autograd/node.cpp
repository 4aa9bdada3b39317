// node.cpp: saved variables, node lifetime (iterative release of long chains), grad modes,
// the helpers that record history, and AccumulateGrad.
#include "autograd/node.h"
#include <atomic>
#include "core/pool.h"
#include "kernels/cpu/parallel.h"
#include "ops/native.h"

namespace mag {

PyBridge g_py;

// Nodes are created with the GIL held (Note [single-threaded reference counts], core/rc.h):
// a plain load and store, no locked increment per recorded op.
static std::atomic<uint64_t> g_seq{0};
uint64_t next_sequence_nr() {
  uint64_t v = g_seq.load(std::memory_order_relaxed);
  g_seq.store(v + 1, std::memory_order_relaxed);
  return v;
}

Node::Node() : sequence_nr(next_sequence_nr()) {}

Node::~Node() {
  if (g_py.decref) {
    for (auto& h : tensor_pre_hooks) g_py.decref(h.second);
    for (auto* h : post_hooks) g_py.decref(h);
    for (auto* h : pre_hooks) g_py.decref(h);
  }
  for (auto& e : next_edges)
    if (e.fn) release_node(std::move(e.fn));
}

// Note [iterative teardown]: dropping the last reference to the head of a 100k-node chain
// would recurse once per node. Nodes whose last reference is being dropped are queued and
// destroyed by the outermost call instead. The queue is process-wide: node references are
// only dropped with the GIL held (core/rc.h). A node's destructor may run Python code that
// lets another thread in; that thread's nodes then join the queue and the outer loop
// destroys them. Never freed, so releases during process exit still find it.
namespace {
struct Teardown {
  std::vector<Rc<Node>> pending;
  bool draining = false;
};
Teardown* const g_teardown = new Teardown();
}  // namespace

void release_node(Rc<Node>&& n) {
  if (!n) return;
  if (n.use_count() > 1) { n.reset(); return; }
  check_gil_held("release_node");
  Teardown& t = *g_teardown;
  if (t.draining) { t.pending.push_back(std::move(n)); return; }
  t.draining = true;
  n.reset();  // may queue more nodes
  while (!t.pending.empty()) {
    Rc<Node> cur = std::move(t.pending.back());
    t.pending.pop_back();
    cur.reset();  // may queue more nodes
  }
  t.draining = false;
}

// --- SavedVariable
void SavedVariable::save(const Tensor& t, bool output) {
  if (!t.defined()) return;
  if (t.impl()->extra && t.impl()->extra->is_inference && !InferenceMode::is_enabled())
    MAG_THROW(Runtime, "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.");
  defined = true;
  is_output = output;
  saved_version = t.version();
  output_nr = t.impl()->output_nr;
  was_leaf = t.is_leaf();
  if (output) {
    data = detach_tensor(t);  // no grad_fn: the node must not own itself
    data.impl()->requires_grad = false;
  } else {
    data = t;
  }
}

std::string qualified_name(const Node& node) {
  std::string n = node.name();
  // torch's hand-written C++ nodes report their namespaced C++ name; generated ones do not
  return n == "AccumulateGrad" || n == "CopySlices" || n == "NotImplemented" ? "torch::autograd::" + n : n;
}

static std::string strip_backward(const Node& node) {
  std::string n = qualified_name(node);
  size_t p = n.rfind("Backward");
  return p == std::string::npos ? n : n.substr(0, p);
}

Tensor SavedVariable::unpack(Node* owner) const {
  if (released)
    MAG_THROW(Runtime, "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.");
  if (!defined) return Tensor();
  if (data.version() != saved_version) {
    std::string sizes = native::shape_str(data.sizes());
    std::string which;
    Rc<Node> fn = is_output ? (owner ? owner->shared_from_this() : nullptr) : data.grad_fn();
    if (fn) which = str_cat(", which is output ", is_output ? output_nr : data.impl()->output_nr, " of ", strip_backward(*fn), ",");
    std::string hint = AnomalyMode::is_enabled()
        ? "Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
        : "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).";
    MAG_THROW(Runtime, "one of the variables needed for gradient computation has been modified by an inplace operation: [",
              legacy_type_name(data.dtype()), " ", sizes, "]", which, " is at version ", data.version(),
              "; expected version ", saved_version, " instead. ", hint);
  }
  if (is_output && owner && GradMode::is_enabled()) {
    Tensor t = detach_tensor(data);
    t.impl()->grad_fn = owner->shared_from_this();
    t.impl()->output_nr = output_nr;
    return t;
  }
  return data;
}

// --- FnNode
// A node whose incoming gradients are all undefined (upstream gave none: e.g. the 0-norm)
// passes undefined gradients on without running its formula, which may assume defined ones.
TensorList FnNode::apply(TensorList&& grads) {
  bool any = false;
  for (auto& g : grads) any |= g.defined();
  if (!any) return TensorList(next_edges.size());
  return formula(*this, grads);
}
void FnNode::release_variables() {
  for (auto& s : saved) s.reset();
  released_ = true;
}

// --- grad modes
static bool g_anomaly = false, g_anomaly_nan = true;
bool AnomalyMode::is_enabled() { return g_anomaly; }
bool AnomalyMode::check_nan() { return g_anomaly_nan; }
void AnomalyMode::set_enabled(bool e, bool c) { g_anomaly = e; g_anomaly_nan = c; }

// --- recording
Rc<Node> grad_accumulator(const Tensor& leaf) {
  auto& ex = leaf.impl()->ext();
  if (ex.grad_accumulator) return ex.grad_accumulator;
  auto acc = make_rc<AccumulateGrad>(leaf);
  ex.grad_accumulator = acc;
  return acc;
}

Edge gradient_edge(const Tensor& t) {
  if (!t.defined()) return Edge();
  if (t.grad_fn()) return Edge{t.grad_fn(), t.impl()->output_nr};
  if (t.impl()->requires_grad) return Edge{grad_accumulator(t), 0};
  return Edge();
}

bool compute_requires_grad(std::initializer_list<const Tensor*> ts) {
  if (!GradMode::is_enabled()) return false;
  for (auto* t : ts) if (t->defined() && t->requires_grad()) return true;
  return false;
}
bool compute_requires_grad(const TensorList& ts) {
  if (!GradMode::is_enabled()) return false;
  for (auto& t : ts) if (t.defined() && t.requires_grad()) return true;
  return false;
}

void collect_next_edges(Node& n, std::initializer_list<const Tensor*> inputs) {
  n.next_edges.reserve(inputs.size());
  for (auto* t : inputs) n.next_edges.push_back(t->defined() && t->requires_grad() ? gradient_edge(*t) : Edge());
}

Rc<FnNode> make_fn_node(const char* name, FnNode::Formula f, std::initializer_list<const Tensor*> inputs) {
  auto n = pool::make<FnNode>(name, f);
  collect_next_edges(*n, inputs);
  return n;
}

Rc<FnNode> make_fn_node(const char* name, FnNode::Formula f, const TensorList& inputs) {
  auto n = pool::make<FnNode>(name, f);
  n->next_edges.reserve(inputs.size());
  for (auto& t : inputs) n->next_edges.push_back(t.defined() && t.requires_grad() ? gradient_edge(t) : Edge());
  return n;
}

void set_history(const Tensor& out, const Rc<Node>& node, uint32_t output_nr) {
  out.impl()->grad_fn = node;
  out.impl()->output_nr = output_nr;
  if (node->input_meta.size() <= output_nr) node->input_meta.resize(output_nr + 1);
  InputMeta& m = node->input_meta[output_nr];  // filled in place: no temporary InputMeta
  m.sizes = out.sizes();
  m.dtype = out.dtype();
  m.device = out.device();
}

void check_inplace(const Tensor& t) {
  if (GradMode::is_enabled()) {
    if (t.is_leaf() && t.impl()->requires_grad)
      MAG_THROW(Runtime, "a leaf Variable that requires grad is being used in an in-place operation.");
    if (t.impl()->view_base) {
      const Tensor base(t.impl()->view_base);
      if (base.is_leaf() && base.impl()->requires_grad)
        MAG_THROW(Runtime, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }
  }
  if (t.impl()->extra && t.impl()->extra->is_inference && !InferenceMode::is_enabled())
    MAG_THROW(Runtime, "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.");
}

// --- AccumulateGrad
AccumulateGrad::AccumulateGrad(const Tensor& v) : variable_(v.ptr()) {
  sequence_nr = UINT64_MAX;  // runs as soon as it is ready, like torch's
  input_meta.push_back(InputMeta{v.sizes(), v.dtype(), v.device()});
}

static bool stealable(const Tensor& g) {
  // a fresh tensor's storage and version counter share one control block (tensor.cpp), so
  // that block counts 2 when nothing else holds the storage
  const auto& impl = *g.impl();
  bool shared_block = !impl.storage.owner_before(impl.version) && !impl.version.owner_before(impl.storage);
  long sole = shared_block ? 2 : 1;
  return g.ptr().use_count() <= 1 && impl.storage.use_count() == sole && g.is_contiguous() &&
         g.offset() == 0 && !g.grad_fn() && !g.impl()->is_wrapped_number;
}

void accumulate_into_grad(const Tensor& variable, const Tensor& new_grad) {
  KeepGil serialized;  // another thread's backward may be accumulating into the same .grad
  auto& ex = variable.impl()->ext();
  if (!ex.grad) {
    if (GradMode::is_enabled()) {  // create_graph: a recorded copy in the leaf's layout
      extern Tensor ag_clone_obey_contract(const Tensor& g, const Tensor& variable);
      ex.grad = ag_clone_obey_contract(new_grad, variable).ptr();
    } else if (stealable(new_grad)) {
      ex.grad = new_grad.ptr();
    } else {
      ex.grad = native::clone(new_grad).ptr();
    }
    return;
  }
  Tensor g(ex.grad);
  if (GradMode::is_enabled()) {
    // out of place, so a create_graph backward records the sum
    extern Tensor ag_add_for_accumulate(const Tensor& a, const Tensor& b);
    ex.grad = ag_add_for_accumulate(g, new_grad).ptr();
  } else {
    native::binary_(BinaryOp::Add, g, new_grad);
    g.bump_version();
  }
}

TensorList AccumulateGrad::apply(TensorList&& grads) {
  Tensor g = std::move(grads[0]);
  grads.clear();
  Tensor variable = this->variable();
  if (!g.defined() || !variable.defined()) return {};  // a dead leaf's gradient is unobservable
  if (variable.impl()->extra && g_py.call_tensor_hook) {
    // leaf hooks run before accumulation and may replace the gradient
    auto hooks = variable.impl()->extra->hooks;
    for (auto& h : hooks) {
      Tensor r = g_py.call_tensor_hook(h.second, g);
      if (r.defined()) g = r;
    }
  }
  if (!variable.impl()->requires_grad) return {};
  accumulate_into_grad(variable, g);
  return {};
}

}  // namespace mag
