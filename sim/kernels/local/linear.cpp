#include "sim/kernels/local/linear.hpp"

#include "sim/kernels/local/gemm.hpp"

namespace dnnsim::kernels {

void linear_forward(const float* x, Count n, Count d, const float* w, const float* b, Count m,
                    float* y) {
  gemm(Trans::no, Trans::yes, n, m, d, 1.0F, x, w, 0.0F, y);
  if (b == nullptr) return;
  for (Count j = 0; j < n; ++j) {
    for (Count o = 0; o < m; ++o) y[j * m + o] += b[o];
  }
}

void linear_weight_grad(const float* x, const float* dy, Count n, Count d, Count m, float* dw,
                        float* db) {
  gemm(Trans::yes, Trans::no, m, d, n, 1.0F, dy, x, 1.0F, dw);
  if (db == nullptr) return;
  for (Count j = 0; j < n; ++j) {
    for (Count o = 0; o < m; ++o) db[o] += dy[j * m + o];
  }
}

void linear_input_grad(const float* dy, const float* w, Count n, Count d, Count m, float* dx) {
  gemm(Trans::no, Trans::no, n, d, m, 1.0F, dy, w, 0.0F, dx);
}

}  // namespace dnnsim::kernels
