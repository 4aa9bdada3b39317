// ops_linalg.cpp: differentiable matrix products, torch's matmul dispatch by rank, and the
// loss functions that have their own backward nodes in torch.
#include <algorithm>
#include <type_traits>
#include "autograd/derivatives.h"
#include "autograd/ops.h"

namespace mag {
namespace ag {

static bool needs(std::initializer_list<const Tensor*> ts) { return compute_requires_grad(ts); }

static Tensor record2(Tensor out, const char* name, FnNode::Formula f, const Tensor& a, const Tensor& b,
                      bool mm_layouts = false) {
  if (needs({&a, &b})) {
    auto n = make_fn_node(name, f, {&a, &b});
    n->saved.resize(2);
    if (n->needs_grad(1)) n->saved[0].save(a, false);
    if (n->needs_grad(0)) n->saved[1].save(b, false);
    if (mm_layouts) deriv::save_mm_layouts(*n, a, b);
    set_history(out, n);
  }
  return out;
}

Tensor mm(const Tensor& a, const Tensor& b) { return record2(native::mm(a, b), "MmBackward0", deriv::mm_bw, a, b, true); }
Tensor bmm(const Tensor& a, const Tensor& b) { return record2(native::bmm(a, b), "BmmBackward0", deriv::bmm_bw, a, b); }
Tensor mv(const Tensor& a, const Tensor& v) { return record2(native::mv(a, v), "MvBackward0", deriv::mv_bw, a, v); }
Tensor dot(const Tensor& a, const Tensor& b) { return record2(native::dot(a, b), "DotBackward0", deriv::dot_bw, a, b); }

Tensor outer(const Tensor& a, const Tensor& b) {
  MAG_CHECK(a.dim() == 1 && b.dim() == 1, "outer: expected 1D tensors");
  return mul(unsqueeze(a, 1), b);
}

Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha) {
  MAG_CHECK(a.dim() == 2, "mat1 must be a matrix, got ", a.dim(), "-D tensor");  // addmm's own wording
  MAG_CHECK(b.dim() == 2, "mat2 must be a matrix, got ", b.dim(), "-D tensor");
  Tensor prod = native::mm(a, b);
  Tensor out;
  if (alpha.to_double() != 1.0) prod = native::binary(BinaryOp::Mul, prod, native::wrapped_scalar(alpha));
  Tensor bb = native::expand_to(bias, native::broadcast_shapes(bias.sizes(), prod.sizes()));
  if (bb.sizes() != prod.sizes())
    MAG_THROW(Runtime, "The expanded size of the tensor (", prod.sizes()[prod.dim() - 1], ") must match the existing size (",
              bias.sizes()[bias.dim() - 1], ") at non-singleton dimension 1.  Target sizes: ", native::shape_str(prod.sizes()),
              ".  Tensor sizes: ", native::shape_str(bias.sizes()));
  if (beta.to_double() == 1.0) out = native::binary(BinaryOp::Add, bb, prod);
  else out = native::binary(BinaryOp::Add, native::binary(BinaryOp::Mul, bb, native::wrapped_scalar(beta)), prod);
  if (needs({&bias, &a, &b})) {
    auto n = make_fn_node("AddmmBackward0", deriv::addmm_bw, {&bias, &a, &b});
    n->scalars = {beta, alpha};
    n->saved.resize(2);
    if (n->needs_grad(2)) n->saved[0].save(a, false);
    if (n->needs_grad(1)) n->saved[1].save(b, false);
    deriv::save_mm_layouts(*n, a, b);
    set_history(out, n);
  }
  return out;
}

// at::_unsafe_view: a view of a fresh result, recorded as UnsafeViewBackward0
static Tensor unsafe_view(const Tensor& r, const Shape& shape) {
  Tensor out = make_view(r, shape, contiguous_strides(shape), 0);
  if (compute_requires_grad({&r})) {
    auto n = make_fn_node("UnsafeViewBackward0", deriv::view_bw, {&r});
    n->shapes = {r.sizes()};
    set_history(out, n);
  }
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0)
    MAG_THROW(Runtime, "both arguments to matmul need to be at least 1D, but they are ", da, "D and ", db, "D");
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) {
    if (a.sizes()[0] != b.sizes()[0])
      MAG_THROW(Runtime, "mat1 and mat2 shapes cannot be multiplied (1x", a.sizes()[0], " and ", b.sizes()[0], "x", b.sizes()[1], ")");
    return squeeze(mm(unsqueeze(a, 0), b), std::vector<int64_t>{0}, "SqueezeBackward4");  // torch: .squeeze_(0)
  }
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // fold the batch into rows: (..., n, k) @ (k, m)
    Tensor bb = db == 1 ? unsqueeze(b, 1) : b;
    Shape out_shape = a.sizes();
    int64_t rows = 1;  // product of the leading dims (not numel / k: k may be 0)
    for (int64_t d = 0; d < da - 1; ++d) rows *= a.sizes()[d];
    Tensor a2 = reshape(a, Shape{rows, a.sizes()[da - 1]});
    Tensor r = mm(a2, bb);
    if (db == 1) out_shape.resize(da - 1);
    else out_shape[da - 1] = bb.sizes()[1];
    return unsafe_view(r, out_shape);  // torch returns an _unsafe_view of the 2-D product
  }
  if (da <= 2 && db >= 3 && compute_requires_grad({&b})) {
    // torch's should_fold, transposed: fold b^T's batch into rows, mm / mv, then transpose back
    // (.mT().contiguous(): a CloneBackward0 on top unless the result is already contiguous)
    Tensor t1 = transpose(b, -1, -2);
    Tensor t2 = da == 2 ? t(a) : a;
    Shape out_shape(t1.sizes().begin(), t1.dim() - 1);
    int64_t folded = shape_numel(out_shape);
    if (da == 2) out_shape.push_back(t2.sizes()[1]);
    Tensor t1f = reshape(t1, Shape{folded, t1.sizes()[t1.dim() - 1]});
    Tensor out = unsafe_view(da == 2 ? mm(t1f, t2) : mv(t1f, t2), out_shape);
    return da == 2 ? contiguous(transpose(out, -1, -2)) : out;
  }
  // batched: broadcast batch dims
  Tensor aa = da == 1 ? unsqueeze(a, 0) : a;
  Tensor bb = db == 1 ? unsqueeze(b, 1) : b;
  Shape ba(aa.sizes().begin(), aa.dim() - 2), bbs(bb.sizes().begin(), bb.dim() - 2);
  Shape batch = native::broadcast_shapes(ba, bbs);
  int64_t n = aa.sizes()[aa.dim() - 2], k = aa.sizes()[aa.dim() - 1];
  int64_t k2 = bb.sizes()[bb.dim() - 2], m = bb.sizes()[bb.dim() - 1];
  if (k != k2)
    MAG_THROW(Runtime, "Expected size for first two dimensions of batch2 tensor to be: [", shape_numel(batch), ", ", k,
              "] but got: [", shape_numel(batch), ", ", k2, "].");
  int64_t B = shape_numel(batch);
  Shape ea = batch; ea.push_back(n); ea.push_back(k);
  Shape eb = batch; eb.push_back(k); eb.push_back(m);
  Tensor a3 = reshape(expand(aa, ea.vec()), Shape{B, n, k});
  Tensor b3 = reshape(expand(bb, eb.vec()), Shape{B, k, m});
  Tensor r = bmm(a3, b3);
  Shape out_shape = batch;
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(m);
  return unsafe_view(r, out_shape);
}

