// blas.cu: batched matrix product on CUDA. float32/float64 go through cuBLAS, which is
// dlopen'ed at the first CUDA matmul (libcublas.so.13 from the nvidia-cublas wheel, whose path
// the Python package passes in, or the system's), so building and importing never need it and a
// missing library is a clear RuntimeError at first use. Other dtypes (and the reference the
// tests check cuBLAS against) use the plain kernel below: one thread per output element.
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <vector>
#include "kernels/cuda/cuda_common.cuh"

namespace mag {
namespace cuda {

namespace {
// The few cuBLAS declarations used (cublas_v2.h is not needed to build).
using cublas_handle = void*;
constexpr int kOpN = 0, kOpT = 1;  // CUBLAS_OP_N, CUBLAS_OP_T
using create_fn = int (*)(cublas_handle*);
using sgemm_fn = int (*)(cublas_handle, int, int, int, int, int, const float*, const float*, int, long long,
                         const float*, int, long long, const float*, float*, int, long long, int);
using dgemm_fn = int (*)(cublas_handle, int, int, int, int, int, const double*, const double*, int, long long,
                         const double*, int, long long, const double*, double*, int, long long, int);

std::mutex g_mu;
std::vector<std::string> g_paths;  // tried in order
bool g_loaded = false;
std::string g_load_error;
create_fn g_create = nullptr;
sgemm_fn g_sgemm = nullptr;
dgemm_fn g_dgemm = nullptr;
cublas_handle g_handles[64] = {};

void load_cublas_locked() {
  if (g_loaded) return;
  std::vector<std::string> tries = g_paths;
  tries.push_back("libcublas.so.13");
  tries.push_back("libcublas.so");
  std::string errs;
  for (const auto& p : tries) {
    void* h = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) { const char* e = dlerror(); errs += "\n  " + p + ": " + (e ? e : "not found"); continue; }
    g_create = (create_fn)dlsym(h, "cublasCreate_v2");
    g_sgemm = (sgemm_fn)dlsym(h, "cublasSgemmStridedBatched");
    g_dgemm = (dgemm_fn)dlsym(h, "cublasDgemmStridedBatched");
    if (g_create && g_sgemm && g_dgemm) { g_loaded = true; return; }
    errs += "\n  " + p + ": missing cublas symbols";
  }
  g_load_error = errs;
}

cublas_handle handle_for(int index) {
  std::lock_guard<std::mutex> lk(g_mu);
  load_cublas_locked();
  if (!g_loaded)
    MAG_THROW(Runtime, "myautograd: could not load cuBLAS for a CUDA matrix product (install the "
                       "nvidia-cublas package, or put libcublas.so.13 on the library path). Tried:", g_load_error);
  MAG_CHECK(index >= 0 && index < 64, "CUDA device index ", index, " out of range");
  if (!g_handles[index]) {
    int st = g_create(&g_handles[index]);
    MAG_CHECK(st == 0, "CUDA error: cublasCreate failed with status ", st);
  }
  return g_handles[index];
}

// A matrix BLAS can read in place: unit stride on one of the two dims (as the CPU path).
bool blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool& trans, int64_t& ld) {
  if (cs == 1 && (rs >= (cols > 1 ? cols : 1) || rows == 1)) { trans = false; ld = rows == 1 ? (cols > 1 ? cols : 1) : rs; return true; }
  if (rs == 1 && (cs >= (rows > 1 ? rows : 1) || cols == 1)) { trans = true; ld = cols == 1 ? (rows > 1 ? rows : 1) : cs; return true; }
  return false;
}
}  // namespace

void add_cublas_path(const std::string& path) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_paths.push_back(path);
}

void cuda_copy_kernel(const Tensor& dst, const Tensor& src);
void cuda_fill_zero(const Tensor& dst);

template <typename T>
__global__ void matmul_kernel(int64_t B, int64_t M, int64_t N, int64_t K, T* c, int64_t cs0, int64_t cs1, int64_t cs2,
                              const T* a, int64_t as0, int64_t as1, int64_t as2, const T* b, int64_t bs0, int64_t bs1,
                              int64_t bs2) {
  using A = std::conditional_t<std::is_same_v<T, bool>, bool, compute_t<T>>;
  int64_t total = B * M * N;
  for (int64_t t = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; t < total; t += (int64_t)gridDim.x * blockDim.x) {
    int64_t j = t % N, i = (t / N) % M, bi = t / (N * M);
    const T* ap = a + bi * as0 + i * as1;
    const T* bp = b + bi * bs0 + j * bs2;
    A acc = 0;
    for (int64_t k = 0; k < K; ++k) {
      if constexpr (std::is_same_v<T, bool>) acc = acc || (ap[k * as2] && bp[k * bs1]);
      else acc += to_c<T>(ap[k * as2]) * to_c<T>(bp[k * bs1]);
    }
    c[bi * cs0 + i * cs1 + j * cs2] = from_c<T>(acc);
  }
}

