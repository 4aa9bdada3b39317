// derivatives.h: the derivative table's one declaration list: one backward formula per node
// type, grouped by op family in the order of registry.h; each group lives in the
// derivatives_<family>.cpp named above it.
#pragma once
#include "autograd/node.h"

namespace mag {
namespace deriv {
#define MAG_FORMULA(name) TensorList name##_bw(FnNode& n, const TensorList& g)
// derivatives_elementwise.cpp
MAG_FORMULA(unary);
MAG_FORMULA(binary);
MAG_FORMULA(pow_scalar);
MAG_FORMULA(rpow_scalar);
MAG_FORMULA(rsub_scalar);
MAG_FORMULA(zeros);
MAG_FORMULA(where);
MAG_FORMULA(clamp);
MAG_FORMULA(clamp_tensor);
// derivatives_reduce.cpp
MAG_FORMULA(sum);
MAG_FORMULA(mean);
MAG_FORMULA(prod);
MAG_FORMULA(amax);
MAG_FORMULA(max_all);
MAG_FORMULA(max_dim);
MAG_FORMULA(var);
MAG_FORMULA(norm);
MAG_FORMULA(logsumexp);
MAG_FORMULA(softmax);
MAG_FORMULA(log_softmax);
MAG_FORMULA(cumsum);
// derivatives_shape.cpp
MAG_FORMULA(view);
MAG_FORMULA(permute);
MAG_FORMULA(transpose);
MAG_FORMULA(expand);
MAG_FORMULA(squeeze);
MAG_FORMULA(select);
MAG_FORMULA(slice);
MAG_FORMULA(as_strided);
MAG_FORMULA(identity);
MAG_FORMULA(to_dtype);
MAG_FORMULA(to_device);
MAG_FORMULA(unbind);
MAG_FORMULA(split);
MAG_FORMULA(cat);
MAG_FORMULA(stack);
MAG_FORMULA(index_select);
MAG_FORMULA(index);
MAG_FORMULA(gather);
MAG_FORMULA(scatter);
MAG_FORMULA(masked_fill);
MAG_FORMULA(index_add);
MAG_FORMULA(index_put);
MAG_FORMULA(copy_slices);
MAG_FORMULA(copy);
MAG_FORMULA(fill);
// derivatives_linalg.cpp
MAG_FORMULA(mm);
MAG_FORMULA(bmm);
MAG_FORMULA(mv);
MAG_FORMULA(dot);
MAG_FORMULA(addmm);
// at recording: the inputs' layouts mm/addmm's backward needs (torch saves their strides)
void save_mm_layouts(FnNode& n, const Tensor& mat1, const Tensor& mat2);
// derivatives_nn.cpp (losses, activations, normalisation, embedding)
MAG_FORMULA(mse_loss);
MAG_FORMULA(nll_loss);
MAG_FORMULA(bce);
MAG_FORMULA(bce_logits);
MAG_FORMULA(leaky_relu);
MAG_FORMULA(elu);
MAG_FORMULA(gelu);
MAG_FORMULA(softplus);
MAG_FORMULA(hardtanh);
MAG_FORMULA(layer_norm);
MAG_FORMULA(batch_norm);
MAG_FORMULA(embedding);
MAG_FORMULA(smooth_l1_loss);
MAG_FORMULA(huber_loss);
// derivatives_rnn.cpp
MAG_FORMULA(rnn_layer);
#undef MAG_FORMULA
}  // namespace deriv
}  // namespace mag
