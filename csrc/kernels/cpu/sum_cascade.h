// sum_cascade.h: torch-order floating-point sum (float, double, float16, bfloat16); see
// sum_cascade.cpp. out has the keepdim shape, is contiguous, and has in's dtype.
#pragma once
#include "core/tensor.h"

namespace mag {
template <typename T>
void cascade_sum(const Tensor& out, const Tensor& in);
}  // namespace mag
