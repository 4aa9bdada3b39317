// rnn.cpp: the fused recurrent layer on CPU (LSTM, GRU, RNN tanh/relu; one layer, one
// direction). Forward: the input projection of all steps as one GEMM, then per step one GEMM
// for h @ W_hh^T and one pass of gate arithmetic. Backward (BPTT): per step one pass of gate
// derivatives and one GEMM for the gradient of h; the weight gradients of all steps at the
// end as one GEMM each. Gate arithmetic follows ATen's CPU cells (RNN.cpp) operation by
// operation: gates = (W_hh h + b_hh) + (W_ih x + b_ih); LSTM c' = f*c + i*g, h' = o*tanh(c');
// GRU n = tanh(x_n + r*(W_hn h + b_hn)), h' = (h - n)*z + n. The composed reference this is
// checked against is the create_graph path (autograd/derivatives_rnn.cpp) and torch itself.
#pragma GCC optimize("O3", "no-trapping-math")  // vectorise the gate loops (as vec_math.cpp)
#include <cmath>
#include <cstring>
#include <vector>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/vec_math.h"

namespace mag {

namespace {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MAG_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MAG_CLONES
#endif
#define MAG_INLINE __attribute__((always_inline)) inline

// sigmoid / tanh exactly as the core's unary kernels compute them (same values as Sigmoid/Tanh ops)
MAG_INLINE float sigm(float x) { return vm::sigmoidf_(x); }
MAG_INLINE float tanh_(float x) { return vm::tanhf_(x); }
MAG_INLINE double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }
MAG_INLINE double tanh_(double x) { return std::tanh(x); }

// --- the gate arithmetic of one step over all batch rows. Each gate's values are one
// contiguous block of L = H * N values (gate-major, unit-major, batch-minor: the (G, N)
// layout), so the loops below run over long, tail-free blocks and vectorise.
// a = W_hh h + b_hh, b = W_ih x + b_ih (G / H blocks of L); branch-free.
template <typename T>
MAG_INLINE void lstm_row(const T* __restrict a, const T* __restrict b, const T* __restrict cp, T* __restrict w,
                         T* __restrict cn, T* __restrict h, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T i = sigm(T(a[j] + b[j])), f = sigm(T(a[H + j] + b[H + j]));
    T g = tanh_(T(a[2 * H + j] + b[2 * H + j])), o = sigm(T(a[3 * H + j] + b[3 * H + j]));
    T cy = T(f * cp[j]) + T(i * g);
    w[j] = i; w[H + j] = f; w[2 * H + j] = g; w[3 * H + j] = o;
    cn[j] = cy;
    h[j] = o * tanh_(cy);
  }
}

template <typename T>
MAG_INLINE void gru_row(const T* __restrict a, const T* __restrict b, const T* __restrict hp, T* __restrict w,
                        T* __restrict h, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T r = sigm(T(a[j] + b[j])), z = sigm(T(a[H + j] + b[H + j]));
    T hn = a[2 * H + j];
    T nn = tanh_(T(b[2 * H + j] + T(hn * r)));
    w[j] = r; w[H + j] = z; w[2 * H + j] = nn; w[3 * H + j] = hn;
    h[j] = T(T(hp[j] - nn) * z) + nn;
  }
}

template <typename T>
MAG_INLINE void simple_row(const T* __restrict a, const T* __restrict b, T* __restrict h, int64_t H, bool relu) {
  if (relu) {
    for (int64_t j = 0; j < H; ++j) { T p = a[j] + b[j]; h[j] = p > T(0) || p != p ? p : T(0); }
  } else {
    for (int64_t j = 0; j < H; ++j) h[j] = tanh_(T(a[j] + b[j]));
  }
}

