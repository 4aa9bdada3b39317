// linalg.cpp (ops): torch's shape rules and error texts for mm/bmm/mv/dot; all run on the
// kernel table's bmm.
#include "ops/native.h"

namespace mag {
namespace native {

void check_same_dtype_mm(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    auto nm = [](DType d) { static const char* n[] = {"bool", "unsigned char", "signed char", "short", "int", "long int", "c10::Half", "c10::BFloat16", "float", "double"}; return n[(int)d]; };
    MAG_THROW(Runtime, "expected m1 and m2 to have the same dtype, but got: ", nm(a.dtype()), " != ", nm(b.dtype()));
  }
}

static const char* type_name(DType d) {  // torch's ScalarType names
  static const char* n[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  return n[(int)d];
}

static void check_mm(const Tensor& a, const Tensor& b) {
  MAG_CHECK(a.dim() == 2, "self must be a matrix");
  MAG_CHECK(b.dim() == 2, "mat2 must be a matrix");
  if (a.sizes()[1] != b.sizes()[0])
    MAG_THROW(Runtime, "mat1 and mat2 shapes cannot be multiplied (", a.sizes()[0], "x", a.sizes()[1], " and ",
              b.sizes()[0], "x", b.sizes()[1], ")");
  check_same_dtype_mm(a, b);
}

Tensor mm(const Tensor& a, const Tensor& b) {
  check_mm(a, b);
  Tensor out = empty(Shape{a.sizes()[0], b.sizes()[1]}, a.dtype(), a.device());
  if (a.sizes()[1] == 0) { fill_(out, Scalar::from_int(0)); return out; }
  kernels_for(a.device()).bmm(unsqueeze(out, 0), unsqueeze(a, 0), unsqueeze(b, 0));
  return out;
}

std::pair<Tensor, Tensor> mm_pair(const Tensor& a1, const Tensor& b1, const Tensor& a2, const Tensor& b2) {
  check_mm(a1, b1);
  check_mm(a2, b2);
  const KernelTable& k = kernels_for(a1.device());
  if (!k.bmm_pair || a2.device() != a1.device() || a1.sizes()[1] == 0 || a2.sizes()[1] == 0)
    return {mm(a1, b1), mm(a2, b2)};
  Tensor o1 = empty(Shape{a1.sizes()[0], b1.sizes()[1]}, a1.dtype(), a1.device());
  Tensor o2 = empty(Shape{a2.sizes()[0], b2.sizes()[1]}, a2.dtype(), a2.device());
  k.bmm_pair(unsqueeze(o1, 0), unsqueeze(a1, 0), unsqueeze(b1, 0), unsqueeze(o2, 0), unsqueeze(a2, 0),
             unsqueeze(b2, 0));
  return {o1, o2};
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  MAG_CHECK(a.dim() == 3, "batch1 must be a 3D tensor");
  MAG_CHECK(b.dim() == 3, "batch2 must be a 3D tensor");
  if (a.sizes()[0] != b.sizes()[0] || a.sizes()[2] != b.sizes()[1])
    MAG_THROW(Runtime, "Expected size for first two dimensions of batch2 tensor to be: [", a.sizes()[0], ", ",
              a.sizes()[2], "] but got: [", b.sizes()[0], ", ", b.sizes()[1], "].");
  Shape os{a.sizes()[0], a.sizes()[1], b.sizes()[2]};
  if (a.dtype() != b.dtype()) {
    // torch checks bmm's dtypes in the kernel: an empty product never gets there (batch2's dtype)
    if (shape_numel(os) == 0 || a.sizes()[2] == 0) return zeros(os, b.dtype(), a.device());
    MAG_THROW(Runtime, "expected scalar type ", type_name(a.dtype()), " but found ", type_name(b.dtype()));
  }
  Tensor out = empty(os, a.dtype(), a.device());
  if (a.sizes()[2] == 0) { fill_(out, Scalar::from_int(0)); return out; }
  kernels_for(a.device()).bmm(out, a, b);
  return out;
}

Tensor mv(const Tensor& a, const Tensor& v) {
  MAG_CHECK(a.dim() == 2 && v.dim() == 1, "vector + matrix @ vector expected, got ", 1, ", ", a.dim(), ", ", v.dim());
  if (a.sizes()[1] != v.sizes()[0])
    MAG_THROW(Runtime, "size mismatch, got input (", a.sizes()[0], "), mat (", a.sizes()[0], "x", a.sizes()[1],
              "), vec (", v.sizes()[0], ")");
  if (a.dtype() != v.dtype())  // torch's mv is addmv into a result of vec's dtype
    MAG_THROW(Runtime, "addmv input tensors must have the same dtype, but got ", type_name(v.dtype()), ", ",
              type_name(a.dtype()), ", and ", type_name(v.dtype()));
  Tensor r = mm(a, unsqueeze(v, 1));
  return squeeze(r, std::vector<int64_t>{1});
}

Tensor dot(const Tensor& a, const Tensor& b) {
  MAG_CHECK(a.dim() == 1 && b.dim() == 1, "1D tensors expected, but got ", a.dim(), "D and ", b.dim(), "D tensors");
  if (a.numel() != b.numel())
    MAG_THROW(Runtime, "inconsistent tensor size, expected tensor [", a.numel(), "] and src [", b.numel(),
              "] to have the same number of elements, but got ", a.numel(), " and ", b.numel(), " elements respectively");
  if (a.dtype() != b.dtype())
    MAG_THROW(Runtime, "dot : expected both vectors to have same dtype, but found ", type_name(a.dtype()), " and ",
              type_name(b.dtype()));
  Tensor r = mm(unsqueeze(a, 0), unsqueeze(b, 1));
  return reshape(r, Shape());
}

}  // namespace native
}  // namespace mag
