// linalg.cpp: batched matrix product. float32/float64 go through OpenBLAS (scipy-openblas32,
// dlopen'ed at first use so importing the package never loads it); other dtypes use the
// plain reference loop, which also serves as the check for the BLAS path in tests.
#include <algorithm>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <type_traits>
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/parallel.h"

namespace mag {

namespace {
// CBLAS enums (cblas.h values)
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
using sgemm_fn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using dgemm_fn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double, double*, int);
using set_threads_fn = void (*)(int);

std::string g_blas_path;
std::once_flag g_blas_once;
sgemm_fn g_sgemm = nullptr;
dgemm_fn g_dgemm = nullptr;

void load_blas() {
  std::call_once(g_blas_once, [] {
    if (g_blas_path.empty()) return;
    void* h = dlopen(g_blas_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    g_sgemm = (sgemm_fn)dlsym(h, "scipy_cblas_sgemm");
    g_dgemm = (dgemm_fn)dlsym(h, "scipy_cblas_dgemm");
    // Note [one thread pool]: OpenBLAS runs single-threaded; cpu_bmm splits large products
    // over our pool instead. Two pools on two cores oversubscribe: OpenBLAS's idle threads
    // spin-yield after each call and doubled the CPU time of W5 on a loaded machine.
    if (auto set_threads = (set_threads_fn)dlsym(h, "scipy_openblas_set_num_threads")) set_threads(1);
  });
  if (!g_sgemm || !g_dgemm)
    MAG_THROW(Runtime, "myautograd: could not load OpenBLAS from '", g_blas_path,
              "' (install the scipy-openblas32 package)");
}

// A matrix view usable by BLAS: unit stride on one of the two dims.
bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool& trans, int64_t& ld) {
  if (cs == 1 && (rs >= (cols > 1 ? cols : 1) || rows == 1)) { trans = false; ld = rows == 1 ? (cols > 1 ? cols : 1) : rs; return true; }
  if (rs == 1 && (cs >= (rows > 1 ? rows : 1) || cols == 1)) { trans = true; ld = cols == 1 ? (rows > 1 ? rows : 1) : cs; return true; }
  return false;
}

template <typename T>
void reference_matmul(T* c, int64_t csr, int64_t csc, const T* a, int64_t asr, int64_t asc,
                      const T* b, int64_t bsr, int64_t bsc, int64_t M, int64_t N, int64_t K) {
  using A = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float,
                               std::conditional_t<std::is_same_v<T, bool>, bool, T>>;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      A acc = 0;
      for (int64_t k = 0; k < K; ++k) {
        if constexpr (std::is_same_v<T, bool>) acc = acc || (a[i * asr + k * asc] && b[k * bsr + j * bsc]);
        else acc += (A)a[i * asr + k * asc] * (A)b[k * bsr + j * bsc];
      }
      c[i * csr + j * csc] = T(acc);
    }
}
}  // namespace

void set_blas_path(const std::string& path) { g_blas_path = path; }

// A float operand BLAS cannot read in place (e.g. the stride-0 gradient of a sum) is copied
// to contiguous memory first: a copy is O(n^2), the reference loop O(n^3).
static Tensor blas_operand(const Tensor& x) {
  if (x.dtype() != DType::Float32 && x.dtype() != DType::Float64) return x;
  bool t; int64_t ld;
  if (blas_layout(x.sizes()[1], x.sizes()[2], x.strides()[1], x.strides()[2], t, ld)) return x;
  Tensor c = empty(x.sizes(), x.dtype(), x.device());
  kernels_for(x.device()).copy(c, x);
  return c;
}

// Row-major C = alpha * op(A) @ op(B) + beta * C on raw contiguous float/double buffers, for
// kernels that loop over GEMMs themselves (the fused RNN layer). beta = 0 ignores C's contents.
template <typename T>
static void gemm_blas(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* a, int64_t lda,
                      const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>)
    g_sgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, (int)M, (int)N, (int)K, alpha, a, (int)lda,
            b, (int)ldb, beta, c, (int)ldc);
  else
    g_dgemm(kRowMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, (int)M, (int)N, (int)K, alpha, a, (int)lda,
            b, (int)ldb, beta, c, (int)ldc);
}

