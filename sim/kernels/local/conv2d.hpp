#pragma once
// A 2-D convolution (groups = 1) on a band of rows, as im2col + one GEMM for the whole
// band of samples. Weights are [out_channels][in_channels][k_h][k_w] as in PyTorch, that is
// an M x K matrix with K = C_in * k_h * k_w; a process may hold a block of its M rows
// (model parallelism splits output channels).

#include <vector>

#include "sim/kernels/local/band.hpp"
#include "sim/kernels/local/window.hpp"

namespace dnnsim::kernels {

/// cols[K][samples * rows * W_out]: for output rows [out_rows) of every sample of `x`, the
/// input values each weight meets (0 where the window reads padding). `x` must hold every
/// input row they read.
void im2col(const Band& x, const Window& g, Range out_rows, std::vector<float>& cols);

/// Adds a column gradient (laid out as im2col's) onto `dx`; rows `dx` does not hold are
/// skipped, so a process keeps the part of the input gradient its own rows need.
void col2im(const std::vector<float>& dcols, const Window& g, Range out_rows, Band& dx);

/// Buffers a convolution reuses from one iteration to the next.
struct ConvBuffers {
  std::vector<float> cols;     ///< im2col of the input, kept for the weight gradient
  std::vector<float> product;  ///< a GEMM result before it is laid out as a band
  std::vector<float> grad;     ///< dY as a matrix [channels][samples * pixels]
};

/// y = W * cols + b on output rows [out_rows): `buffers.cols` gets im2col(x), `y` gets
/// samples x.samples, `m` channels and rows [out_rows).
void conv_forward(const Band& x, const Window& g, Range out_rows, const float* w, const float* b,
                  Count m, ConvBuffers& buffers, Band& y);

/// dW += dY * cols^T and db += sum(dY) over the rows of `dy`, which must be the rows
/// `buffers.cols` was built for. `db` may be null (no bias).
void conv_weight_grad(const Band& dy, ConvBuffers& buffers, float* dw, float* db);

/// dX += col2im(W^T * dY): the input gradient on the rows `dx` holds, from the output
/// rows `dy` holds (which must include every output reading those rows).
void conv_input_grad(const Band& dy, const Window& g, const float* w, Count fan_in,
                     ConvBuffers& buffers, Band& dx);

}  // namespace dnnsim::kernels