// --- losses (reduction: 0 none, 1 mean, 2 sum)
static Tensor reduce(const Tensor& t, int reduction) {
  if (reduction == 0) return t;
  Tensor s = native::sum(t, {}, false);
  if (reduction == 1) return native::binary(BinaryOp::Div, s, native::wrapped_scalar(Scalar::from_int(t.numel())));
  return s;
}

Tensor mse_loss(const Tensor& input, const Tensor& target, int reduction) {
  Shape shape = native::broadcast_shapes(input.sizes(), target.sizes());
  Tensor x = native::expand_to(input, shape), y = native::expand_to(target, shape);
  Tensor d = native::binary(BinaryOp::Sub, x, y);
  Tensor out = reduce(native::binary(BinaryOp::Mul, d, d), reduction);
  if (needs({&input, &target})) {
    auto n = make_fn_node("MseLossBackward0", deriv::mse_loss_bw, {&input, &target});
    n->ints = {reduction};
    n->saved.resize(2);
    n->saved[0].save(input, false);
    n->saved[1].save(target, false);
    set_history(out, n);
  }
  return out;
}

// Note [nll cascade]: torch's CPU nll_loss (NLLLoss.cpp, nll_loss_out_frame) sums the batch's
// losses and weights in 8 cascade levels of 2^max(4, ceil(log2 N)/8) entries, skipping ignored
// targets, then divides by the total weight: done here in the same order so the printed loss is
// torch's to the last bit. `losses` holds -(x[t]*w) per sample, `w` the weights (0 if ignored).
template <typename T>
static void nll_cascade(const T* loss, const T* wt, const int64_t* tp, int64_t N, int64_t ignore_index,
                        bool weighted, T& out_sum, T& out_weight) {
  constexpr int kLevels = 8;
  int64_t ceil_log2 = 0;
  while ((int64_t(1) << ceil_log2) < N) ++ceil_log2;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2 / kLevels);
  const int64_t level_mask = (int64_t(1) << level_power) - 1;
  T lsum[kLevels] = {0}, wsum[kLevels] = {0};
  int64_t ignored = 0;
  for (int64_t b = 0; b < N; ++b) {
    if (tp[b] == ignore_index) { ++ignored; continue; }
    if (weighted) wsum[0] += wt[b];
    lsum[0] += loss[b];
    for (int j = 0; j + 1 < kLevels; ++j) {
      if ((b & (level_mask << (j * level_power))) != 0) break;
      wsum[j + 1] += wsum[j]; lsum[j + 1] += lsum[j];
      wsum[j] = 0; lsum[j] = 0;
    }
  }
  T total = 0, tw = 0;
  for (int j = 0; j < kLevels; ++j) { total += lsum[j]; tw += wsum[j]; }
  out_sum = total;
  out_weight = weighted ? tw : static_cast<T>(N - ignored);
}

