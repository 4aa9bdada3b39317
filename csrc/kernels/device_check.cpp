// device_check.cpp: the checked kernel tables of device_check.h.
#include "kernels/device_check.h"
#include <mutex>

namespace mag {

static void same_device(std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t->defined()) continue;
    if (!first) { first = t; continue; }
    if (t->device() != first->device())
      MAG_THROW(Runtime, "Expected all tensors to be on the same device, but found at least two devices, ",
                device_str(first->device()), " and ", device_str(t->device()), "!");
  }
}

// One wrapper set per base table (Slot 0: CPU, 1: CUDA): check, then call the base entry.
template <int Slot>
struct Checked {
  static const KernelTable* base;
  static void unary(UnaryOp op, const Tensor& o, const Tensor& i) { same_device({&o, &i}); base->unary(op, o, i); }
  static void binary(BinaryOp op, const Tensor& o, const Tensor& a, const Tensor& b, Scalar al) {
    same_device({&o, &a, &b}); base->binary(op, o, a, b, al);
  }
  static void copy(const Tensor& d, const Tensor& s) { same_device({&d, &s}); base->copy(d, s); }
  static void fill(const Tensor& d, Scalar v) { base->fill(d, v); }
  static void where(const Tensor& o, const Tensor& c, const Tensor& a, const Tensor& b) {
    same_device({&o, &c, &a, &b}); base->where(o, c, a, b);
  }
  static void reduce(ReduceOp op, const Tensor& o, const Tensor& i) { same_device({&o, &i}); base->reduce(op, o, i); }
  static void arg_reduce(bool mx, const Tensor& v, const Tensor& ix, const Tensor& in, int64_t d) {
    same_device({&in, &v, &ix}); base->arg_reduce(mx, v, ix, in, d);
  }
  static void bmm(const Tensor& c, const Tensor& a, const Tensor& b) { same_device({&c, &a, &b}); base->bmm(c, a, b); }
  static void bmm_pair(const Tensor& c1, const Tensor& a1, const Tensor& b1, const Tensor& c2, const Tensor& a2,
                       const Tensor& b2) {
    same_device({&c1, &a1, &b1, &c2, &a2, &b2}); base->bmm_pair(c1, a1, b1, c2, a2, b2);
  }
  static void cumsum(const Tensor& o, const Tensor& i, int64_t d) { same_device({&o, &i}); base->cumsum(o, i, d); }
  static void index_select(const Tensor& o, const Tensor& i, int64_t d, const Tensor& ix) {
    same_device({&o, &i, &ix}); base->index_select(o, i, d, ix);
  }
  static void index_add(const Tensor& o, int64_t d, const Tensor& ix, const Tensor& s) {
    same_device({&o, &ix, &s}); base->index_add(o, d, ix, s);
  }
  static void gather(const Tensor& o, const Tensor& i, int64_t d, const Tensor& ix) {
    same_device({&o, &i, &ix}); base->gather(o, i, d, ix);
  }
  static void scatter(const Tensor& o, int64_t d, const Tensor& ix, const Tensor& s, bool add) {
    same_device({&o, &ix, &s}); base->scatter(o, d, ix, s, add);
  }
  static KernelTable table() {
    KernelTable t = *base;  // entries not listed here (fused layers, optimizer steps) pass through
    t.unary = unary; t.binary = binary; t.copy = copy; t.fill = fill; t.where = where;
    t.reduce = reduce; t.arg_reduce = arg_reduce; t.bmm = bmm; t.cumsum = cumsum;
    t.index_select = index_select; t.index_add = index_add; t.gather = gather; t.scatter = scatter;
    t.bmm_pair = base->bmm_pair ? bmm_pair : nullptr;
    return t;
  }
};
template <int Slot> const KernelTable* Checked<Slot>::base = nullptr;

const KernelTable& checked_cpu_kernels() {
  static const KernelTable t = [] { Checked<0>::base = &cpu_kernels; return Checked<0>::table(); }();
  return t;
}

const KernelTable& checked_kernels(const KernelTable* base) {
  static std::once_flag once;
  static KernelTable t;
  std::call_once(once, [&] { Checked<1>::base = base; t = Checked<1>::table(); });
  return t;
}

}  // namespace mag