static Tensor contiguous_copy(const Tensor& x) {
  Tensor c = empty(x.sizes(), x.dtype(), x.device());
  cuda_copy_kernel(c, x);
  return c;
}

template <typename T>
static void cublas_bmm(const Tensor& c_in, const Tensor& a_in, const Tensor& b_in, int64_t B, int64_t M, int64_t N, int64_t K) {
  bool ta, tb, tc;
  int64_t lda, ldb, ldc;
  Tensor a = blas_layout(M, K, a_in.strides()[1], a_in.strides()[2], ta, lda) ? a_in : contiguous_copy(a_in);
  Tensor b = blas_layout(K, N, b_in.strides()[1], b_in.strides()[2], tb, ldb) ? b_in : contiguous_copy(b_in);
  blas_layout(M, K, a.strides()[1], a.strides()[2], ta, lda);
  blas_layout(K, N, b.strides()[1], b.strides()[2], tb, ldb);
  // C must be row-major with unit column stride and a batch stride of its own; else a temporary
  bool c_ok = blas_layout(M, N, c_in.strides()[1], c_in.strides()[2], tc, ldc) && !tc &&
              (B == 1 || c_in.strides()[0] >= M * ldc);
  Tensor c = c_ok ? c_in : empty(c_in.sizes(), c_in.dtype(), c_in.device());
  if (!c_ok) blas_layout(M, N, c.strides()[1], c.strides()[2], tc, ldc);
  MAG_CHECK(M <= INT32_MAX && N <= INT32_MAX && K <= INT32_MAX && lda <= INT32_MAX && ldb <= INT32_MAX &&
            ldc <= INT32_MAX && B <= INT32_MAX, "matrix too large for cuBLAS (int32 dims)");
  cublas_handle h = handle_for(c.device().index);
  // row-major C = A @ B is column-major C^T = B^T @ A^T: swap the operands
  T one = 1, zero = 0;
  int st;
  long long sa = B > 1 ? a.strides()[0] : 0, sb = B > 1 ? b.strides()[0] : 0, sc = B > 1 ? c.strides()[0] : M * ldc;
  if constexpr (std::is_same_v<T, float>)
    st = g_sgemm(h, tb ? kOpT : kOpN, ta ? kOpT : kOpN, (int)N, (int)M, (int)K, &one, (const float*)b.data(), (int)ldb, sb,
                 (const float*)a.data(), (int)lda, sa, &zero, (float*)c.data(), (int)ldc, sc, (int)B);
  else
    st = g_dgemm(h, tb ? kOpT : kOpN, ta ? kOpT : kOpN, (int)N, (int)M, (int)K, &one, (const double*)b.data(), (int)ldb, sb,
                 (const double*)a.data(), (int)lda, sa, &zero, (double*)c.data(), (int)ldc, sc, (int)B);
  MAG_CHECK(st == 0, "CUDA error: CUBLAS_STATUS ", st, " when calling cublas gemm");
  if (!c_ok) cuda_copy_kernel(c_in, c);
}

static void cuda_bmm(const Tensor& c, const Tensor& a, const Tensor& b) {
  int64_t B = a.sizes()[0], M = a.sizes()[1], K = a.sizes()[2], N = b.sizes()[2];
  if (M == 0 || N == 0 || B == 0) return;
  DeviceGuard g(c);
  if (K == 0) { cuda_fill_zero(c); return; }
  if (c.dtype() == DType::Float32) { cublas_bmm<float>(c, a, b, B, M, N, K); return; }
  if (c.dtype() == DType::Float64) { cublas_bmm<double>(c, a, b, B, M, N, K); return; }
  dispatch_dev(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    matmul_kernel<T><<<grid_for(B * M * N), kBlock>>>(B, M, N, K, (T*)c.data(), c.strides()[0], c.strides()[1], c.strides()[2],
                                                      (const T*)a.data(), a.strides()[0], a.strides()[1], a.strides()[2],
                                                      (const T*)b.data(), b.strides()[0], b.strides()[1], b.strides()[2]);
  });
  MAG_CUDA_LAUNCH_CHECK();
}

void register_blas(KernelTable& t) { t.bmm = cuda_bmm; }

}  // namespace cuda
}  // namespace mag
