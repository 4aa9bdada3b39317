// ops_reduce.cpp: differentiable reductions and softmax-family ops.
#include <cmath>
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace ag {

static bool needs(std::initializer_list<const Tensor*> ts) { return compute_requires_grad(ts); }
static Tensor Si(int64_t v) { return native::wrapped_scalar(Scalar::from_int(v)); }

static void record_reduce(const Tensor& out, const Tensor& a, const char* name, FnNode::Formula f,
                          const std::vector<int64_t>& dims, bool keepdim, bool save_in, bool save_out) {
  auto n = make_fn_node(name, f, {&a});
  n->shapes = {a.sizes()};
  n->ints = dims;
  n->flag = keepdim;
  n->saved.resize(2);
  if (save_in) n->saved[0].save(a, false);
  set_history(out, n);
  if (save_out) n->saved[1].save(out, true);
}

Tensor sum(const Tensor& a, const std::vector<int64_t>& dims_in, bool keepdim, std::optional<DType> dtype, bool has_dim) {
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  Tensor out = native::sum(a, dims, keepdim, dtype);
  if (needs({&a})) record_reduce(out, a, has_dim ? "SumBackward1" : "SumBackward0", deriv::sum_bw, dims, keepdim, false, false);
  return out;
}

static int64_t reduced_count(const Tensor& a, const std::vector<int64_t>& dims) {
  if (dims.empty()) return a.numel();
  int64_t n = 1;
  for (auto d : dims) n *= a.dim() ? a.sizes()[d] : 1;
  return n;
}

static const char* dtype_short(DType d) {
  static const char* n[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  return n[(int)d];
}

Tensor mean(const Tensor& a, const std::vector<int64_t>& dims_in, bool keepdim, std::optional<DType> dtype, bool has_dim) {
  DType dt = dtype ? *dtype : a.dtype();
  if (!is_floating(dt))
    MAG_THROW(Runtime, "mean(): could not infer output dtype. ", dtype ? "Optional" : "Input",
              " dtype must be either a floating point or complex dtype. Got: ", dtype_short(dt));
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  Tensor s = native::sum(a, dims, keepdim, dt);
  int64_t cnt = reduced_count(a, dims);
  Tensor out = native::binary(BinaryOp::Div, s, Si(cnt));
  if (needs({&a})) {
    record_reduce(out, a, has_dim ? "MeanBackward1" : "MeanBackward0", deriv::mean_bw, dims, keepdim, false, false);
    static_cast<FnNode*>(out.grad_fn().get())->doubles = {(double)cnt};
  }
  return out;
}

Tensor prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim, std::optional<DType> dtype) {
  std::vector<int64_t> dims;
  if (dim) dims = {wrap_dim(*dim, a.dim())};
  Tensor out = native::prod(a, dims, keepdim, dtype);
  if (needs({&a})) record_reduce(out, a, dim ? "ProdBackward1" : "ProdBackward0", deriv::prod_bw, dims, keepdim, true, true);
  return out;
}

Tensor amax(const Tensor& a, const std::vector<int64_t>& dims_in, bool keepdim, bool is_max) {
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  Tensor out = native::amax(a, dims, keepdim, is_max);
  if (needs({&a})) record_reduce(out, a, is_max ? "AmaxBackward0" : "AminBackward0", deriv::amax_bw, dims, keepdim, true, true);
  return out;
}

Tensor max_all(const Tensor& a, bool is_max) {
  MAG_CHECK(a.numel() > 0, is_max ? "max" : "min",
            "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
  Tensor out = native::amax(a, {}, false, is_max);
  if (needs({&a})) record_reduce(out, a, is_max ? "MaxBackward1" : "MinBackward1", deriv::max_all_bw, {}, false, true, true);
  return out;
}

std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim, bool is_max) {
  auto [values, indices] = native::max_dim(a, dim, keepdim, is_max);
  if (needs({&a})) {
    auto n = make_fn_node(is_max ? "MaxBackward0" : "MinBackward0", deriv::max_dim_bw, {&a});
    n->shapes = {a.sizes()};
    n->ints = {a.dim() ? wrap_dim(dim, a.dim()) : 0};
    n->flag = keepdim;
    n->saved.resize(1);
    n->saved[0].save(indices, false);
    set_history(values, n);
  }
  return {values, indices};
}

static const char* type_name(DType d) {  // torch's ScalarType names (Long, Bool, ...)
  static const char* n[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  return n[(int)d];
}

Tensor var(const Tensor& a, const std::vector<int64_t>& dims_in, double correction, bool keepdim, bool is_std, bool has_dim) {
  MAG_CHECK(is_floating(a.dtype()), "std and var only support floating point and complex dtypes");
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  int64_t N = reduced_count(a, dims);
  Tensor out;
  {
    GradModeGuard g(false);
    // half types accumulate in float32 (torch's opmath). Corrected two-pass (Chan et al.):
    // sum(c^2) - sum(c)^2 / N removes the rounding of the mean, so constant slices give exactly
    // 0 as torch's Welford does (std's gradient there is masked to 0, any residue would not be)
    bool half = a.dtype() == DType::Float16 || a.dtype() == DType::BFloat16;
    Tensor x = half ? native::to_dtype(a, DType::Float32) : a;
    Tensor m = native::binary(BinaryOp::Div, native::sum(x, dims, true), Si(N));
    Tensor c = native::binary(BinaryOp::Sub, x, m);
    Tensor ss = native::sum(native::binary(BinaryOp::Mul, c, c), dims, keepdim);
    Tensor sc = native::sum(c, dims, keepdim);
    ss = native::binary(BinaryOp::Sub, ss, native::binary(BinaryOp::Div, native::binary(BinaryOp::Mul, sc, sc), Si(N)));
    ss = native::binary(BinaryOp::Maximum, ss, Si(0));
    double denom = std::max(0.0, (double)N - correction);
    out = native::binary(BinaryOp::Div, ss, native::wrapped_scalar(Scalar::from_double(denom)));
    if (is_std) out = native::unary(UnaryOp::Sqrt, out);
    if (half) out = native::to_dtype(out, a.dtype());
  }
  if (needs({&a})) {
    record_reduce(out, a, is_std ? "StdBackward0" : "VarBackward0", deriv::var_bw, dims, keepdim, true, is_std);
    auto* n = static_cast<FnNode*>(out.grad_fn().get());
    n->doubles = {correction, (double)N};
    n->dtype_arg = is_std ? DType::Bool : DType::Float32;  // marks std
  }
  (void)has_dim;
  return out;
}

Tensor norm(const Tensor& a, double p, const std::vector<int64_t>& dims_in, bool keepdim) {
  MAG_CHECK(is_floating(a.dtype()), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got ",
            type_name(a.dtype()));
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor ax = native::unary(UnaryOp::Abs, a);
    if (std::isinf(p)) out = native::amax(ax, dims, keepdim, p > 0);
    else if (p == 0) out = native::sum(native::to_dtype(native::binary(BinaryOp::Ne, a, Si(0)), a.dtype()), dims, keepdim);
    else if (p == 1) out = native::sum(ax, dims, keepdim);
    else if (reduced_count(a, dims) == 1) out = native::sum(ax, dims, keepdim);  // torch: |x|, no x**p overflow
    else if (p == 2) out = native::unary(UnaryOp::Sqrt, native::sum(native::binary(BinaryOp::Mul, ax, ax), dims, keepdim));
    else {
      Tensor pw = native::pow_scalar(ax, Scalar::from_double(p));
      out = native::pow_scalar(native::sum(pw, dims, keepdim), Scalar::from_double(1.0 / p));
    }
  }
  if (needs({&a})) {
    record_reduce(out, a, "LinalgVectorNormBackward0", deriv::norm_bw, dims, keepdim, true, true);
    static_cast<FnNode*>(out.grad_fn().get())->doubles = {p};
  }
  return out;
}

Tensor logsumexp(const Tensor& a, const std::vector<int64_t>& dims_in, bool keepdim) {
  std::vector<int64_t> dims = native::normalize_dims(dims_in, a.dim());
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor fa = is_floating(a.dtype()) ? a : native::to_dtype(a, native::default_float_dtype());
    // an empty reduction has no max: shift by 0 (the sum of nothing), giving log(0) = -inf
    Tensor m = fa.numel() ? native::amax(fa, dims, true, true) : native::sum(fa, dims, true);
    // inf maxima would give nan: use 0 there (torch)
    Tensor finite = native::binary(BinaryOp::Eq, native::unary(UnaryOp::Abs, m), native::wrapped_scalar(Scalar::from_double(INFINITY)));
    m = native::where(finite, native::zeros_like(m), m);
    Tensor s = native::sum(native::unary(UnaryOp::Exp, native::binary(BinaryOp::Sub, fa, m)), dims, true);
    out = native::binary(BinaryOp::Add, native::unary(UnaryOp::Log, s), m);
    if (!keepdim) out = native::squeeze(out, dims.empty() ? std::nullopt : std::optional<std::vector<int64_t>>(dims));
    if (!keepdim && dims.empty()) out = native::reshape(out, Shape());
  }
  if (needs({&a})) record_reduce(out, a, "LogsumexpBackward0", deriv::logsumexp_bw, dims, keepdim, true, true);
  return out;
}

