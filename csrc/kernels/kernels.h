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
  // cumulative sum along dim (out contiguous, same shape)
  void (*cumsum)(const Tensor& out, const Tensor& in, int64_t dim);
  // out[i] = in[..., index[i], ...] along dim (index int64 1-D)
  void (*index_select)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
  // out[..., index[i], ...] += src[..., i, ...] along dim
  void (*index_add)(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src);
  // gather / scatter(_add) along dim, index int64 of out's (resp. src's) shape
  void (*gather)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
  void (*scatter)(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src, bool add);
};

const KernelTable& kernels_for(Device d);
extern const KernelTable cpu_kernels;

}  // namespace mag
