// ops.h: differentiable ops (namespace ag). Each runs the native op, then records a node
// from the derivative table when grad mode is on and an input requires grad. Backward
// formulas are written with these same ops, so create_graph=True works.
#pragma once
#include <optional>
#include "ops/native.h"

namespace mag {
namespace ag {

Tensor unary(UnaryOp op, const Tensor& a);
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor mul_scalar(const Tensor& a, double s);   // a * s (wrapped scalar)
Tensor add_scalar(const Tensor& a, double s);
Tensor neg(const Tensor& a);
Tensor pow_scalar(const Tensor& a, Scalar e);   // PowBackward0
Tensor rpow_scalar(Scalar base, const Tensor& e);  // PowBackward2
Tensor div_mode(const Tensor& a, const Tensor& b, bool floor);  // div(rounding_mode=floor|trunc), DivBackward2
Tensor rsub_scalar(const Tensor& a, Scalar s, Scalar alpha);  // s - alpha*a, RsubBackward1
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi);
Tensor clamp_tensor(const Tensor& a, const Tensor& lo, const Tensor& hi);  // undefined = no bound

// reductions
Tensor sum(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype, bool has_dim);
Tensor mean(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype, bool has_dim);
Tensor prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype);
Tensor amax(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, bool is_max);
Tensor max_all(const Tensor& a, bool is_max);  // MaxBackward1
std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim, bool is_max);  // MaxBackward0
Tensor var(const Tensor& a, const std::vector<int64_t>& dims, double correction, bool keepdim, bool is_std, bool has_dim);
Tensor norm(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim);
Tensor logsumexp(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim);
Tensor softmax(const Tensor& a, int64_t dim, bool log);
Tensor cumsum(const Tensor& a, int64_t dim, std::optional<DType> dtype);
Tensor sum_to(const Tensor& a, const Shape& sizes);

// views and copies
Tensor view(const Tensor& a, const Shape& sizes);
Tensor reshape(const Tensor& a, const Shape& sizes);
Tensor permute(const Tensor& a, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& a, int64_t d0, int64_t d1, const char* name = nullptr);
Tensor t(const Tensor& a, const char* name = nullptr);
Tensor alias(const Tensor& a);  // AliasBackward0 (x[...])
Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes);
// name: the node name when it differs from squeeze's own (matmul's squeeze_ is SqueezeBackward4)
Tensor squeeze(const Tensor& a, std::optional<std::vector<int64_t>> dims, const char* name = nullptr);
Tensor unsqueeze(const Tensor& a, int64_t dim, const char* name = nullptr);
Tensor select(const Tensor& a, int64_t dim, int64_t index);
Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step);
Tensor as_strided(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset);
Tensor clone(const Tensor& a);
Tensor contiguous(const Tensor& a);
Tensor to_dtype(const Tensor& a, DType dtype, bool copy = false);
// a copy on another device (ToCopyBackward0, as torch's _to_copy); a itself if already there
Tensor to_device(const Tensor& a, Device device, bool non_blocking);
Tensor detach(const Tensor& a);
TensorList unbind(const Tensor& a, int64_t dim);
TensorList split(const Tensor& a, const std::vector<int64_t>& sizes, int64_t dim, bool with_sizes = false);  // SplitBackward0/SplitWithSizes

// joins and indexing
Tensor cat(const TensorList& ts, int64_t dim);
Tensor stack(const TensorList& ts, int64_t dim);
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index);
Tensor index(const Tensor& a, const Tensor& flat_index, const Shape& out_shape);  // IndexBackward0 on a flattened view
Tensor gather(const Tensor& a, int64_t dim, const Tensor& index);
Tensor scatter(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src, bool add);
Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value);
Tensor index_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src);
// index_put over flat positions: values (broadcast to index_shape) written at `flat_pos` of
// self in row-major order (accumulate: added); IndexPutBackward0
Tensor index_put(const Tensor& self, const Tensor& flat_pos, const Tensor& values, const Shape& index_shape, bool accumulate);

// linear algebra
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha);
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);

// nn functional pieces with torch's node names
Tensor mse_loss(const Tensor& input, const Tensor& target, int reduction);  // 0 none 1 mean 2 sum
Tensor nll_loss(const Tensor& logp, const Tensor& target, const Tensor& weight, int reduction, int64_t ignore_index);
Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const Tensor& weight, int reduction);
Tensor bce_with_logits(const Tensor& x, const Tensor& target, const Tensor& weight, const Tensor& pos_weight, int reduction);
Tensor leaky_relu(const Tensor& a, double slope);
Tensor elu(const Tensor& a, double alpha);
Tensor gelu(const Tensor& a, bool tanh_approx);
Tensor softplus(const Tensor& a, double beta, double threshold);
Tensor hardtanh(const Tensor& a, double lo, double hi);
// ops_nn.cpp: normalisation, embedding and the elementwise regression losses
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias, double eps);
// training: batch statistics (returned in mean / var, biased var, no history); else the running ones
Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double eps, Tensor* mean = nullptr, Tensor* var = nullptr);
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx);  // padding_idx < 0: none
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int reduction, double beta);
Tensor huber_loss(const Tensor& input, const Tensor& target, int reduction, double delta);

// ops_rnn.cpp: one layer, one direction of LSTM/GRU/RNN over x (T, N, I) as one fused node;
// returns (output (T, N, H), h_n, c_n (LSTM; else undefined)). Biases may be undefined.
TensorList rnn_layer(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                     const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);
// the same layer composed of differentiable ops per step (the create_graph path)
TensorList rnn_layer_composed(RnnMode mode, bool reverse, const Tensor& x, const Tensor& h0, const Tensor& c0,
                              const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);

// in-place (check leaf rules, bump version, rebase history)
void inplace_binary(BinaryOp op, const Tensor& self, const Tensor& other, Scalar alpha = Scalar::from_int(1));
void inplace_unary(UnaryOp op, const Tensor& self);
void inplace_copy(const Tensor& self, const Tensor& src);
void inplace_fill(const Tensor& self, const Tensor& value);  // value 0-d
void inplace_zero(const Tensor& self);
void inplace_clamp(const Tensor& self, std::optional<Scalar> lo, std::optional<Scalar> hi);
void inplace_masked_fill(const Tensor& self, const Tensor& mask, const Tensor& value);
void inplace_index_put(const Tensor& self, const Tensor& flat_pos, const Tensor& values, const Shape& index_shape, bool accumulate);
// in-place view ops: self takes the view's geometry and history (Note [in-place view ops])
void squeeze_(const Tensor& self, std::optional<std::vector<int64_t>> dims);
void unsqueeze_(const Tensor& self, int64_t dim);
void transpose_(const Tensor& self, int64_t d0, int64_t d1);
void t_(const Tensor& self);
// generic: replace self's contents with `result` computed out of place (same shape), recording
// `result`'s history as self's new history
void inplace_assign(const Tensor& self, const Tensor& result);

// views: mark `out` as a view of `base` (for the in-place-on-view-of-leaf check)
Tensor as_view(const Tensor& base, Tensor out);

}  // namespace ag
}  // namespace mag
