// engine.cpp: the backward engine. Dependencies are counted over an explicit work list
// (no recursion); ready nodes run highest sequence number first (AccumulateGrad first), as
// torch's CPU ready queue does, so gradients are summed in torch's order.
#include <cmath>
#include <algorithm>
#include "autograd/node.h"
#include "autograd/ops.h"
#include "ops/native.h"

namespace mag {

namespace {

std::string size_str(const Shape& s) { return "torch.Size(" + native::shape_str(s) + ")"; }

struct ReadyCmp {
  bool operator()(Node* a, Node* b) const { return a->sequence_nr < b->sequence_nr; }
};

bool has_nan(const Tensor& t) {
  if (!is_floating(t.dtype())) return false;
  Tensor r = native::all_any(native::binary(BinaryOp::Ne, t, t), {}, false, false);
  return *host_readable(r).data_as<bool>();
}

Tensor validate_grad(Node& producer, size_t i, const Edge& e, Tensor g) {
  if (!g.defined()) return g;
  const InputMeta& m = e.fn->input_meta[e.input_nr];
  if (g.sizes() != m.sizes) {
    // broadcast gradients are reduced back to the input's shape
    bool expandable = true;
    try { Shape b = native::broadcast_shapes(m.sizes, g.sizes()); expandable = (b == g.sizes()); } catch (...) { expandable = false; }
    if (!expandable)
      MAG_THROW(Runtime, "Function ", producer.name(), " returned an invalid gradient at index ", i, " - got ",
                native::shape_str(g.sizes()), " but expected shape compatible with ", native::shape_str(m.sizes));
    g = ag::sum_to(g, m.sizes);
  }
  if (g.dtype() != m.dtype && is_floating(m.dtype)) g = ag::to_dtype(g, m.dtype);
  if (g.device() != m.device) g = ag::to_device(g, m.device, false);  // as torch: onto the input's device
  return g;
}

}  // namespace

namespace {

// Per-run bookkeeping for every reachable node, in one flat open-addressing table: no
// allocation per node (std::unordered_map allocated per entry and dominated small graphs).
// Each run has its own table, so reentrant backward (from a hook) and threads need no
// coordination.
struct NodeState {
  Node* key = nullptr;
  int deps = 0;          // pending producers; -1 once queued
  bool visited = false;  // reached by the dependency walk
  bool needed = false;   // on a path to a captured input (autograd.grad / inputs=)
  int capture = -1;      // first slot in `captures` for this node, or -1
  TensorList buffer;     // summed incoming gradients, one per forward output
  void reset() { key = nullptr; deps = 0; visited = needed = false; capture = -1; buffer.clear(); }
};

// The slot array of a finished run is kept (cleared) and reused by the next run: small
// graphs then allocate no table at all. A reentrant run (backward inside a hook), or another
// thread's run while a hook let it in, finds the spare in use and allocates its own. One
// process-wide spare, serialized by the GIL (core/rc.h): no TLS lookup per run; never freed.
constexpr size_t kMinSlots = 32, kMaxSpareSlots = 64;  // a big spare would cost every run its clearing
struct SpareSlots {
  std::vector<NodeState> slots;
  bool in_use = false;
};
SpareSlots* const g_spare = new SpareSlots();

class NodeTable {
 public:
  NodeTable() {
    SpareSlots& sp = *g_spare;
    if (!sp.in_use) { sp.in_use = true; owns_spare_ = true; slots_.swap(sp.slots); }
    if (slots_.empty()) rehash(kMinSlots);
  }
  ~NodeTable() {
    if (!owns_spare_) return;
    SpareSlots& sp = *g_spare;
    sp.in_use = false;
    if (slots_.size() > kMaxSpareSlots) return;
    for (uint32_t i : used_) slots_[i].reset();  // only the slots this run filled
    sp.slots.swap(slots_);
  }
  NodeTable(const NodeTable&) = delete;
  NodeTable& operator=(const NodeTable&) = delete;
  NodeState& operator[](Node* n) {
    NodeState* s = &probe(n);
    if (s->key) return *s;
    if ((count_ + 1) * 2 > slots_.size()) { rehash(slots_.size() * 2); s = &probe(n); }
    s->key = n;
    ++count_;
    used_.push_back((uint32_t)(s - slots_.data()));
    return *s;
  }
  NodeState* find(Node* n) { NodeState& s = probe(n); return s.key ? &s : nullptr; }

