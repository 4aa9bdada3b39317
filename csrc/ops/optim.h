// optim.h: fused optimizer steps without autograd (ops/optim.cpp): per-parameter eligibility
// checks, the step counters and the bias-correction scalars, then the device's kernel.
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

}  // namespace native
}  // namespace mag
