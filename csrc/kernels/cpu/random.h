// random.h: torch's CPU generator (MT19937) and its distribution kernels, bit-exact with
// torch 2.13 on x86-64 (see ../shared/TORCH_FACTS.md section 1).
// Every fill function writes n elements of dtype `dtype` to `out`, laid out contiguously in the
// order torch would visit them (the caller gathers/scatters for non-contiguous tensors).
#pragma once
#include <cstddef>
#include <cstdint>
#include "core/dtype.h"

namespace mag {

constexpr uint64_t kDefaultRngSeed = 67280421310721ULL;
constexpr size_t kRngStateBytes = 5056;

class CPUGenerator {
 public:
  explicit CPUGenerator(uint64_t seed = kDefaultRngSeed);
  void manual_seed(uint64_t seed);        // also clears the normal caches
  uint64_t initial_seed() const { return seed_; }
  uint32_t random();                      // one 32-bit draw
  uint64_t random64();                    // two draws, first is the high half
  void random_n(uint32_t* out, int64_t n);  // n consecutive random() draws, in bulk
  // torch's 5056-byte CPUGeneratorImplState layout.
  void get_state(uint8_t* out) const;
  // false when n != kRngStateBytes, or when the engine fields fail torch's mt19937 validity check
  // (seeded, 0 < left <= 624, next <= 624; torch: "Invalid mt19937 state"); then nothing changes.
  bool set_state(const uint8_t* in, size_t n);

  bool has_normal = false;   // cached double normal sample (scalar normal path)
  double next_normal = 0.0;

 private:
  uint64_t seed_;
  uint32_t state_[624];
  int left_;
  uint32_t next_;
  void twist();
};

CPUGenerator& default_generator();

// uniform_(from, to); rand == uniform_(0, 1)
void fill_uniform(CPUGenerator& g, DType dtype, void* out, int64_t n, double from, double to);
// normal_(mean, std); `vectorized` = (tensor numel >= 16 and contiguous), as torch picks the path.
void fill_normal(CPUGenerator& g, DType dtype, void* out, int64_t n, double mean, double std,
                 bool vectorized);
// random_(from, to) / randint: values in [low, low + range); range >= 2^28 draws random64().
// range == 0 means the full 2^64 range (random_(-2**63, None)): the raw random64 as int64.
void fill_random_from_to(CPUGenerator& g, DType dtype, void* out, int64_t n, int64_t low,
                         uint64_t range);
// random_() with no bounds (dtype-dependent modulus).
void fill_random_default(CPUGenerator& g, DType dtype, void* out, int64_t n);
// bernoulli_(p) with a Python float p
void fill_bernoulli_scalar(CPUGenerator& g, DType dtype, void* out, int64_t n, double p);
// bernoulli with a probability tensor p (contiguous, n elements of p_dtype)
void fill_bernoulli_tensor(CPUGenerator& g, DType dtype, void* out, DType p_dtype,
                           const void* p, int64_t n);
void fill_exponential(CPUGenerator& g, DType dtype, void* out, int64_t n, double lambd);
// randperm(n) as int64
void fill_randperm(CPUGenerator& g, int64_t* out, int64_t n);

}  // namespace mag