 private:
  static size_t next_pow2(size_t v) { size_t p = 1; while (p < v) p <<= 1; return p; }
  NodeState& probe(Node* n) {
    size_t mask = slots_.size() - 1, i = (reinterpret_cast<uintptr_t>(n) >> 4) * 0x9E3779B97F4A7C15ull >> 20 & mask;
    while (slots_[i].key && slots_[i].key != n) i = (i + 1) & mask;
    return slots_[i];
  }
  void rehash(size_t n) {
    std::vector<NodeState> old(n);
    old.swap(slots_);
    count_ = 0;
    used_.clear();
    for (auto& s : old)
      if (s.key) {
        NodeState& d = probe(s.key);
        d = std::move(s);
        ++count_;
        used_.push_back((uint32_t)(&d - slots_.data()));
      }
  }
  std::vector<NodeState> slots_;
  SmallVector<uint32_t, 32> used_;  // indices of filled slots, so clearing skips empty ones
  size_t count_ = 0;
  bool owns_spare_ = false;
};

}  // namespace

TensorList run_backward(const TensorList& roots, const TensorList& grad_roots, bool keep_graph,
                        bool create_graph, const TensorList& inputs, bool allow_unused,
                        bool accumulate_grad) {
  // 1. root edges and their gradients
  SmallVector<Edge, 1> root_edges;
  SmallVector<Tensor, 1> root_grads;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    Edge e = gradient_edge(r);
    if (!e.valid())
      MAG_THROW(Runtime, "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = i < grad_roots.size() ? grad_roots[i] : Tensor();
    if (!g.defined()) {
      if (r.numel() != 1) MAG_THROW(Runtime, "grad can be implicitly created only for scalar outputs");
      g = native::ones_like(r);
    } else if (g.sizes() != r.sizes()) {
      MAG_THROW(Runtime, "Mismatch in shape: grad_output[", i, "] has a shape of ", size_str(g.sizes()),
                " and output[", i, "] has a shape of ", size_str(r.sizes()), ".");
    }
    root_edges.push_back(std::move(e));
    root_grads.push_back(std::move(g));
  }

  // 2. capture targets (autograd.grad / backward(inputs=...)): (node, (input_nr, slot)),
  // grouped by node so a node's captures are one run starting at NodeState::capture
  std::vector<std::pair<Node*, std::pair<uint32_t, size_t>>> cap_list;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    if (!e.valid()) MAG_THROW(Runtime, "One of the differentiated Tensors does not require grad");
    cap_list.push_back({e.fn.get(), {e.input_nr, i}});
  }
  std::stable_sort(cap_list.begin(), cap_list.end(), [](auto& x, auto& y) { return x.first < y.first; });

  // 3. dependencies over the reachable graph (iterative DFS; post-order for "needed")
  NodeTable table;
  bool filter = !inputs.empty();
  std::vector<Node*> order;  // post-order, needed only to compute NodeState::needed
  {
    SmallVector<std::pair<Node*, size_t>, 16> stack;
    for (auto& e : root_edges) {
      NodeState& rs = table[e.fn.get()];
      if (!rs.visited) { rs.visited = true; stack.push_back({e.fn.get(), 0}); }
      while (!stack.empty()) {
        auto& top = stack.back();
        Node* n = top.first;
        if (top.second < n->next_edges.size()) {
          const Edge& ne = n->next_edges[top.second++];
          if (!ne.valid()) continue;
          NodeState& cs = table[ne.fn.get()];
          cs.deps += 1;
          if (!cs.visited) { cs.visited = true; stack.push_back({ne.fn.get(), 0}); }
        } else {
          if (filter) order.push_back(n);
          stack.pop_back();
        }
      }
    }
  }
  for (size_t i = 0; i < cap_list.size(); ++i) {
    NodeState* st = table.find(cap_list[i].first);
    if (st && st->capture < 0) st->capture = (int)i;
  }
  auto for_captures = [&](Node* n, int first, auto&& fn) {
    for (size_t i = (size_t)first; i < cap_list.size() && cap_list[i].first == n; ++i) fn(cap_list[i].second);
  };
  if (filter) {
    for (Node* n : order) {
      bool nd = false;
      for (auto& e : n->next_edges) {
        if (!e.valid()) continue;
        NodeState* c = table.find(e.fn.get());
        if (c && (c->capture >= 0 || c->needed)) { nd = true; break; }
      }
      table.find(n)->needed = nd;
    }
  }

