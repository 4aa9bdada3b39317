// dtype.cpp: dtype names and torch's promotion lattice.
#include "core/dtype.h"

namespace mag {

const char* dtype_name(DType d) {
  static const char* names[] = {"torch.bool", "torch.uint8", "torch.int8", "torch.int16",
                                "torch.int32", "torch.int64", "torch.float16", "torch.bfloat16",
                                "torch.float32", "torch.float64"};
  return names[(int)d];
}

const char* legacy_type_name(DType d) {
  static const char* names[] = {"torch.BoolTensor", "torch.ByteTensor", "torch.CharTensor",
                                "torch.ShortTensor", "torch.IntTensor", "torch.LongTensor",
                                "torch.HalfTensor", "torch.BFloat16Tensor", "torch.FloatTensor",
                                "torch.DoubleTensor"};
  return names[(int)d];
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  bool fa = is_floating(a), fb = is_floating(b);
  if (fa && fb) {
    // float16 + bfloat16 -> float32; otherwise the wider one.
    if ((a == DType::Float16 && b == DType::BFloat16) || (a == DType::BFloat16 && b == DType::Float16))
      return DType::Float32;
    return a > b ? a : b;
  }
  if (fa) return a;
  if (fb) return b;
  if (a == DType::Bool) return b;
  if (b == DType::Bool) return a;
  // uint8 with a signed type: uint8+int8 -> int16, otherwise the signed type.
  if (a == DType::UInt8 || b == DType::UInt8) {
    DType o = a == DType::UInt8 ? b : a;
    return o == DType::Int8 ? DType::Int16 : o;
  }
  return a > b ? a : b;
}

}  // namespace mag