// backward rows: dh (in: gradient of h', out: the direct part of the previous h's gradient),
// d (G wide): gradient of the input-side pre-activations, dhh: of the hidden side (GRU only)
template <typename T>
MAG_INLINE void lstm_row_bw(const T* __restrict w, const T* __restrict cn, const T* __restrict cp,
                            const T* __restrict dh, T* __restrict dc, T* __restrict d, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T i = w[j], f = w[H + j], g = w[2 * H + j], o = w[3 * H + j];
    T tc = tanh_(cn[j]);
    T dct = dc[j] + dh[j] * o * (T(1) - tc * tc);
    d[j] = dct * g * i * (T(1) - i);
    d[H + j] = dct * cp[j] * f * (T(1) - f);
    d[2 * H + j] = dct * i * (T(1) - g * g);
    d[3 * H + j] = dh[j] * tc * o * (T(1) - o);
    dc[j] = dct * f;
  }
}

template <typename T>
MAG_INLINE void gru_row_bw(const T* __restrict w, const T* __restrict hp, T* __restrict dh, T* __restrict d,
                           T* __restrict dhh, int64_t H) {
  for (int64_t j = 0; j < H; ++j) {
    T r = w[j], z = w[H + j], nn = w[2 * H + j], hn = w[3 * H + j];
    T dnp = dh[j] * (T(1) - z) * (T(1) - nn * nn);
    T dz = dh[j] * (hp[j] - nn) * z * (T(1) - z);
    T dr = dnp * hn * r * (T(1) - r);
    d[j] = dr; d[H + j] = dz; d[2 * H + j] = dnp;
    dhh[j] = dr; dhh[H + j] = dz; dhh[2 * H + j] = dnp * r;
    dh[j] = dh[j] * z;  // the direct path h -> h'; the caller's GEMM adds W_hh's
  }
}

template <typename T>
MAG_INLINE void simple_row_bw(const T* __restrict y, const T* __restrict dh, T* __restrict d, int64_t H, bool relu) {
  // relu: torch's threshold_backward (zero where the output is <= 0)
  if (relu) for (int64_t j = 0; j < H; ++j) d[j] = y[j] <= T(0) ? T(0) : dh[j];
  else for (int64_t j = 0; j < H; ++j) d[j] = dh[j] * (T(1) - y[j] * y[j]);
}

// out (cols x rows) = in (rows x cols) transposed
template <typename T>
MAG_INLINE void transpose(T* __restrict out, const T* __restrict in, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
}

