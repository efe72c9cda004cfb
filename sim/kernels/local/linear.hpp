#pragma once
// A fully connected layer on n samples: Y[n x m] = X[n x d] * W^T + b with W [m x d] as in
// PyTorch. A process may hold a block of W's m rows (model parallelism).

#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

void linear_forward(const float* x, Count n, Count d, const float* w, const float* b, Count m,
                    float* y);

/// dW += dY^T X and db += column sums of dY (db may be null: no bias).
void linear_weight_grad(const float* x, const float* dy, Count n, Count d, Count m, float* dw,
                        float* db);

/// dX = dY W (overwrites dx).
void linear_input_grad(const float* dy, const float* w, Count n, Count d, Count m, float* dx);

}  // namespace dnnsim::kernels
