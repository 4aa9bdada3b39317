// optim.cpp (ops): the fused Adam/AdamW step around the kernel table's adam_step. The scalars
// are computed here in double exactly as torch's Python code computes them (step_t += 1 in
// the step tensor's dtype, then `1 - beta ** step`, `lr / bc1`, `bc2 ** 0.5`).
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

}  // namespace native
}  // namespace mag