// Layout: GEMMs produce the gates of a step as (G, N) = W (G x H) @ h^T, so each gate is one
// block of H * N values for the gate loops; h, the outputs and the saved previous states stay
// (N, H) as torch has them. Saved buffers (per time t): gates (T, 4H or H, N), cells (T, H, N),
// hprev (T, N, H).
template <typename T>
MAG_INLINE void forward(const RnnLayer& l) {
  const int64_t Tn = l.x.size(0), N = l.x.size(1), I = l.x.size(2), H = l.w_hh.size(1), G = l.w_hh.size(0);
  const int64_t L = N * H, NG = N * G, WG = l.gates.size(1) * N;  // WG: saved values per step
  const T* w_ih = l.w_ih.data_as<T>();
  const T* w_hh = l.w_hh.data_as<T>();
  // input projection of every step: gx = x @ W_ih^T + b_ih (torch's addmm over the flattened input)
  std::vector<T> gx((size_t)(Tn * NG)), ghT((size_t)NG), gxT((size_t)NG), hT((size_t)L), hpT, c0T;
  if (l.mode == RnnMode::GRU) hpT.resize((size_t)L);
  if (l.b_ih.defined())
    for (int64_t r = 0; r < Tn * N; ++r) std::memcpy(gx.data() + r * G, l.b_ih.data_as<T>(), sizeof(T) * G);
  cpu_gemm<T>(false, true, Tn * N, G, I, T(1), l.x.data_as<T>(), I, w_ih, I, l.b_ih.defined() ? T(1) : T(0), gx.data(), G);
  T* out = l.out.data_as<T>();
  T* ws = l.gates.data_as<T>();
  T* cells = l.cells.defined() ? l.cells.data_as<T>() : nullptr;
  T* hprev = l.hprev.data_as<T>();
  const T* h = l.h0.data_as<T>();
  const T* cT = nullptr;  // previous cell state, (H, N)
  if (cells) {
    c0T.resize((size_t)L);
    transpose<T>(c0T.data(), l.c0.data_as<T>(), N, H);
    cT = c0T.data();
  }
  for (int64_t s = 0; s < Tn; ++s) {
    const int64_t t = l.reverse ? Tn - 1 - s : s;
    T* hp = hprev + t * L;
    std::memcpy(hp, h, sizeof(T) * L);
    // ghT = W_hh @ h^T + b_hh (bias per row of the (G, N) result)
    if (l.b_hh.defined()) {
      const T* bh = l.b_hh.data_as<T>();
      for (int64_t g = 0; g < G; ++g) for (int64_t n = 0; n < N; ++n) ghT[g * N + n] = bh[g];
    }
    cpu_gemm<T>(false, true, G, N, H, T(1), w_hh, H, hp, H, l.b_hh.defined() ? T(1) : T(0), ghT.data(), N);
    transpose<T>(gxT.data(), gx.data() + t * NG, N, G);
    T* w = ws + t * WG;
    switch (l.mode) {
      case RnnMode::LSTM: lstm_row<T>(ghT.data(), gxT.data(), cT, w, cells + t * L, hT.data(), L); break;
      case RnnMode::GRU: {
        transpose<T>(hpT.data(), hp, N, H);
        gru_row<T>(ghT.data(), gxT.data(), hpT.data(), w, hT.data(), L);
        break;
      }
      case RnnMode::RnnTanh:
      case RnnMode::RnnRelu: simple_row<T>(ghT.data(), gxT.data(), w, L, l.mode == RnnMode::RnnRelu); break;
    }
    const T* hTp = (l.mode == RnnMode::RnnTanh || l.mode == RnnMode::RnnRelu) ? w : hT.data();
    T* ho = out + t * L;
    transpose<T>(ho, hTp, H, N);
    h = ho;
    if (cells) cT = cells + t * L;
  }
  std::memcpy(l.hy.data_as<T>(), h, sizeof(T) * L);
  if (l.cy.defined()) transpose<T>(l.cy.data_as<T>(), cT, H, N);
}

// column sums of a (rows x cols) matrix into out (cols)
template <typename T>
MAG_INLINE void col_sum(T* out, const T* m, int64_t rows, int64_t cols) {
  for (int64_t j = 0; j < cols; ++j) out[j] = T(0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) out[j] += m[r * cols + j];
}