Tensor softmax(const Tensor& a, int64_t dim, bool log) {
  int64_t d = wrap_dim(dim, a.dim());
  // torch has no integer softmax kernel (an empty input never reaches one)
  if (!is_floating(a.dtype()) && a.numel())
    MAG_THROW(NotImplemented, "\"", log ? "log_" : "", "softmax_", d == a.dim() - 1 || a.dim() == 0 ? "lastdim_" : "",
              "kernel_impl\" not implemented for '", type_name(a.dtype()), "'");
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor fa = a;
    std::vector<int64_t> dims;
    if (a.dim()) dims = {d};
    if (!fa.numel()) {
      out = native::clone(fa);  // nothing to normalise (an empty dim has no max)
    } else {
      Tensor m = native::amax(fa, dims, true, true);
      Tensor sh = native::binary(BinaryOp::Sub, fa, m);
      Tensor e = native::unary(UnaryOp::Exp, sh);
      Tensor s = native::sum(e, dims, true);
      out = log ? native::binary(BinaryOp::Sub, sh, native::unary(UnaryOp::Log, s)) : native::binary(BinaryOp::Div, e, s);
    }
  }
  if (needs({&a})) {
    auto n = make_fn_node(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", log ? deriv::log_softmax_bw : deriv::softmax_bw, {&a});
    n->ints = {a.dim() ? d : 0};
    n->saved.resize(1);
    set_history(out, n);
    n->saved[0].save(out, true);
  }
  return out;
}

Tensor cumsum(const Tensor& a, int64_t dim, std::optional<DType> dtype) {
  Tensor out = native::cumsum(a, dim, dtype);
  if (needs({&a})) {
    auto n = make_fn_node("CumsumBackward0", deriv::cumsum_bw, {&a});
    n->ints = {a.dim() ? wrap_dim(dim, a.dim()) : 0};
    set_history(out, n);
  }
  return out;
}

Tensor sum_to(const Tensor& a, const Shape& sizes) {
  if (a.sizes() == sizes) return a;
  int64_t lead = a.dim() - (int64_t)sizes.size();
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i] == 1 && a.sizes()[lead + i] != 1) dims.push_back(lead + (int64_t)i);
  Tensor r = dims.empty() ? a : sum(a, dims, true, std::nullopt, true);
  return r.sizes() == sizes ? r : view(r, sizes);
}

}  // namespace ag
}  // namespace mag
