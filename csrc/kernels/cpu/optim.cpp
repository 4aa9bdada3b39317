// optim.cpp: fused optimizer updates on CPU. One pass over a parameter does what torch's
// single-tensor Adam (torch/optim/adam.py, _single_tensor_adam, foreach=False) does in ~10
// tensor ops, element by element in the same order with the same roundings:
//   grad = -grad (maximize); param *= (T)(1 - lr*wd) (decoupled) or grad = fma(param, (T)wd, grad)
//   exp_avg.lerp_(grad, w): fma(grad - m, w, m) if |w| < 0.5 else fma(grad - m, w - 1, grad)
//   exp_avg_sq = fma((T)(1-beta2) * grad, grad, exp_avg_sq * (T)beta2)   (addcmul_, fused in torch)
//   denom = sqrt(v or max(max_v, v)) / (T)bc2_sqrt + (T)eps
//   param += (exp_avg * (T)(-step_size)) / denom                        (addcdiv_)
// sqrt is the correctly rounded one (torch's MKL vsSqrt differs in the last bit for ~0.7% of
// inputs; see tests/test_optim.py).
#include <cmath>
#include "kernels/cpu/cpu_kernels.h"

namespace mag {

namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MAG_FMA_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MAG_FMA_CLONES
#endif

template <typename T>
__attribute__((always_inline)) inline void adam_loop(const AdamStep& a) {
  const int64_t n = a.param.numel();
  T* __restrict p = a.param.data_as<T>();
  const T* __restrict gr = a.grad.data_as<T>();
  T* __restrict m = a.exp_avg.data_as<T>();
  T* __restrict v = a.exp_avg_sq.data_as<T>();
  T* __restrict mx = a.amsgrad ? a.max_exp_avg_sq.data_as<T>() : nullptr;
  const T decay = T(a.decay), wd = T(a.weight_decay), b2 = T(a.beta2), sqv = T(a.sq_value);
  const T bc2 = T(a.bias_correction2_sqrt), eps = T(a.eps), nss = T(a.neg_step_size);
  // lerp's weight is rounded to T first; the (w - 1) coefficient is computed from that in double
  const T w = T(a.lerp_weight), w1 = T((double)w - 1.0);
  const bool small_w = std::abs((double)w) < 0.5, coupled = a.weight_decay != 0 && !a.decoupled;
  const bool decoupled = a.weight_decay != 0 && a.decoupled, sq_one = a.sq_value == 1.0;
  for (int64_t k = 0; k < n; ++k) {
    T g = a.maximize ? -gr[k] : gr[k];
    T pk = p[k];
    if (decoupled) pk = pk * decay;
    if (coupled) g = std::fma(pk, wd, g);
    T diff = g - m[k];
    T mk = small_w ? std::fma(diff, w, m[k]) : std::fma(diff, w1, g);
    T vk = std::fma(sq_one ? g : T(g * sqv), g, T(v[k] * b2));
    T src = vk;
    if (mx) {  // torch.maximum: NaN wins
      T cur = mx[k];
      T mk2 = cur != cur ? cur : vk != vk ? vk : (cur > vk ? cur : vk);
      mx[k] = mk2;
      src = mk2;
    }
    T denom = T(std::sqrt(src) / bc2) + eps;
    p[k] = pk + T(mk * nss) / denom;
    m[k] = mk;
    v[k] = vk;
  }
}

MAG_FMA_CLONES void adam_f32(const AdamStep& a) { adam_loop<float>(a); }
MAG_FMA_CLONES void adam_f64(const AdamStep& a) { adam_loop<double>(a); }

void cpu_adam_step(const AdamStep& a) {
  if (a.param.dtype() == DType::Float64) adam_f64(a);
  else adam_f32(a);
}

}  // namespace

void register_optim(KernelTable& t) { t.adam_step = cpu_adam_step; }

}  // namespace mag