static Tensor nll_cascade_reduce(const Tensor& losses_in, const Tensor& w_in, const int64_t* tp, int64_t ignore_index,
                                 bool weighted, bool mean, Tensor& total_w) {
  Tensor losses = native::contiguous(losses_in), w = native::contiguous(w_in);
  Tensor out = empty(Shape{}, losses.dtype(), losses.device());
  total_w = empty(Shape{}, losses.dtype(), losses.device());
  int64_t N = losses.numel();
  auto run = [&](auto* lp, auto* wp, auto* op, auto* twp) {
    using T = std::remove_pointer_t<decltype(op)>;
    T sum, weight;
    nll_cascade<T>(lp, wp, tp, N, ignore_index, weighted, sum, weight);
    *op = mean ? sum / weight : sum;
    *twp = weight;
  };
  if (losses.dtype() == DType::Float32) run(losses.data_as<float>(), w.data_as<float>(), out.data_as<float>(), total_w.data_as<float>());
  else run(losses.data_as<double>(), w.data_as<double>(), out.data_as<double>(), total_w.data_as<double>());
  return out;
}

Tensor nll_loss(const Tensor& logp, const Tensor& target, const Tensor& weight, int reduction, int64_t ignore_index) {
  MAG_CHECK(logp.dim() == 1 || logp.dim() == 2, "input tensor should be 1D or 2D");
  MAG_CHECK(target.dtype() == DType::Int64, "expected scalar type Long but found ", std::string(dtype_name(target.dtype())).substr(6));
  bool batched = logp.dim() == 2;
  int64_t N = batched ? logp.sizes()[0] : 1, C = logp.sizes()[logp.dim() - 1];
  MAG_CHECK(target.numel() == N, "Expected input batch_size (", N, ") to match target batch_size (", target.numel(), ").");
  Tensor t = native::contiguous(native::reshape(target, Shape{N}));
  Tensor t_host = host_readable(t);  // the bounds check reads targets on the host
  const int64_t* tp = t_host.data_as<int64_t>();
  for (int64_t i = 0; i < N; ++i)
    if (tp[i] != ignore_index && (tp[i] < 0 || tp[i] >= C)) MAG_THROW(Index, "Target ", tp[i], " is out of bounds.");
  Tensor lp = native::reshape(logp, Shape{N, C});
  Tensor valid = native::binary(BinaryOp::Ne, t, native::wrapped_scalar(Scalar::from_int(ignore_index)));
  Tensor tsafe = native::where(valid, t, native::zeros_like(t));
  Tensor picked = native::reshape(native::gather(lp, 1, native::reshape(tsafe, Shape{N, 1})), Shape{N});
  Tensor w = weight.defined() ? native::index_select(weight, 0, tsafe) : native::ones_like(picked);
  w = native::where(valid, w, native::zeros_like(w));
  Tensor losses = native::unary(UnaryOp::Neg, native::binary(BinaryOp::Mul, picked, w));
  Tensor total_w, out;
  if (reduction != 0 && batched && losses.device().is_cpu() &&
      (losses.dtype() == DType::Float32 || losses.dtype() == DType::Float64)) {
    out = nll_cascade_reduce(losses, w, tp, ignore_index, weight.defined(), reduction == 1, total_w);
  } else {
    total_w = native::sum(w, {}, false);
    if (reduction == 0) out = batched ? losses : native::reshape(losses, Shape());
    else if (reduction == 2) out = native::sum(losses, {}, false);
    else out = native::binary(BinaryOp::Div, native::sum(losses, {}, false), total_w);
  }
  if (needs({&logp})) {
    Tensor none;
    auto n = make_fn_node("NllLossBackward0", deriv::nll_loss_bw, {&logp, &none, &none});
    n->ints = {reduction, ignore_index};
    n->saved.resize(4);
    n->saved[0].save(logp, false);
    n->saved[1].save(target, false);
    if (weight.defined()) n->saved[2].save(weight, false);
    n->saved[3].save(total_w, false);
    set_history(out, n);
  }
  return out;
}

Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const Tensor& weight, int reduction) {
  MAG_CHECK(p.sizes() == target.sizes(), "Using a target size (", native::shape_str(target.sizes()),
            ") that is different to the input size (", native::shape_str(p.sizes()), ") is deprecated. Please ensure they have the same size.");
  Tensor out;
  {
    GradModeGuard g(false);
    Tensor lo = native::wrapped_scalar(Scalar::from_int(-100));
    Tensor lp = native::binary(BinaryOp::Maximum, native::unary(UnaryOp::Log, p), native::scalar_tensor(Scalar::from_int(-100), p.dtype()));
    Tensor l1p = native::binary(BinaryOp::Maximum, native::unary(UnaryOp::Log1p, native::unary(UnaryOp::Neg, p)), native::scalar_tensor(Scalar::from_int(-100), p.dtype()));
    (void)lo;
    // (target - 1) * log(1 - p) - target * log(p)
    Tensor l = native::binary(BinaryOp::Sub,
                              native::binary(BinaryOp::Mul, native::binary(BinaryOp::Sub, target, native::wrapped_scalar(Scalar::from_int(1))), l1p),
                              native::binary(BinaryOp::Mul, target, lp));
    if (weight.defined()) l = native::binary(BinaryOp::Mul, l, weight);
    out = reduce(l, reduction);
  }
  if (GradMode::is_enabled() && weight.defined() && weight.requires_grad())
    MAG_THROW(Runtime, "The function 'binary_cross_entropy' is not differentiable with respect to argument 'weight'. "
              "This input cannot have requires_grad True.");
  if (needs({&p, &target})) {
    // torch: edges for self and target only (weight is non-differentiable)
    auto n = make_fn_node("BinaryCrossEntropyBackward0", deriv::bce_bw, {&p, &target});
    n->ints = {reduction};
    n->saved.resize(3);
    n->saved[0].save(p, false);
    n->saved[1].save(target, false);
    if (weight.defined()) n->saved[2].save(weight, false);
    set_history(out, n);
  }
  return out;
}

