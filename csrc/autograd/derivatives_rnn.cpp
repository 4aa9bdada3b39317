// derivatives_rnn.cpp: the fused recurrent layer's backward. Without create_graph, the
// kernel's BPTT (ops/rnn.cpp). With create_graph (double backward), the layer is recomputed
// from its saved inputs with differentiable ops and that graph is differentiated, so the
// returned gradients carry history, as torch's do.
#include "autograd/derivatives_common.h"
#include "ops/rnn.h"

namespace mag {
namespace deriv {

static TensorList composed_bw(FnNode& n, RnnMode mode, bool reverse, const TensorList& in, const TensorList& g) {
  const bool lstm = mode == RnnMode::LSTM;
  TensorList outs = ag::rnn_layer_composed(mode, reverse, in[0], in[5], in[6], in[1], in[2], in[3], in[4]);
  TensorList roots, grads, wrt;
  std::vector<size_t> slot;
  for (size_t k = 0; k < g.size(); ++k)
    if (g[k].defined()) { roots.push_back(outs[k]); grads.push_back(g[k]); }
  for (size_t k = 0; k < n.num_outputs(); ++k)
    if (n.needs_grad(k) && in[k].defined() && in[k].requires_grad()) { wrt.push_back(in[k]); slot.push_back(k); }
  TensorList result(lstm ? 7 : 6);
  if (wrt.empty()) return result;
  TensorList r = run_backward(roots, grads, true, true, wrt, true, false);
  for (size_t i = 0; i < slot.size(); ++i) result[slot[i]] = r[i];
  return result;
}

TensorList rnn_layer_bw(FnNode& n, const TensorList& g) {
  const RnnMode mode = (RnnMode)n.ints[0];
  const bool reverse = n.ints[1] != 0, lstm = mode == RnnMode::LSTM;
  TensorList in;
  for (size_t k = 0; k < 7; ++k) in.push_back(n.sv(k));
  if (GradMode::is_enabled()) return composed_bw(n, mode, reverse, in, g);
  auto c = [](const Tensor& t) { return t.defined() ? native::contiguous(t) : t; };
  RnnLayer l;
  l.mode = mode;
  l.reverse = reverse;
  l.x = c(in[0]); l.w_ih = c(in[1]); l.w_hh = c(in[2]); l.b_ih = c(in[3]); l.b_hh = c(in[4]);
  l.h0 = c(in[5]); l.c0 = c(in[6]); l.gates = n.sv(7); l.cells = n.sv(8); l.hprev = n.sv(9);
  bool need[7];
  for (size_t k = 0; k < 7; ++k) need[k] = k < n.num_outputs() && n.needs_grad(k);
  TensorList r = native::rnn_layer_backward(l, g[0], g[1], lstm ? g[2] : Tensor(), need);
  if (!lstm) r.pop_back();
  return r;
}

}  // namespace deriv
}  // namespace mag
