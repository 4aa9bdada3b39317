// optim.h: fused optimizer steps without autograd (ops/optim.cpp): per-parameter eligibility
// checks, Adam's step counters and bias-correction scalars, SGD's first-step momentum buffers,
// then the device's kernel.
#pragma once
#include <vector>
#include "kernels/kernels.h"

namespace mag {
namespace native {

struct AdamHyper {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  bool amsgrad = false, maximize = false, decoupled = false;
};
// One Adam/AdamW step over a parameter group's lists (max_exp_avg_sqs empty unless amsgrad).
// Returns the indices of the parameters it left alone (layouts the kernel does not take:
// non-contiguous, mixed dtypes, ...), for the caller's per-tensor path.
std::vector<int64_t> adam_step(const TensorList& params, const TensorList& grads, const TensorList& exp_avgs,
                               const TensorList& exp_avg_sqs, const TensorList& max_exp_avg_sqs,
                               const TensorList& steps, const AdamHyper& h);

struct SgdHyper {
  double lr = 1e-3, momentum = 0.0, dampening = 0.0, weight_decay = 0.0;
  bool nesterov = false, maximize = false;
};
// One SGD step over a parameter group's lists. momentum_buffers (used only when momentum != 0)
// has one entry per parameter; an undefined entry gets a new buffer (the first step's
// grad.detach().clone()), stored back into the list. Returns the indices it left alone, as
// adam_step does; their buffers stay as given.
std::vector<int64_t> sgd_step(const TensorList& params, const TensorList& grads, TensorList& momentum_buffers,
                              const SgdHyper& h);

}  // namespace native
}  // namespace mag
