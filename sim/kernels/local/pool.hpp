#pragma once
// Max and average pooling on a band of rows. Average pooling divides by k_h * k_w
// (PyTorch's count_include_pad); max pooling ignores padding and, among equal values,
// picks the first in the window (rows, then columns), so a process that sees only part
// of a window finds the same maximum when it lies in that part.

#include <cstdint>
#include <vector>

#include "sim/kernels/local/band.hpp"
#include "sim/kernels/local/window.hpp"

namespace dnnsim::kernels {

/// Output rows [out_rows) of max pooling; `argmax` gets, per output value, the input
/// position (row * in_width + column) it came from.
void maxpool_forward(const Band& x, const Window& g, Range out_rows, Band& y,
                     std::vector<std::int64_t>& argmax);

/// Output rows [out_rows) of average pooling.
void avgpool_forward(const Band& x, const Window& g, Range out_rows, Band& y);

/// The input position of the maximum of output (sample, channel, row `oh`, column `ow`)
/// among the input rows in `rows` (which `x` must hold), or -1 when its window has none.
[[nodiscard]] std::int64_t window_argmax(const Band& x, const Window& g, Count sample,
                                         Count channel, Count oh, Count ow, Range rows);

/// dX += the gradient of max pooling on the rows `dx` holds. Outputs in `own` take their
/// maximum from `argmax` (as maxpool_forward gave it for `own`); the other rows of `dy`
/// are a neighbour's outputs, already zero where their maximum is not in `dx`'s rows, and
/// find it with window_argmax over `x` restricted to `dx`'s rows.
void maxpool_backward(const Band& dy, const Window& g, Range own,
                      const std::vector<std::int64_t>& argmax, const Band& x, Band& dx);

/// dX += the gradient of average pooling on the rows `dx` holds, from the outputs `dy` holds.
void avgpool_backward(const Band& dy, const Window& g, Band& dx);

}  // namespace dnnsim::kernels
