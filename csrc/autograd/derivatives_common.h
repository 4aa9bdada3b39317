// derivatives_common.h: small helpers shared by the derivative-table files (derivatives_*.cpp):
// wrapped scalars, non-differentiable compares / casts, and the reduction-gradient expander.
#pragma once
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace deriv {

inline Tensor S(double v) { return native::wrapped_scalar(Scalar::from_double(v)); }
inline Tensor Si(int64_t v) { return native::wrapped_scalar(Scalar::from_int(v)); }
inline Tensor zeros_of(const Tensor& like) { return native::zeros_like(like); }
inline Tensor cmp(BinaryOp op, const Tensor& a, const Tensor& b) { return native::binary(op, a, b); }
inline Tensor as_dtype(const Tensor& mask, DType d) { return native::to_dtype(mask, d); }

}  // namespace deriv
}  // namespace mag
