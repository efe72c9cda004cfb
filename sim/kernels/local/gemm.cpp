#include "sim/kernels/local/gemm.hpp"

#include <cblas.h>

namespace dnnsim::kernels {

void gemm(Trans ta, Trans tb, Count m, Count n, Count k, float alpha, const float* a,
          const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  const bool at = ta == Trans::yes;
  const bool bt = tb == Trans::yes;
  // Leading dimensions of the row-major operands as stored.
  const auto lda = static_cast<blasint>(at ? m : k);
  const auto ldb = static_cast<blasint>(bt ? k : n);
  cblas_sgemm(CblasRowMajor, at ? CblasTrans : CblasNoTrans, bt ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              lda == 0 ? 1 : lda, b, ldb == 0 ? 1 : ldb, beta, c, static_cast<blasint>(n));
}

void use_one_blas_thread() noexcept {
  openblas_set_num_threads(1);
}

}  // namespace dnnsim::kernels