Tensor bce_with_logits(const Tensor& x, const Tensor& target, const Tensor& weight, const Tensor& pos_weight, int reduction) {
  Tensor out;
  {
    GradModeGuard g(false);
    // (1 - y) * x + (1 + (pw - 1) * y) * (log1p(exp(-|x|)) + max(-x, 0))
    auto S = [](double v) { return native::wrapped_scalar(Scalar::from_double(v)); };
    Tensor one_minus_y = native::binary(BinaryOp::Sub, S(1), target);
    Tensor sp = native::binary(BinaryOp::Add,
                               native::unary(UnaryOp::Log1p, native::unary(UnaryOp::Exp, native::unary(UnaryOp::Neg, native::unary(UnaryOp::Abs, x)))),
                               native::unary(UnaryOp::Relu, native::unary(UnaryOp::Neg, x)));
    Tensor l;
    if (pos_weight.defined()) {
      Tensor lw = native::binary(BinaryOp::Add, native::binary(BinaryOp::Mul, native::binary(BinaryOp::Sub, pos_weight, S(1)), target), S(1));
      l = native::binary(BinaryOp::Add, native::binary(BinaryOp::Mul, one_minus_y, x), native::binary(BinaryOp::Mul, lw, sp));
    } else {
      l = native::binary(BinaryOp::Add, native::binary(BinaryOp::Mul, one_minus_y, x), sp);
    }
    if (weight.defined()) l = native::binary(BinaryOp::Mul, l, weight);
    out = reduce(l, reduction);
  }
  for (auto [t, name] : {std::pair<const Tensor*, const char*>{&weight, "weight"}, {&pos_weight, "pos_weight"}})
    if (GradMode::is_enabled() && t->defined() && t->requires_grad())
      MAG_THROW(Runtime, "The function 'binary_cross_entropy_with_logits' is not differentiable with respect to argument '",
                name, "'. This input cannot have requires_grad True.");
  if (needs({&x, &target})) {
    auto n = make_fn_node("BinaryCrossEntropyWithLogitsBackward0", deriv::bce_logits_bw, {&x, &target});
    n->ints = {reduction};
    n->saved.resize(4);
    n->saved[0].save(x, false);
    n->saved[1].save(target, false);
    if (weight.defined()) n->saved[2].save(weight, false);
    if (pos_weight.defined()) n->saved[3].save(pos_weight, false);
    set_history(out, n);
  }
  return out;
}

}  // namespace ag
}  // namespace mag
