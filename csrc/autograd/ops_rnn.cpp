// ops_rnn.cpp: the fused recurrent layer as one autograd node per layer and direction
// (torch's LSTM on CPU float32 records one MkldnnRnnLayerBackward0 per layer the same way),
// and the same layer composed of differentiable ops, which the node's create_graph path
// differentiates (derivatives_rnn.cpp) and which documents the arithmetic the kernel fuses.
#include "autograd/derivatives.h"
#include "autograd/ops.h"
#include "ops/rnn.h"

namespace mag {
namespace ag {

// Node name as torch 2.13 prints it for the layer's output on CPU: LSTM float32 runs oneDNN's
// layer (MkldnnRnnLayerBackward0); every other case runs ATen's per-step cells, whose output
// is a stack of the steps' hidden states (StackBackward0). Ours is one fused node either way.
static const char* rnn_node_name(RnnMode mode, const Tensor& x) {
  return mode == RnnMode::LSTM && x.dtype() == DType::Float32 && x.numel() != 0 ? "MkldnnRnnLayerBackward0"
                                                                                : "StackBackward0";
}

TensorList rnn_layer(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                     const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  const bool lstm = mode == RnnMode::LSTM;
  // the kernel is float32/float64 on the CPU; half and bfloat16 layers, and layers on devices
  // whose kernel table has no fused layer (cuda), run composed (per-step ops)
  if (x.dtype() == DType::Float16 || x.dtype() == DType::BFloat16 || !kernels_for(x.device()).rnn_forward)
    return rnn_layer_composed(mode, reverse, x, h0, lstm ? c0 : Tensor(), w_ih, w_hh, b_ih, b_hh);
  RnnLayer l = native::rnn_layer_forward(mode, reverse, x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  const Tensor& c0_used = lstm ? c0 : Tensor();
  if (compute_requires_grad({&x, &h0, &c0_used, &w_ih, &w_hh, &b_ih, &b_hh})) {
    // edges in torch's order for mkldnn_rnn_layer: input, weights, biases, hx (, cx)
    auto n = lstm ? make_fn_node(rnn_node_name(mode, x), deriv::rnn_layer_bw, {&x, &w_ih, &w_hh, &b_ih, &b_hh, &h0, &c0})
                  : make_fn_node(rnn_node_name(mode, x), deriv::rnn_layer_bw, {&x, &w_ih, &w_hh, &b_ih, &b_hh, &h0});
    n->ints = {(int64_t)mode, reverse ? 1 : 0};
    n->saved.resize(10);
    // the caller's tensors (not the kernel's contiguous copies), so version checks and the
    // create_graph path see the tensors the graph was recorded with
    const Tensor* keep[10] = {&x, &w_ih, &w_hh, &b_ih, &b_hh, &h0, &c0_used, &l.gates, &l.cells, &l.hprev};
    for (int i = 0; i < 10; ++i) n->saved[i].save(*keep[i], false);
    set_history(l.out, n, 0);
    set_history(l.hy, n, 1);
    if (lstm) set_history(l.cy, n, 2);
  }
  return {l.out, l.hy, l.cy};
}

TensorList rnn_layer_composed(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                              const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  const int64_t T = x.size(0), H = w_hh.size(1);
  auto chunk = [H](const Tensor& a, int64_t k) { return slice(a, 1, k * H, (k + 1) * H, 1); };
  auto sig = [](const Tensor& a) { return unary(UnaryOp::Sigmoid, a); };
  auto tnh = [](const Tensor& a) { return unary(UnaryOp::Tanh, a); };
  Tensor gx = matmul(x, t(w_ih));
  if (b_ih.defined()) gx = add(gx, b_ih);
  Tensor h = h0, c = c0;
  TensorList outs((size_t)T);
  for (int64_t s = 0; s < T; ++s) {
    const int64_t ti = reverse ? T - 1 - s : s;
    Tensor gxt = select(gx, 0, ti);
    Tensor gh = mm(h, t(w_hh));
    if (b_hh.defined()) gh = add(gh, b_hh);
    if (mode == RnnMode::LSTM) {
      Tensor pre = add(gh, gxt);
      Tensor i = sig(chunk(pre, 0)), f = sig(chunk(pre, 1)), g = tnh(chunk(pre, 2)), o = sig(chunk(pre, 3));
      c = add(mul(f, c), mul(i, g));
      h = mul(o, tnh(c));
    } else if (mode == RnnMode::GRU) {
      Tensor r = sig(add(chunk(gh, 0), chunk(gxt, 0)));
      Tensor z = sig(add(chunk(gh, 1), chunk(gxt, 1)));
      Tensor nn = tnh(add(chunk(gxt, 2), mul(chunk(gh, 2), r)));
      h = add(mul(sub(h, nn), z), nn);
    } else {
      Tensor pre = add(gh, gxt);
      h = mode == RnnMode::RnnRelu ? unary(UnaryOp::Relu, pre) : tnh(pre);
    }
    outs[(size_t)ti] = h;
  }
  return {stack(outs, 0), h, mode == RnnMode::LSTM ? c : Tensor()};
}

}  // namespace ag
}  // namespace mag