  // 4. run
  TensorList captured(inputs.size());
  // ready nodes, a max-heap on sequence_nr
  SmallVector<Node*, 16> ready;
  auto push_ready = [&](Node* n) { ready.push_back(n); std::push_heap(ready.begin(), ready.end(), ReadyCmp()); };
  GradModeGuard mode(create_graph);
  auto add_to_buffer = [&](NodeState& st, const Edge& e, Tensor g) {
    TensorList& buf = st.buffer;
    if (buf.size() < e.fn->input_meta.size()) buf.resize(e.fn->input_meta.size());
    Tensor& slot = buf[e.input_nr];
    if (!g.defined()) return;
    if (!slot.defined()) slot = std::move(g);
    else slot = create_graph ? ag::add(slot, g) : native::binary(BinaryOp::Add, slot, g);
  };
  for (size_t i = 0; i < root_edges.size(); ++i)
    add_to_buffer(table[root_edges[i].fn.get()], root_edges[i], validate_grad(*root_edges[i].fn, i, root_edges[i], root_grads[i]));
  for (auto& e : root_edges) {
    NodeState& st = table[e.fn.get()];
    if (st.deps == 0) { push_ready(e.fn.get()); st.deps = -1; }
  }

  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), ReadyCmp());
    Node* n = ready.back();
    ready.pop_back();
    // Every queued node is kept alive by the edges from the roots (held in root_edges), so a
    // shared reference (two atomic operations) is taken only where Python code runs and could
    // in principle reach the graph.
    Rc<Node> hold;
    if (n->runs_python || !n->pre_hooks.empty() || !n->post_hooks.empty() || !n->tensor_pre_hooks.empty())
      hold = n->shared_from_this();
    NodeState* nst = table.find(n);
    TensorList in = std::move(nst->buffer);
    bool needed = nst->needed;
    int cap_first = nst->capture;
    in.resize(n->input_meta.size());
    // tensor pre-hooks and retain_grad
    for (auto& h : n->tensor_pre_hooks) {
      if (h.first < in.size() && in[h.first].defined()) {
        Tensor r = g_py.call_tensor_hook(h.second, in[h.first]);
        if (r.defined()) in[h.first] = r;
      }
    }
    for (auto& rg : n->retains_grad) {
      auto impl = rg.second.lock();
      if (!impl || rg.first >= in.size() || !in[rg.first].defined()) continue;
      auto& ex = impl->ext();
      if (!ex.grad) ex.grad = native::clone(in[rg.first]).ptr();
      else ex.grad = native::binary(BinaryOp::Add, Tensor(ex.grad), in[rg.first]).ptr();
    }
    if (cap_first >= 0 && !accumulate_grad)
      for_captures(n, cap_first, [&](const std::pair<uint32_t, size_t>& c) { captured[c.second] = in[c.first]; });
    bool run = !filter || needed || (accumulate_grad && cap_first >= 0);
    if (!run) continue;
    for (auto* h : n->pre_hooks) g_py.call_node_hook(h, n, in, in, true);
    TensorList grad_outputs_copy;
    if (!n->post_hooks.empty()) grad_outputs_copy = in;
    TensorList out;
    try {
      out = n->apply(std::move(in));
    } catch (Error& err) {
      if (AnomalyMode::is_enabled() && !n->anomaly_trace.empty() && g_py.warn)
        g_py.warn("Error detected in " + n->name() + ". Traceback of forward call that caused the error:\n" + n->anomaly_trace);
      throw;
    }
    if (!keep_graph) n->release_variables();
    for (auto* h : n->post_hooks) g_py.call_node_hook(h, n, out, grad_outputs_copy, false);
    if (AnomalyMode::is_enabled() && AnomalyMode::check_nan()) {
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i].defined() && has_nan(out[i])) {
          if (!n->anomaly_trace.empty() && g_py.warn)
            g_py.warn("Error detected in " + n->name() + ". Traceback of forward call that caused the error:\n" + n->anomaly_trace);
          MAG_THROW(Runtime, "Function '", n->name(), "' returned nan values in its ", i, "th output.");
        }
    }
    if (out.size() != n->next_edges.size() && !n->is_accumulate_grad())
      MAG_THROW(Runtime, "Function ", n->name(), " returned an incorrect number of gradients (expected ",
                n->next_edges.size(), ", got ", out.size(), ")");
    for (size_t i = 0; i < n->next_edges.size() && i < out.size(); ++i) {
      const Edge& e = n->next_edges[i];
      if (!e.valid()) continue;
      NodeState& st = *table.find(e.fn.get());  // reachable, so present; the table never shrinks
      add_to_buffer(st, e, validate_grad(*n, i, e, std::move(out[i])));
      if (--st.deps == 0) { push_ready(e.fn.get()); st.deps = -1; }
    }
  }

  if (!accumulate_grad) {
    for (size_t i = 0; i < captured.size(); ++i)
      if (!captured[i].defined() && !allow_unused)
        MAG_THROW(Runtime, "The differentiated Tensor at index ", i,
                  " appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
  }
  return captured;
}

}  // namespace mag
