// registry.cpp: tables generated from the X-macro lists in registry.h.
#include "ops/registry.h"

namespace mag {

const char* unary_node_name(UnaryOp op) {
  static const char* names[] = {
#define MAG_NAME(E, N, P) N,
      MAG_UNARY_OPS(MAG_NAME)
#undef MAG_NAME
  };
  return names[(int)op];
}
bool unary_promotes_int(UnaryOp op) {
  static const bool p[] = {
#define MAG_P(E, N, P) P,
      MAG_UNARY_OPS(MAG_P)
#undef MAG_P
  };
  return p[(int)op];
}
const char* binary_node_name(BinaryOp op) {
  static const char* names[] = {
#define MAG_NAME(E, N, K) N,
      MAG_BINARY_OPS(MAG_NAME)
#undef MAG_NAME
  };
  return names[(int)op];
}
int binary_kind(BinaryOp op) {
  static const int k[] = {
#define MAG_K(E, N, K) K,
      MAG_BINARY_OPS(MAG_K)
#undef MAG_K
  };
  return k[(int)op];
}

}  // namespace mag