// One matrix of a batch that BLAS can compute in place (layouts checked): raw pointers only,
// so it may run on pool threads (Note [single-threaded reference counts], core/rc.h).
template <typename T>
struct BlasProduct {
  T* c; const T* a; const T* b;
  bool ta, tb;
  int64_t lda, ldb, ldc, a_row_stride, M, N, K;
  int64_t c_batch, a_batch, b_batch;  // strides between the matrices of a batch
  // C[m0:m1] = A[m0:m1] @ B
  void rows(int64_t m0, int64_t m1) const {
    gemm_blas<T>(ta, tb, m1 - m0, N, K, T(1), a + m0 * a_row_stride, lda, b, ldb, T(0), c + m0 * ldc, ldc);
  }
  // the same product for batch entry i (same layouts)
  BlasProduct entry(int64_t i) const {
    BlasProduct q = *this;
    q.c += i * c_batch; q.a += i * a_batch; q.b += i * b_batch;
    return q;
  }
  int64_t work() const { return M * N * K; }
};

// Batch entry 0's product through BLAS, or false when a layout does not allow it (then the
// reference loop runs). a and b have been through blas_operand.
template <typename T>
static bool blas_product(const Tensor& c, const Tensor& a, const Tensor& b, BlasProduct<T>& p) {
  bool tc;
  p.M = a.sizes()[1]; p.K = a.sizes()[2]; p.N = b.sizes()[2];
  if (p.K <= 0 || !blas_layout(p.M, p.K, a.strides()[1], a.strides()[2], p.ta, p.lda) ||
      !blas_layout(p.K, p.N, b.strides()[1], b.strides()[2], p.tb, p.ldb) ||
      !blas_layout(p.M, p.N, c.strides()[1], c.strides()[2], tc, p.ldc) || tc)
    return false;
  load_blas();
  p.c = c.data_as<T>(); p.a = a.data_as<T>(); p.b = b.data_as<T>();
  p.c_batch = c.strides()[0]; p.a_batch = a.strides()[0]; p.b_batch = b.strides()[0];
  p.a_row_stride = a.strides()[1];
  return true;
}

// Batches below this many multiply-adds run on one thread (a 64x64x64 product is ~0.03 ms);
// a single product is split by rows only when each part has kSplitGemmWork.
constexpr int64_t kParallelGemmWork = int64_t(1) << 18;
constexpr int64_t kSplitGemmWork = int64_t(1) << 20;
constexpr int64_t kRowBlock = 64;

// Split one large product over the pool: C's rows at multiples of kRowBlock, so every row
// keeps the micro-kernel (and tail handling) it gets in one call, and each part stays far
// above OpenBLAS's small-matrix path: the same bits as a single-threaded call.
template <typename T>
static void run_split(const BlasProduct<T>& p) {
  if (p.M >= 2 * kRowBlock && kRowBlock * p.N * p.K >= kSplitGemmWork) {
    int64_t blocks = (p.M + kRowBlock - 1) / kRowBlock;
    parallel_for(0, blocks, 1, [&](int64_t k0, int64_t k1) { p.rows(k0 * kRowBlock, std::min(p.M, k1 * kRowBlock)); });
  } else {
    p.rows(0, p.M);
  }
}

static void cpu_bmm(const Tensor& c, const Tensor& a_in, const Tensor& b_in) {
  int64_t B = a_in.sizes()[0], M = a_in.sizes()[1], K = a_in.sizes()[2], N = b_in.sizes()[2];
  if (M == 0 || N == 0 || B == 0) return;
  Tensor a = K > 0 ? blas_operand(a_in) : a_in, b = K > 0 ? blas_operand(b_in) : b_in;
  dispatch_all(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      BlasProduct<T> p;
      if (blas_product<T>(c, a, b, p)) {
        if (B >= get_num_threads() && B * p.work() >= kParallelGemmWork) {
          // many matrices: whole products per thread
          parallel_for(0, B, 1, [&](int64_t b0, int64_t b1) { for (int64_t i = b0; i < b1; ++i) p.entry(i).rows(0, M); });
        } else {
          for (int64_t i = 0; i < B; ++i) run_split(p.entry(i));
        }
        return;
      }
    }
    T* cp = c.data_as<T>();
    const T* ap = a.data_as<T>();
    const T* bp = b.data_as<T>();
    for (int64_t i = 0; i < B; ++i) {
      reference_matmul<T>(cp + i * c.strides()[0], c.strides()[1], c.strides()[2], ap + i * a.strides()[0],
                          a.strides()[1], a.strides()[2], bp + i * b.strides()[0], b.strides()[1],
                          b.strides()[2], M, N, K);
    }
  });
}

