// rnn.h: the fused recurrent layer without autograd (ops/rnn.cpp): argument checks,
// allocation of outputs and saved buffers, then the device's rnn kernels.
#pragma once
#include "kernels/kernels.h"

namespace mag {
namespace native {

int64_t rnn_gate_count(RnnMode mode);  // 4 LSTM, 3 GRU, 1 RNN
// One layer, one direction over x (T, N, I) from h0 (and c0 for LSTM); biases may be undefined.
RnnLayer rnn_layer_forward(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                           const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);
// BPTT over a forward's saved state; need[k] for dx, dw_ih, dw_hh, db_ih, db_hh, dh0, dc0.
// Returns the gradients in that order (undefined where not needed).
TensorList rnn_layer_backward(const RnnLayer& l, const Tensor& d_out, const Tensor& d_hy, const Tensor& d_cy,
                              const bool need[7]);

}  // namespace native
}  // namespace mag
