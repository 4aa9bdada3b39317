// rnn.cpp (ops): the fused recurrent layer's checks and allocations around the kernel
// table's rnn_forward / rnn_backward. Inputs are made contiguous here, once per layer.
#include "ops/rnn.h"
#include "ops/native.h"

namespace mag {
namespace native {

int64_t rnn_gate_count(RnnMode mode) {
  return mode == RnnMode::LSTM ? 4 : mode == RnnMode::GRU ? 3 : 1;
}

static const char* mm_type(DType d) { return d == DType::Float64 ? "Double" : d == DType::Float32 ? "Float" : dtype_name(d); }

RnnLayer rnn_layer_forward(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                           const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  const bool lstm = mode == RnnMode::LSTM;
  MAG_CHECK(x.dim() == 3 && h0.dim() == 2 && w_ih.dim() == 2 && w_hh.dim() == 2, "rnn layer: bad argument ranks");
  MAG_CHECK(!lstm || (c0.defined() && c0.dim() == 2), "rnn layer: LSTM needs c0");
  const int64_t T = x.size(0), N = x.size(1), I = x.size(2), H = w_hh.size(1), G = rnn_gate_count(mode) * H;
  MAG_CHECK(w_hh.size(0) == G && w_ih.size(0) == G && w_ih.size(1) == I, "rnn layer: weight shapes do not match");
  MAG_CHECK(h0.size(0) == N && h0.size(1) == H && (!lstm || (c0.size(0) == N && c0.size(1) == H)),
            "rnn layer: hidden state shapes do not match");
  MAG_CHECK((!b_ih.defined() || (b_ih.dim() == 1 && b_ih.size(0) == G)) &&
            (!b_hh.defined() || (b_hh.dim() == 1 && b_hh.size(0) == G)), "rnn layer: bias shapes do not match");
  const DType dt = x.dtype();
  // torch's per-step linear(h, W_hh) reports a state of another dtype (mat1 = h, mat2 = W)
  for (const Tensor* t : {&h0, &c0})
    if (t->defined() && t->dtype() != dt)
      MAG_THROW(Runtime, "mat1 and mat2 must have the same dtype, but got ", mm_type(t->dtype()), " and ", mm_type(dt));
  for (const Tensor* t : {&w_ih, &w_hh, &b_ih, &b_hh})
    if (t->defined() && t->dtype() != dt)
      MAG_THROW(Runtime, "mat1 and mat2 must have the same dtype, but got ", mm_type(dt), " and ", mm_type(t->dtype()));
  MAG_CHECK(dt == DType::Float32 || dt == DType::Float64, "rnn layer: expected float32 or float64 tensors, got ",
            dtype_name(dt));
  for (const Tensor* t : {&h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh})
    MAG_CHECK(!t->defined() || t->device() == x.device(), "rnn layer: all tensors must be on one device");
  RnnLayer l;
  l.mode = mode;
  l.reverse = reverse;
  auto c = [](const Tensor& t) { return t.defined() ? contiguous(t) : t; };
  l.x = c(x); l.h0 = c(h0); l.c0 = lstm ? c(c0) : Tensor();
  l.w_ih = c(w_ih); l.w_hh = c(w_hh); l.b_ih = c(b_ih); l.b_hh = c(b_hh);
  Device dev = x.device();
  l.out = empty(Shape{T, N, H}, dt, dev);
  l.hy = empty(Shape{N, H}, dt, dev);
  if (lstm) {
    l.cy = empty(Shape{N, H}, dt, dev);
    l.cells = empty(Shape{T, H, N}, dt, dev);
  }
  l.gates = empty(Shape{T, mode == RnnMode::LSTM || mode == RnnMode::GRU ? 4 * H : H, N}, dt, dev);
  l.hprev = empty(Shape{T, N, H}, dt, dev);
  kernels_for(dev).rnn_forward(l);
  return l;
}

TensorList rnn_layer_backward(const RnnLayer& l, const Tensor& d_out, const Tensor& d_hy, const Tensor& d_cy,
                              const bool need[7]) {
  RnnLayerGrads g;
  auto c = [](const Tensor& t) { return t.defined() ? contiguous(t) : t; };
  g.d_out = c(d_out); g.d_hy = c(d_hy); g.d_cy = c(d_cy);
  auto like = [&](bool want, const Tensor& t) { return want && t.defined() ? empty(t.sizes(), t.dtype(), t.device()) : Tensor(); };
  g.dx = like(need[0], l.x);
  g.dw_ih = like(need[1], l.w_ih);
  g.dw_hh = like(need[2], l.w_hh);
  g.db_ih = like(need[3], l.b_ih);
  g.db_hh = like(need[4], l.b_hh);
  g.dh0 = like(need[5], l.h0);
  g.dc0 = like(need[6], l.c0);
  kernels_for(l.x.device()).rnn_backward(l, g);
  return {g.dx, g.dw_ih, g.dw_hh, g.db_ih, g.db_hh, g.dh0, g.dc0};
}

}  // namespace native
}  // namespace mag
