// registry.h: the op registry. Each elementwise primitive is declared once here: its enum
// name, the backward node name torch prints, and whether integer inputs promote to the
// default float dtype. The enums, node names and kernel switches are all generated from it.
#pragma once

namespace mag {

// _(Enum, "BackwardNodeName", promotes_int_to_float)
#define MAG_UNARY_OPS(_)                       \
  _(Neg, "NegBackward0", false)                \
  _(Abs, "AbsBackward0", false)                \
  _(Sign, "SignBackward0", false)              \
  _(Exp, "ExpBackward0", true)                 \
  _(Log, "LogBackward0", true)                 \
  _(Log2, "Log2Backward0", true)               \
  _(Log10, "Log10Backward0", true)             \
  _(Log1p, "Log1PBackward0", true)             \
  _(Expm1, "Expm1Backward0", true)             \
  _(Sqrt, "SqrtBackward0", true)               \
  _(Rsqrt, "RsqrtBackward0", true)             \
  _(Sin, "SinBackward0", true)                 \
  _(Cos, "CosBackward0", true)                 \
  _(Tan, "TanBackward0", true)                 \
  _(Tanh, "TanhBackward0", true)               \
  _(Sigmoid, "SigmoidBackward0", true)         \
  _(Relu, "ReluBackward0", false)              \
  _(Floor, "FloorBackward0", false)            \
  _(Ceil, "CeilBackward0", false)              \
  _(Round, "RoundBackward0", false)            \
  _(Trunc, "TruncBackward0", false)            \
  _(Reciprocal, "ReciprocalBackward0", true)   \
  _(Erf, "ErfBackward0", true)                 \
  _(Asin, "AsinBackward0", true)               \
  _(Acos, "AcosBackward0", true)               \
  _(Atan, "AtanBackward0", true)               \
  _(Sinh, "SinhBackward0", true)               \
  _(Cosh, "CoshBackward0", true)               \
  _(Silu, "SiluBackward0", true)               \
  _(Square, "PowBackward0", false)

enum class UnaryOp {
#define MAG_ENUM(E, N, P) E,
  MAG_UNARY_OPS(MAG_ENUM)
#undef MAG_ENUM
};

// _(Enum, "BackwardNodeName", kind) kind: 0 arithmetic, 1 comparison (bool out), 2 logical.
// SigmoidBackward / TanhBackward (torch's sigmoid_backward(grad, y) = grad * (1 - y) * y and
// tanh_backward(grad, y) = grad * (1 - y * y)) are fused one-pass kernels for the derivative
// table, used only when the backward is not itself recorded.
#define MAG_BINARY_OPS(_)                        \
  _(Add, "AddBackward0", 0)                      \
  _(Sub, "SubBackward0", 0)                      \
  _(Mul, "MulBackward0", 0)                      \
  _(Div, "DivBackward0", 0)                      \
  _(FloorDivide, "NotImplemented", 0)            \
  _(Remainder, "RemainderBackward1", 0)          \
  _(Fmod, "FmodBackward1", 0)                    \
  _(Pow, "PowBackward1", 0)                      \
  _(Maximum, "MaximumBackward0", 0)              \
  _(Minimum, "MinimumBackward0", 0)              \
  _(Atan2, "Atan2Backward0", 0)                  \
  _(BitAnd, "BitwiseAndBackward0", 0)            \
  _(BitOr, "BitwiseOrBackward0", 0)              \
  _(BitXor, "BitwiseXorBackward0", 0)            \
  _(Eq, "EqBackward0", 1)                        \
  _(Ne, "NeBackward0", 1)                        \
  _(Lt, "LtBackward0", 1)                        \
  _(Le, "LeBackward0", 1)                        \
  _(Gt, "GtBackward0", 1)                        \
  _(Ge, "GeBackward0", 1)                        \
  _(LogicalAnd, "LogicalAndBackward0", 2)        \
  _(LogicalOr, "LogicalOrBackward0", 2)          \
  _(LogicalXor, "LogicalXorBackward0", 2)       \
  _(SigmoidBackward, "SigmoidBackwardBackward0", 0) \
  _(TanhBackward, "TanhBackwardBackward0", 0)

enum class BinaryOp {
#define MAG_ENUM(E, N, K) E,
  MAG_BINARY_OPS(MAG_ENUM)
#undef MAG_ENUM
};

enum class ReduceOp { Sum, Prod, Max, Min, All, Any };

const char* unary_node_name(UnaryOp op);
bool unary_promotes_int(UnaryOp op);
const char* binary_node_name(BinaryOp op);
int binary_kind(BinaryOp op);

}  // namespace mag
