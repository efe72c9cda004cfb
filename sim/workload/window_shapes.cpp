// Convolutions and pooling: windows over images (docs/model.md, "Compute").

#include <fmt/format.h>

#include "sim/workload/layer_shapes.hpp"

namespace dnnsim::shapes {
namespace {

// Output extent of a window along one axis, PyTorch's floor formula.
Count window_out(Count in, Count kernel, Count stride, Count padding) {
  return (in + 2 * padding - kernel) / stride + 1;
}

// PyTorch's ceil_mode: the last window may start in the padding on the right, never past it.
Count window_out_ceil(Count in, Count kernel, Count stride, Count padding) {
  Count out = (in + 2 * padding - kernel + stride - 1) / stride + 1;
  if ((out - 1) * stride >= in + padding) --out;
  return out;
}

void infer_window(Layer& layer, const Shape& in, const std::string& file, Count out_channels) {
  require_image(layer, in, file);
  const Count h_in = in.height() + 2 * layer.padding.h;
  const Count w_in = in.width() + 2 * layer.padding.w;
  if (layer.kernel.h > h_in || layer.kernel.w > w_in) {
    fail(layer, file, "kernel",
         fmt::format("kernel {}x{} is larger than its padded input {}x{}", layer.kernel.h,
                     layer.kernel.w, h_in, w_in));
  }
  const auto extent = layer.ceil_mode ? window_out_ceil : window_out;
  layer.out_shape.dims = {out_channels,
                          extent(in.height(), layer.kernel.h, layer.stride.h, layer.padding.h),
                          extent(in.width(), layer.kernel.w, layer.stride.w, layer.padding.w)};
}

}  // namespace

void infer_conv2d(Layer& layer, const Shape& in, const std::string& file) {
  require_image(layer, in, file);
  const Count c_in = in.channels();
  if (c_in % layer.groups != 0 || layer.out_channels % layer.groups != 0) {
    fail(layer, file, "groups",
         fmt::format("groups = {} must divide both the input channels ({}) and "
                     "out_channels ({})",
                     layer.groups, c_in, layer.out_channels));
  }
  infer_window(layer, in, file, layer.out_channels);
  const auto window = checked_mul(layer.kernel.h, layer.kernel.w);
  const Count fan_in =
      require_count(layer, file, window ? checked_mul(c_in / layer.groups, *window) : std::nullopt,
                    "the fan-in (C_in / groups) * k_h * k_w");
  const auto weights = checked_mul(layer.out_channels, fan_in);
  layer.params = require_count(layer, file, weights, "the number of parameters") +
                 (layer.bias ? layer.out_channels : 0);
  // docs/model.md, Compute: 2 * C_out * H_out * W_out * (C_in / groups) * k_h * k_w.
  layer.flops_per_sample =
      2.0 * static_cast<double>(layer.out_shape.elements()) * static_cast<double>(fan_in);
}

void infer_pool(Layer& layer, const Shape& in, const std::string& file) {
  if (layer.padding.h * 2 > layer.kernel.h || layer.padding.w * 2 > layer.kernel.w) {
    fail(layer, file, "padding",
         fmt::format("padding {}x{} must be at most half the kernel {}x{}", layer.padding.h,
                     layer.padding.w, layer.kernel.h, layer.kernel.w));
  }
  infer_window(layer, in, file, in.channels());
}

void infer_adaptive_pool(Layer& layer, const Shape& in, const std::string& file) {
  require_image(layer, in, file);
  layer.out_shape.dims = {in.channels(), layer.output_size.h, layer.output_size.w};
}

}  // namespace dnnsim::shapes
