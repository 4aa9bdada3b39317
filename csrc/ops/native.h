// native.h: the device-independent op layer without autograd: shape and dtype rules, output
// allocation, then one call into the device's kernel table. Autograd wraps these (autograd/ops.h).
#pragma once
#include <optional>
#include <tuple>
#include "core/cuda_backend.h"
#include "kernels/kernels.h"

namespace mag {
namespace native {

// --- dtype and shape rules
DType result_type(const Tensor& a, const Tensor& b);
DType default_float_dtype();
void set_default_float_dtype(DType d);
Shape broadcast_shapes(const Shape& a, const Shape& b);
Tensor expand_to(const Tensor& t, const Shape& sizes);  // broadcasting view (no checks beyond shape)
Tensor scalar_tensor(Scalar s, DType dtype, Device device = Device());
Tensor wrapped_scalar(Scalar s);  // Python number as a 0-d "wrapped number" tensor
Scalar wrapped_value(const Tensor& w);  // ... and back
void check_scalar_fits(Scalar v, DType d);  // torch's "value cannot be converted to type ..."

// --- elementwise
Tensor unary(UnaryOp op, const Tensor& a);
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
void binary_(BinaryOp op, const Tensor& self, const Tensor& other, Scalar alpha = Scalar::from_int(1));
void unary_(UnaryOp op, const Tensor& self);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi);
void check_clamp_inplace(const Tensor& self, std::optional<Scalar> lo, std::optional<Scalar> hi);
Tensor pow_scalar(const Tensor& a, Scalar exponent);  // tensor ** number

// --- copies and casts
Tensor to_dtype(const Tensor& a, DType dtype, bool copy = false);
Tensor contiguous(const Tensor& a);
Tensor clone(const Tensor& a);  // contiguous copy
void copy_(const Tensor& dst, const Tensor& src);  // broadcasting, casting
void fill_(const Tensor& dst, Scalar v);
Tensor zeros(const Shape& sizes, DType dtype, Device device = Device());
Tensor full(const Shape& sizes, Scalar v, DType dtype, Device device = Device());
Tensor zeros_like(const Tensor& a);
Tensor ones_like(const Tensor& a);

// --- reductions (dims empty = all dims)
std::vector<int64_t> normalize_dims(const std::vector<int64_t>& dims, int64_t ndim);
Tensor sum(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype = {});
Tensor prod(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype = {});
Tensor amax(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, bool is_max);
Tensor all_any(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, bool is_all);
std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim, bool is_max);
Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim, bool is_max);
Tensor cumsum(const Tensor& a, int64_t dim, std::optional<DType> dtype = {});
Tensor sum_to(const Tensor& a, const Shape& sizes);  // reduce a broadcast gradient back

// --- views (share storage)
Tensor view(const Tensor& a, const Shape& sizes);  // error if strides incompatible
Tensor reshape(const Tensor& a, const Shape& sizes);
Shape infer_size(const std::vector<int64_t>& shape, int64_t numel);
bool view_strides(const Tensor& a, const Shape& sizes, Shape& out_strides);
Tensor permute(const Tensor& a, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& a, int64_t d0, int64_t d1);
Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes);
Tensor squeeze(const Tensor& a, std::optional<std::vector<int64_t>> dims);
Tensor unsqueeze(const Tensor& a, int64_t dim);
Tensor select(const Tensor& a, int64_t dim, int64_t index);
Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step);
Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length);
Tensor as_strided(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset);

// --- joins and indexing
Tensor cat(const TensorList& ts, int64_t dim);
Tensor stack(const TensorList& ts, int64_t dim);
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index);
Tensor index_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);  // out of place
Tensor gather(const Tensor& a, int64_t dim, const Tensor& index);
Tensor scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool add);
Tensor masked_select_indices(const Tensor& mask);  // nonzero of a bool tensor: (n, ndim) int64
Tensor nonzero(const Tensor& a);

// --- linear algebra
Tensor mm(const Tensor& a, const Tensor& b);
// {a1 @ b1, a2 @ b2}, the two products possibly side by side (a product's two gradients)
std::pair<Tensor, Tensor> mm_pair(const Tensor& a1, const Tensor& b1, const Tensor& a2, const Tensor& b2);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b);
void check_same_dtype_mm(const Tensor& a, const Tensor& b);

// --- creation
Tensor arange(double start, double end, double step, DType dtype);
Tensor linspace(double start, double end, int64_t steps, DType dtype);
Tensor eye(int64_t n, int64_t m, DType dtype);

std::string shape_str(const Shape& s);  // "[2, 3]"

}  // namespace native
}  // namespace mag