// Two independent single products at once (a matrix product's two input gradients): when
// both are large and of similar size, one whole product per thread, instead of splitting
// each in turn (each half of a split packs the shared operand again, and every split is a
// hand-off). Same bits as cpu_bmm: each product is one BLAS call either way.
static void cpu_bmm_pair(const Tensor& c1, const Tensor& a1_in, const Tensor& b1_in, const Tensor& c2,
                         const Tensor& a2_in, const Tensor& b2_in) {
  auto fallback = [&] { cpu_bmm(c1, a1_in, b1_in); cpu_bmm(c2, a2_in, b2_in); };
  DType dt = c1.dtype();
  if (get_num_threads() < 2 || (dt != DType::Float32 && dt != DType::Float64) || c2.dtype() != dt ||
      a1_in.sizes()[0] != 1 || a2_in.sizes()[0] != 1 || c1.numel() == 0 || c2.numel() == 0 ||
      a1_in.sizes()[2] == 0 || a2_in.sizes()[2] == 0)
    return fallback();
  Tensor a1 = blas_operand(a1_in), b1 = blas_operand(b1_in), a2 = blas_operand(a2_in), b2 = blas_operand(b2_in);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    BlasProduct<T> p[2];
    if (!blas_product<T>(c1, a1, b1, p[0]) || !blas_product<T>(c2, a2, b2, p[1])) return false;
    int64_t lo = std::min(p[0].work(), p[1].work()), hi = std::max(p[0].work(), p[1].work());
    if (2 * lo < kParallelGemmWork || hi > 2 * lo) return false;
    parallel_for(0, 2, 1, [&](int64_t i0, int64_t i1) { for (int64_t i = i0; i < i1; ++i) p[i].rows(0, p[i].M); });
    return true;
  };
  bool done = dt == DType::Float32 ? run(float()) : run(double());
  if (!done) fallback();
}

// OpenBLAS runs a GEMM on all its threads once M*N*K exceeds 4 * 65536 (its
// GEMM_MULTITHREAD_THRESHOLD x SMP_THRESHOLD_MIN). For the mid-size products of the fused
// kernels a thread hand-off per call costs more than it saves, and stalls for milliseconds
// when the cores are busy; so such products are split along M or N into serial pieces.
// Every element of C is still one dot product over the whole of K.
constexpr double kBlasSerialWork = 4.0 * 65536;

template <typename T>
void cpu_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0) {  // BLAS may leave C untouched for K = 0; the product is zero
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
    return;
  }
  load_blas();
  if ((double)M * N * K <= kBlasSerialWork) return gemm_blas<T>(ta, tb, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
  if (M >= N) {
    int64_t step = std::max<int64_t>(1, (int64_t)(kBlasSerialWork / ((double)N * K)));
    for (int64_t i = 0; i < M; i += step)
      gemm_blas<T>(ta, tb, std::min(step, M - i), N, K, alpha, ta ? a + i : a + i * lda, lda, b, ldb, beta,
                   c + i * ldc, ldc);
  } else {
    int64_t step = std::max<int64_t>(1, (int64_t)(kBlasSerialWork / ((double)M * K)));
    for (int64_t j = 0; j < N; j += step)
      gemm_blas<T>(ta, tb, M, std::min(step, N - j), K, alpha, a, lda, tb ? b + j * ldb : b + j, ldb, beta, c + j,
                   ldc);
  }
}
template void cpu_gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                              int64_t, float, float*, int64_t);
template void cpu_gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t, const double*,
                               int64_t, double, double*, int64_t);

void register_linalg(KernelTable& t) {
  t.bmm = cpu_bmm;
  t.bmm_pair = cpu_bmm_pair;
}

}  // namespace mag
