#pragma once
// Single-precision matrix products through CBLAS (OpenBLAS), row-major:
// C = alpha * op(A) * op(B) + beta * C with op(A) m x k and op(B) k x n.

#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

enum class Trans : bool { no = false, yes = true };

void gemm(Trans ta, Trans tb, Count m, Count n, Count k, float alpha, const float* a,
          const float* b, float beta, float* c);

/// Runs OpenBLAS on one thread: each MPI rank is one core's worth of compute.
void use_one_blas_thread() noexcept;

}  // namespace dnnsim::kernels
