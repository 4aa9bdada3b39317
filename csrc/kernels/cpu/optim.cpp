// optim.cpp: fused optimizer updates on CPU: SGD (sgd_loop, below) and Adam/AdamW. One pass
// over a parameter does what torch's single-tensor Adam (torch/optim/adam.py,
// _single_tensor_adam, foreach=False) does in ~10 tensor ops, element by element in the same
// order with the same roundings:
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

// torch's _single_tensor_sgd, element by element; each step is the rounding of the tensor op it
// replaces (add with alpha != 1 is fma(other, alpha, self), as the core's add kernel and
// torch's vectorised one compute it; alpha == 1 gives the same result as a plain add):
//   g = -grad (maximize); g = fma(param, (T)wd, g)                  grad.add(param, alpha=wd)
//   b = g (first step)  or  b = fma(g, (T)(1-dampening), T(b * (T)momentum))   buf.mul_().add_()
//   g = fma(b, (T)momentum, g) (nesterov)  or  g = b
//   param = fma(g, (T)(-lr), param)                                  param.add_(grad, alpha=-lr)
template <typename T>
__attribute__((always_inline)) inline void sgd_loop(const SgdStep& s) {
  const int64_t n = s.param.numel();
  T* __restrict p = s.param.data_as<T>();
  const T* __restrict gr = s.grad.data_as<T>();
  T* __restrict b = s.momentum != 0 ? s.momentum_buffer.data_as<T>() : nullptr;
  const T wd = T(s.weight_decay), mom = T(s.momentum), keep = T(1 - s.dampening), neg_lr = T(-s.lr);
  const bool decay = s.weight_decay != 0, fresh = s.fresh_buffer, nesterov = s.nesterov;
  for (int64_t k = 0; k < n; ++k) {
    T g = s.maximize ? -gr[k] : gr[k];
    const T pk = p[k];
    if (decay) g = std::fma(pk, wd, g);
    if (b) {
      const T bk = fresh ? g : std::fma(g, keep, T(b[k] * mom));
      b[k] = bk;
      g = nesterov ? std::fma(bk, mom, g) : bk;
    }
    p[k] = std::fma(g, neg_lr, pk);
  }
}

MAG_FMA_CLONES void sgd_f32(const SgdStep& s) { sgd_loop<float>(s); }
MAG_FMA_CLONES void sgd_f64(const SgdStep& s) { sgd_loop<double>(s); }

void cpu_sgd_step(const SgdStep& s) {
  if (s.param.dtype() == DType::Float64) sgd_f64(s);
  else sgd_f32(s);
}

void cpu_adam_step(const AdamStep& a) {
  if (a.param.dtype() == DType::Float64) adam_f64(a);
  else adam_f32(a);
}

}  // namespace

void register_optim(KernelTable& t) {
  t.adam_step = cpu_adam_step;
  t.sgd_step = cpu_sgd_step;
}

}  // namespace mag
