// kernels.h: the kernel contract every device implements, as one table of function
// pointers. Device dispatch happens only in kernels_for(); CPU is the first entry.
// Contract: shapes are already checked and broadcast (operands are views of the output's
// shape, stride 0 where broadcast); inputs are already in the compute dtype.
#pragma once
#include "core/tensor.h"
#include "ops/registry.h"

namespace mag {

struct Scalar {
  enum Kind : int8_t { Bool, Int, Float } kind = Int;
  int64_t i = 0;
  double d = 0;
  Scalar() = default;
  static Scalar from_int(int64_t v) { Scalar s; s.kind = Int; s.i = v; s.d = (double)v; return s; }
  static Scalar from_double(double v) { Scalar s; s.kind = Float; s.d = v; s.i = (int64_t)v; return s; }
  static Scalar from_bool(bool v) { Scalar s; s.kind = Bool; s.i = v; s.d = v; return s; }
  double to_double() const { return kind == Float ? d : (double)i; }
  int64_t to_int() const { return kind == Float ? (int64_t)d : i; }
};

// The fused recurrent layer: one layer, one direction, all time steps (kernels/cpu/rnn.cpp).
// Gate rows: LSTM i,f,g,o; GRU r,z,n; RNN one. All tensors contiguous, one float dtype.
enum class RnnMode : int8_t { LSTM = 0, GRU = 1, RnnTanh = 2, RnnRelu = 3 };
struct RnnLayer {
  RnnMode mode = RnnMode::LSTM;
  bool reverse = false;  // run t = T-1 .. 0
  Tensor x, h0, c0, w_ih, w_hh, b_ih, b_hh;  // x (T, N, I), h0/c0 (N, H); c0 LSTM only, biases optional
  Tensor out, hy, cy;                        // (T, N, H), (N, H), (N, H)
  // saved for backward, indexed by time t, gate-major per step: gates (T, 4H, N) holds LSTM
  // i,f,g,o / GRU r,z,n,W_hn h+b_hn (activated), (T, H, N) RNN the step's output; cells (T, H, N)
  // LSTM c_t; hprev (T, N, H) the h step t read
  Tensor gates, cells, hprev;
};
struct RnnLayerGrads {
  Tensor d_out, d_hy, d_cy;                          // incoming; any may be undefined (zero)
  Tensor dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh;   // outgoing, preallocated; undefined = not needed
};

// One Adam/AdamW step of one parameter (kernels/cpu/optim.cpp), torch's single-tensor order.
// Tensors contiguous, one float dtype, same numel; max_exp_avg_sq only with amsgrad. The
// doubles are the Python-side scalars, rounded to the tensor dtype where torch's ops do.
struct AdamStep {
  Tensor param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq;
  double decay = 1.0;          // decoupled: param *= 1 - lr * weight_decay
  double weight_decay = 0.0;   // coupled: grad += weight_decay * param
  bool decoupled = false, amsgrad = false, maximize = false;
  double lerp_weight = 0.0;    // 1 - beta1
  double beta2 = 0.0, sq_value = 0.0;  // exp_avg_sq * beta2 + (1 - beta2) * grad^2
  double bias_correction2_sqrt = 1.0, eps = 0.0, neg_step_size = 0.0;
};

// One SGD step of one parameter (kernels/cpu/optim.cpp), torch's single-tensor order.
// Tensors contiguous, one float dtype, same numel; momentum_buffer only when momentum != 0
// (fresh_buffer: the first step, which sets it to the adjusted grad instead of updating it).
struct SgdStep {
  Tensor param, grad, momentum_buffer;
  double lr = 0.0, momentum = 0.0, dampening = 0.0, weight_decay = 0.0;
  bool nesterov = false, maximize = false, fresh_buffer = false;
};

struct KernelTable {
  // out = op(in); in has the compute dtype, out the result dtype (same as in, or bool).
  void (*unary)(UnaryOp op, const Tensor& out, const Tensor& in);
  // out = op(a, b) (a + alpha*b for Add/Sub); a, b in the compute dtype.
  void (*binary)(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, Scalar alpha);
  // dst = src with a dtype cast; src is a view of dst's shape.
  void (*copy)(const Tensor& dst, const Tensor& src);
  void (*fill)(const Tensor& dst, Scalar v);
  // out = cond ? a : b (all views of out's shape, a/b in out's dtype)
  void (*where)(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);
  // out (keepdim shape) = reduce of in over dims where out's size is 1 and in's is not.
  void (*reduce)(ReduceOp op, const Tensor& out, const Tensor& in);
  // argmax/argmin along one dim: values/indices have keepdim shape (either may be undefined).
  void (*arg_reduce)(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim);
  // C[b] = A[b] @ B[b] for 3-D tensors (any strides); same dtype.
  void (*bmm)(const Tensor& c, const Tensor& a, const Tensor& b);
  // two independent bmm's (c1 = a1 @ b1, c2 = a2 @ b2) that may run side by side; may be
  // null (then native::mm_pair makes two bmm calls)
  void (*bmm_pair)(const Tensor& c1, const Tensor& a1, const Tensor& b1, const Tensor& c2, const Tensor& a2,
                   const Tensor& b2);
  // cumulative sum along dim (out contiguous, same shape)
  void (*cumsum)(const Tensor& out, const Tensor& in, int64_t dim);
  // out[i] = in[..., index[i], ...] along dim (index int64 1-D)
  void (*index_select)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
  // out[..., index[i], ...] += src[..., i, ...] along dim
  void (*index_add)(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
  // gather / scatter(_add) along dim, index int64 of out's (resp. src's) shape
  void (*gather)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
  void (*scatter)(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, bool add);
  // fused recurrent layer: forward fills out/hy/cy and the saved buffers; backward (BPTT)
  // fills the defined outgoing gradients of `g` from the saved buffers of `l`
  void (*rnn_forward)(const RnnLayer& l);
  void (*rnn_backward)(const RnnLayer& l, const RnnLayerGrads& g);
  // fused optimizer update of one parameter and its state, in place
  void (*adam_step)(const AdamStep& a);
  void (*sgd_step)(const SgdStep& s);
};

const KernelTable& kernels_for(Device d);
extern const KernelTable cpu_kernels;

}  // namespace mag
