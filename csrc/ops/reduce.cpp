// reduce.cpp (ops): reduction shape rules (dims, keepdim, result dtypes) over the kernel
// table's reduce / arg_reduce / cumsum.
#include <algorithm>
#include "ops/native.h"

namespace mag {
namespace native {

std::vector<int64_t> normalize_dims(const std::vector<int64_t>& dims, int64_t ndim) {
  std::vector<int64_t> r;
  if (dims.empty()) return r;  // the common full reduction allocates nothing
  r.reserve(dims.size());
  for (auto d : dims) {
    int64_t w = wrap_dim(d, ndim);
    for (auto seen : r)  // dims lists are short: a scan beats a bitmap allocation
      if (seen == w) MAG_THROW(Runtime, "dim ", w, " appears multiple times in the list of dims");
    r.push_back(w);
  }
  std::sort(r.begin(), r.end());
  return r;
}

// keepdim output shape; `all` when dims is empty
static Shape reduced_shape(const Tensor& a, const std::vector<int64_t>& dims) {
  Shape s = a.sizes();
  if (dims.empty()) { for (auto& v : s) v = 1; return s; }
  for (auto d : dims) if (a.dim()) s[d] = 1;
  return s;
}

static Tensor drop_dims(const Tensor& t, const std::vector<int64_t>& dims, int64_t ndim) {
  Shape sizes, strides;
  for (int64_t d = 0; d < ndim; ++d) {
    bool red = dims.empty() || std::find(dims.begin(), dims.end(), d) != dims.end();
    if (!red) { sizes.push_back(t.sizes()[d]); strides.push_back(t.strides()[d]); }
  }
  return make_view(t, sizes, strides, t.offset());
}

static Tensor reduce_common(ReduceOp op, const Tensor& a, const std::vector<int64_t>& dims_in, bool keepdim, DType out_dtype, DType in_dtype) {
  std::vector<int64_t> dims = normalize_dims(dims_in, a.dim());
  Tensor in = to_dtype(a, in_dtype);
  Shape ks = reduced_shape(a, dims);
  // kernel writes int64 for integer sum/prod, bool for all/any, else the input dtype
  DType kdt = out_dtype;
  if ((op == ReduceOp::Sum || op == ReduceOp::Prod) && !is_floating(in_dtype)) kdt = DType::Int64;
  Tensor out = empty(ks, kdt, a.device());
  if (a.numel() == 0) {
    if (op == ReduceOp::Max || op == ReduceOp::Min) {  // reached from amax / amin (torch's wording)
      const char* name = op == ReduceOp::Max ? "amax" : "amin";
      MAG_CHECK(!dims_in.empty(), name,
                "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
      for (auto d : dims)
        if (a.sizes()[d] == 0) MAG_THROW(Index, name, "(): Expected reduction dim ", d, " to have non-zero size.");
    }
    fill_(out, Scalar::from_int(op == ReduceOp::Prod || op == ReduceOp::All ? 1 : 0));
  } else {
    kernels_for(a.device()).reduce(op, out, in);
  }
  if (out.dtype() != out_dtype) out = to_dtype(out, out_dtype);
  if (!keepdim) {
    if ((dims.empty() || dims.size() == (size_t)a.dim()) && out.ptr().use_count() == 1) {
      // full reduction into a fresh tensor: make it 0-d in place instead of viewing it
      out.impl()->sizes = Shape();
      out.impl()->strides = Shape();
    } else {
      out = drop_dims(out, dims, a.dim());
    }
  }
  return out;
}

static DType sum_dtype(const Tensor& a, std::optional<DType> dtype) {
  if (dtype) return *dtype;
  return is_floating(a.dtype()) ? a.dtype() : DType::Int64;
}

Tensor sum(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype) {
  DType od = sum_dtype(a, dtype);
  // one float element summed whole (a [1]-shaped loss): the kernel's 0 + x (so -0.0 gives
  // +0.0, as torch), without the reduction iterator's set-up
  if (a.numel() == 1 && dims.empty() && !keepdim && od == a.dtype() && a.device().is_cpu()) {
    if (od == DType::Float32 || od == DType::Float64) {
      Tensor out = empty(Shape(), od);
      if (od == DType::Float32) *out.data_as<float>() = 0.0f + *a.data_as<float>();
      else *out.data_as<double>() = 0.0 + *a.data_as<double>();
      return out;
    }
  }
  return reduce_common(ReduceOp::Sum, a, dims, keepdim, od, dtype ? *dtype : a.dtype());
}

Tensor prod(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, std::optional<DType> dtype) {
  DType od = sum_dtype(a, dtype);
  return reduce_common(ReduceOp::Prod, a, dims, keepdim, od, dtype ? *dtype : a.dtype());
}

Tensor amax(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, bool is_max) {
  return reduce_common(is_max ? ReduceOp::Max : ReduceOp::Min, a, dims, keepdim, a.dtype(), a.dtype());
}

Tensor all_any(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim, bool is_all) {
  // torch keeps uint8 for uint8 input (a legacy rule); everything else gives bool
  DType od = a.dtype() == DType::UInt8 ? DType::UInt8 : DType::Bool;
  return reduce_common(is_all ? ReduceOp::All : ReduceOp::Any, a, dims, keepdim, od, a.dtype());
}

std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim, bool is_max) {
  int64_t d = wrap_dim(dim, a.dim());
  if (a.dim() && a.sizes()[d] == 0)
    MAG_THROW(Index, is_max ? "max" : "min", "(): Expected reduction dim ", d, " to have non-zero size.");
  Shape ks = a.sizes();
  if (a.dim()) ks[d] = 1;
  Tensor values = empty(ks, a.dtype(), a.device());
  Tensor indices = empty(ks, DType::Int64, a.device());
  if (values.numel()) kernels_for(a.device()).arg_reduce(is_max, values, indices, a, d);
  if (!keepdim && a.dim()) {
    values = drop_dims(values, {d}, a.dim());
    indices = drop_dims(indices, {d}, a.dim());
  }
  return {values, indices};
}

Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  MAG_CHECK(a.dtype() != DType::Bool, is_max ? "argmax" : "argmin", "(): does not support bool input");
  if (!dim) {
    MAG_CHECK_KIND(a.numel() > 0, Index, is_max ? "argmax" : "argmin",
                   "(): Expected reduction dim to be specified for input.numel() == 0.");
    Tensor flat = reshape(a, Shape{a.numel()});
    auto r = std::get<1>(max_dim(flat, 0, false, is_max));
    if (keepdim) { Shape s = a.sizes(); for (auto& v : s) v = 1; r = reshape(r, s); }
    return r;
  }
  int64_t d = wrap_dim(*dim, a.dim());
  if (a.dim() && a.sizes()[d] == 0)
    MAG_THROW(Index, is_max ? "argmax" : "argmin", "(): Expected reduction dim ", d, " to have non-zero size.");
  return std::get<1>(max_dim(a, *dim, keepdim, is_max));
}

Tensor cumsum(const Tensor& a, int64_t dim, std::optional<DType> dtype) {
  int64_t d = wrap_dim(dim, a.dim());
  DType od = dtype ? *dtype : (is_floating(a.dtype()) ? a.dtype() : DType::Int64);
  Tensor out = empty(a.sizes(), od, a.device());
  if (a.numel()) kernels_for(a.device()).cumsum(out, a, d);
  return out;
}

Tensor sum_to(const Tensor& a, const Shape& sizes) {
  if (a.sizes() == sizes) return a;
  int64_t lead = a.dim() - (int64_t)sizes.size();
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i] == 1 && a.sizes()[lead + i] != 1) dims.push_back(lead + (int64_t)i);
  if (dims.empty()) return reshape(a, sizes);
  Tensor r = sum(a, dims, true);
  return reshape(r, sizes);
}

}  // namespace native
}  // namespace mag