template <typename T>
MAG_INLINE void backward(const RnnLayer& l, const RnnLayerGrads& g) {
  const int64_t Tn = l.x.size(0), N = l.x.size(1), I = l.x.size(2), H = l.w_hh.size(1), G = l.w_hh.size(0);
  const int64_t L = N * H, NG = N * G, TN = Tn * N, WG = l.gates.size(1) * N;
  const bool gru = l.mode == RnnMode::GRU, lstm = l.mode == RnnMode::LSTM;
  // dG (T*N, G): gradient of the input-side gate pre-activations (W_ih x + b_ih) of every
  // step; dGh: of the hidden-side ones (W_hh h + b_hh), the same except GRU's n rows (times r).
  // Per step they are computed gate-major (dGT, dGhT: (G, N)) and stored transposed.
  std::vector<T> dG((size_t)(Tn * NG)), dGh(gru ? (size_t)(Tn * NG) : 0);
  std::vector<T> dGT((size_t)NG), dGhT(gru ? (size_t)NG : 0), tmp((size_t)L);
  T* dGhp = gru ? dGh.data() : dG.data();
  T* dGhTp = gru ? dGhT.data() : dGT.data();
  std::vector<T> dhT((size_t)L, T(0)), dcT(lstm ? (size_t)L : 0, T(0)), c0T, hpT(gru ? (size_t)L : 0);
  if (g.d_hy.defined()) transpose<T>(dhT.data(), g.d_hy.data_as<T>(), N, H);
  if (lstm && g.d_cy.defined()) transpose<T>(dcT.data(), g.d_cy.data_as<T>(), N, H);
  if (lstm) {
    c0T.resize((size_t)L);
    transpose<T>(c0T.data(), l.c0.data_as<T>(), N, H);
  }
  const T* d_out = g.d_out.defined() ? g.d_out.data_as<T>() : nullptr;
  const T* ws = l.gates.data_as<T>();
  const T* cells = lstm ? l.cells.data_as<T>() : nullptr;
  const T* hprev = l.hprev.data_as<T>();
  const T* w_hh = l.w_hh.data_as<T>();
  for (int64_t s = Tn - 1; s >= 0; --s) {
    const int64_t t = l.reverse ? Tn - 1 - s : s;
    if (d_out) {
      transpose<T>(tmp.data(), d_out + t * L, N, H);
      for (int64_t k = 0; k < L; ++k) dhT[k] += tmp[k];
    }
    const T* w = ws + t * WG;
    switch (l.mode) {
      case RnnMode::LSTM: {
        const T* cpT = s == 0 ? c0T.data() : cells + (l.reverse ? t + 1 : t - 1) * L;
        lstm_row_bw<T>(w, cells + t * L, cpT, dhT.data(), dcT.data(), dGT.data(), L);
        break;
      }
      case RnnMode::GRU:
        transpose<T>(hpT.data(), hprev + t * L, N, H);
        gru_row_bw<T>(w, hpT.data(), dhT.data(), dGT.data(), dGhT.data(), L);
        break;
      case RnnMode::RnnTanh:
      case RnnMode::RnnRelu: simple_row_bw<T>(w, dhT.data(), dGT.data(), L, l.mode == RnnMode::RnnRelu); break;
    }
    // gradient of the previous h: (dGh_t @ W_hh)^T = W_hh^T @ dGhT (GRU adds it to the direct path)
    cpu_gemm<T>(true, false, H, N, G, T(1), w_hh, H, dGhTp, N, gru ? T(1) : T(0), dhT.data(), N);
    transpose<T>(dG.data() + t * NG, dGT.data(), G, N);
    if (gru) transpose<T>(dGh.data() + t * NG, dGhT.data(), G, N);
  }
  if (g.dh0.defined()) transpose<T>(g.dh0.data_as<T>(), dhT.data(), H, N);
  if (g.dc0.defined()) transpose<T>(g.dc0.data_as<T>(), dcT.data(), H, N);
  if (g.dx.defined()) cpu_gemm<T>(false, false, TN, I, G, T(1), dG.data(), G, l.w_ih.data_as<T>(), I, T(0), g.dx.data_as<T>(), I);
  if (g.dw_ih.defined()) cpu_gemm<T>(true, false, G, I, TN, T(1), dG.data(), G, l.x.data_as<T>(), I, T(0), g.dw_ih.data_as<T>(), I);
  if (g.dw_hh.defined()) cpu_gemm<T>(true, false, G, H, TN, T(1), dGhp, G, hprev, H, T(0), g.dw_hh.data_as<T>(), H);
  if (g.db_ih.defined()) col_sum<T>(g.db_ih.data_as<T>(), dG.data(), TN, G);
  if (g.db_hh.defined()) col_sum<T>(g.db_hh.data_as<T>(), dGhp, TN, G);
}

// float32 gets clones per ISA (the inline gate math vectorises); float64 stays scalar libm
MAG_CLONES void forward_f32(const RnnLayer& l) { forward<float>(l); }
MAG_CLONES void backward_f32(const RnnLayer& l, const RnnLayerGrads& g) { backward<float>(l, g); }

void cpu_rnn_forward(const RnnLayer& l) {
  if (l.x.dtype() == DType::Float64) forward<double>(l);
  else forward_f32(l);
}
void cpu_rnn_backward(const RnnLayer& l, const RnnLayerGrads& g) {
  if (l.x.dtype() == DType::Float64) backward<double>(l, g);
  else backward_f32(l, g);
}

}  // namespace

void register_rnn(KernelTable& t) {
  t.rnn_forward = cpu_rnn_forward;
  t.rnn_backward = cpu_rnn_backward;
}

}  // namespace mag
