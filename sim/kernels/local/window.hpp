#pragma once
// Geometry of a windowed layer (conv2d, maxpool, avgpool) along the image height, the
// axis domain parallelism splits (docs/model.md, "Domain"): which input rows a block of output
// rows reads, and which output rows read a block of input rows.

#include "sim/kernels/local/range.hpp"
#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

struct Window {
  Pair kernel;
  Pair stride;
  Pair padding;
  Count in_height = 0;
  Count in_width = 0;
  Count out_height = 0;
  Count out_width = 0;

  [[nodiscard]] static Window of(const Layer& layer) noexcept {
    return {layer.kernel,           layer.stride,
            layer.padding,          layer.in_shape.height(),
            layer.in_shape.width(), layer.out_shape.height(),
            layer.out_shape.width()};
  }

  /// Input rows that output rows [out) read, clipped to the image (padding reads nothing).
  [[nodiscard]] Range input_rows(Range out) const noexcept {
    if (out.empty()) return {};
    const Count first = out.begin * stride.h - padding.h;
    const Count last = (out.end - 1) * stride.h - padding.h + kernel.h;  // one past
    return intersect({first, last}, {0, in_height});
  }

  /// Output rows whose windows read some row of [in).
  [[nodiscard]] Range outputs_reading(Range in) const noexcept {
    if (in.empty()) return {};
    // q * s - p <= in.end - 1  and  q * s - p + k - 1 >= in.begin
    const Count first = ceil_div(in.begin + padding.h - kernel.h + 1, stride.h);
    const Count last = floor_div(in.end - 1 + padding.h, stride.h) + 1;
    return intersect({first, last}, {0, out_height});
  }
};

}  // namespace dnnsim::kernels
