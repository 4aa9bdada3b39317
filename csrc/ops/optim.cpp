// optim.cpp (ops): the fused Adam/AdamW and SGD steps around the kernel table's adam_step and
// sgd_step. Adam's scalars are computed here in double exactly as torch's Python code computes
// them (step_t += 1 in the step tensor's dtype, then `1 - beta ** step`, `lr / bc1`,
// `bc2 ** 0.5`).
#include "ops/optim.h"
#include <cmath>

namespace mag {
namespace native {

static bool kernel_takes(const Tensor& p, std::initializer_list<const Tensor*> same) {
  if (p.dtype() != DType::Float32 && p.dtype() != DType::Float64) return false;
  if (!p.is_contiguous()) return false;
  for (const Tensor* t : same)
    if (!t->defined() || t->dtype() != p.dtype() || t->numel() != p.numel() || !t->is_contiguous() ||
        t->device() != p.device())
      return false;
  return true;
}

// step_t += 1 in the step tensor's own dtype; returns the new value as a double (.item())
static double bump_step(const Tensor& st) {
  double v;
  if (st.dtype() == DType::Float64) v = ++*st.data_as<double>();
  else v = (double)(*st.data_as<float>() += 1.0f);
  st.bump_version();
  return v;
}

std::vector<int64_t> adam_step(const TensorList& params, const TensorList& grads, const TensorList& exp_avgs,
                               const TensorList& exp_avg_sqs, const TensorList& max_exp_avg_sqs,
                               const TensorList& steps, const AdamHyper& h) {
  const size_t n = params.size();
  MAG_CHECK(grads.size() == n && exp_avgs.size() == n && exp_avg_sqs.size() == n && steps.size() == n &&
            (!h.amsgrad || max_exp_avg_sqs.size() == n), "adam_step: list lengths differ");
  std::vector<int64_t> skipped;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& p = params[i];
    const Tensor& st = steps[i];
    Tensor mx = h.amsgrad ? max_exp_avg_sqs[i] : Tensor();
    bool ok = kernel_takes(p, {&grads[i], &exp_avgs[i], &exp_avg_sqs[i]}) && (!h.amsgrad || kernel_takes(p, {&mx})) &&
              st.defined() && st.numel() == 1 && (st.dtype() == DType::Float32 || st.dtype() == DType::Float64) &&
              p.device().is_cpu();
    if (!ok) { skipped.push_back((int64_t)i); continue; }
    double step = bump_step(st);
    AdamStep a;
    a.param = p; a.grad = grads[i]; a.exp_avg = exp_avgs[i]; a.exp_avg_sq = exp_avg_sqs[i]; a.max_exp_avg_sq = mx;
    a.decoupled = h.decoupled;
    a.amsgrad = h.amsgrad;
    a.maximize = h.maximize;
    a.weight_decay = h.weight_decay;
    a.decay = 1 - h.lr * h.weight_decay;
    a.lerp_weight = 1 - h.beta1;
    a.beta2 = h.beta2;
    a.sq_value = 1 - h.beta2;
    const double bc1 = 1 - std::pow(h.beta1, step), bc2 = 1 - std::pow(h.beta2, step);
    a.neg_step_size = -(h.lr / bc1);
    a.bias_correction2_sqrt = std::pow(bc2, 0.5);
    a.eps = h.eps;
    kernels_for(p.device()).adam_step(a);
    for (const Tensor* t : {&p, &exp_avgs[i], &exp_avg_sqs[i], (const Tensor*)&mx})
      if (t->defined()) t->bump_version();
  }
  return skipped;
}

// The kernel reads every operand of element k before writing it, which is what torch's
// sequence of tensor ops computes only when no two of the tensors share memory.
static bool disjoint(const Tensor& a, const Tensor& b) {
  const char *pa = a.data(), *pb = b.data();
  const int64_t na = a.numel() * (int64_t)itemsize(a.dtype()), nb = b.numel() * (int64_t)itemsize(b.dtype());
  return pa + na <= pb || pb + nb <= pa;
}

std::vector<int64_t> sgd_step(const TensorList& params, const TensorList& grads, TensorList& momentum_buffers,
                              const SgdHyper& h) {
  const size_t n = params.size();
  const bool momentum = h.momentum != 0;
  MAG_CHECK(grads.size() == n && (!momentum || momentum_buffers.size() == n), "sgd_step: list lengths differ");
  std::vector<int64_t> skipped;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& p = params[i];
    const Tensor& g = grads[i];
    const Tensor* buf = momentum && momentum_buffers[i].defined() ? &momentum_buffers[i] : nullptr;
    bool ok = p.device().is_cpu() && kernel_takes(p, {&g}) && (!buf || kernel_takes(p, {buf})) && disjoint(p, g) &&
              (!buf || (disjoint(p, *buf) && disjoint(g, *buf)));
    if (!ok) { skipped.push_back((int64_t)i); continue; }
    SgdStep s;
    s.param = p; s.grad = g;
    if (momentum) {
      s.fresh_buffer = !buf;
      s.momentum_buffer = buf ? *buf : empty(p.sizes(), p.dtype(), p.device());
    }
    s.lr = h.lr; s.momentum = h.momentum; s.dampening = h.dampening; s.weight_decay = h.weight_decay;
    s.nesterov = h.nesterov; s.maximize = h.maximize;
    kernels_for(p.device()).sgd_step(s);
    p.bump_version();  // param.add_
    if (buf) { buf->bump_version(); buf->bump_version(); }  // buf.mul_(...).add_(...)
    else if (momentum) momentum_buffers[i] = s.momentum_buffer;
  }
  return skipped;
}

}  // namespace native
}  // namespace mag
