// engine.cpp: the backward engine. Dependencies are counted over an explicit work list
// (no recursion); ready nodes run highest sequence number first (AccumulateGrad first), as
// torch's CPU ready queue does, so gradients are summed in torch's order.
#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>
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
  return *r.data_as<bool>();
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
  return g;
}

}  // namespace

TensorList run_backward(const TensorList& roots, const TensorList& grad_roots, bool keep_graph,
                        bool create_graph, const TensorList& inputs, bool allow_unused,
                        bool accumulate_grad) {
  // 1. root edges and their gradients
  std::vector<Edge> root_edges;
  TensorList root_grads;
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
    root_edges.push_back(e);
    root_grads.push_back(g);
  }

  // 2. capture targets (autograd.grad / backward(inputs=...))
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    if (!e.valid()) MAG_THROW(Runtime, "One of the differentiated Tensors does not require grad");
    input_edges.push_back(e);
  }
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>> captures;  // node -> (input_nr, slot)
  for (size_t i = 0; i < input_edges.size(); ++i) captures[input_edges[i].fn.get()].push_back({input_edges[i].input_nr, i});

  // 3. dependencies over the reachable graph (iterative DFS, post-order for "needed")
  std::unordered_map<Node*, int> deps;
  std::unordered_map<Node*, bool> needed;
  std::vector<Node*> order;  // post-order
  {
    std::unordered_set<Node*> seen;
    std::vector<std::pair<Node*, size_t>> stack;
    for (auto& e : root_edges) {
      if (seen.insert(e.fn.get()).second) stack.push_back({e.fn.get(), 0});
      while (!stack.empty()) {
        auto& top = stack.back();
        Node* n = top.first;
        if (top.second < n->next_edges.size()) {
          const Edge& ne = n->next_edges[top.second++];
          if (!ne.valid()) continue;
          deps[ne.fn.get()] += 1;
          if (seen.insert(ne.fn.get()).second) stack.push_back({ne.fn.get(), 0});
        } else {
          order.push_back(n);
          stack.pop_back();
        }
      }
    }
  }
  bool filter = !inputs.empty();
  if (filter) {
    for (Node* n : order) {
      bool nd = false;
      for (auto& e : n->next_edges)
        if (e.valid() && (captures.count(e.fn.get()) || needed[e.fn.get()])) { nd = true; break; }
      needed[n] = nd;
    }
  }

  // 4. run
  TensorList captured(inputs.size());
  std::unordered_map<Node*, TensorList> buffers;
  std::priority_queue<Node*, std::vector<Node*>, ReadyCmp> ready;
  GradModeGuard mode(create_graph);
  auto add_to_buffer = [&](const Edge& e, Tensor g) {
    TensorList& buf = buffers[e.fn.get()];
    if (buf.size() < e.fn->input_meta.size()) buf.resize(e.fn->input_meta.size());
    Tensor& slot = buf[e.input_nr];
    if (!g.defined()) return;
    if (!slot.defined()) slot = std::move(g);
    else slot = create_graph ? ag::add(slot, g) : native::binary(BinaryOp::Add, slot, g);
  };
  std::unordered_map<Node*, std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < root_edges.size(); ++i) {
    add_to_buffer(root_edges[i], validate_grad(*root_edges[i].fn, i, root_edges[i], root_grads[i]));
    keep_alive[root_edges[i].fn.get()] = root_edges[i].fn;
  }
  for (auto& e : root_edges)
    if (deps[e.fn.get()] == 0) { ready.push(e.fn.get()); deps[e.fn.get()] = -1; }

  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    std::shared_ptr<Node> hold = n->shared_from_this();
    TensorList in = std::move(buffers[n]);
    buffers.erase(n);
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
    auto cap = captures.find(n);
    if (cap != captures.end() && !accumulate_grad) {
      for (auto& c : cap->second) captured[c.second] = in[c.first];
    }
    bool run = !filter || needed[n] || (accumulate_grad && cap != captures.end());
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
      add_to_buffer(e, validate_grad(*n, i, e, std::move(out[i])));
      int& d = deps[e.fn.get()];
      if (--d == 0) { ready.push(e.fn.get()); d = -1; }
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
