#include "sim/workload/shape_inference.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"

namespace dnnsim {
namespace {

// a * b, or nothing when it passes kMaxCount (or overflows).
std::optional<Count> checked_mul(Count a, Count b) noexcept {
  Count out = 0;
  if (__builtin_mul_overflow(a, b, &out) || out > kMaxCount || out < 0) return std::nullopt;
  return out;
}

std::string shape_text(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape.dims, ", "));
}

[[noreturn]] void fail(const Layer& layer, const std::string& file, std::string_view key,
                       const std::string& message) {
  const std::string path = key.empty() ? fmt::format("layer '{}'", layer.name)
                                       : fmt::format("layer '{}'.{}", layer.name, key);
  throw InputError(file, layer.line > 0 ? std::optional<int>(layer.line) : std::nullopt, path,
                   message);
}

// Output extent of a window along one axis, PyTorch's floor formula.
Count window_out(Count in, Count kernel, Count stride, Count padding) {
  return (in + 2 * padding - kernel) / stride + 1;
}

void require_image(const Layer& layer, const Shape& in, const std::string& file) {
  if (!in.is_image()) {
    fail(layer, file, "",
         fmt::format("{} reads images [channels, height, width], got {}", to_string(layer.type),
                     shape_text(in)));
  }
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

// Checks that `axes` are distinct axes of a rank-`rank` sample.
void require_axes(const Layer& layer, const std::string& file, std::string_view key,
                  const std::vector<Count>& axes, std::size_t rank) {
  std::vector<bool> seen(rank, false);
  for (const Count a : axes) {
    if (a < 0 || static_cast<std::size_t>(a) >= rank) {
      fail(layer, file, key,
           fmt::format("axis {} is out of range for a sample of {} dimensions (axes count from "
                       "0, the batch is not one)",
                       a, rank));
    }
    if (seen[static_cast<std::size_t>(a)]) {
      fail(layer, file, key, fmt::format("axis {} is listed twice", a));
    }
    seen[static_cast<std::size_t>(a)] = true;
  }
}

Count product(const std::vector<Count>& dims) {
  Count n = 1;
  for (const Count d : dims) n *= d;
  return n;
}

void infer_matmul(Layer& layer, const Shape& a, const Shape& b, const std::string& file) {
  const bool ranks_ok = a.rank() >= 2 && a.rank() == b.rank();
  const bool lead_ok = ranks_ok && std::equal(a.dims.begin(), a.dims.end() - 2, b.dims.begin());
  const Count m = a.dims.size() >= 2 ? a.dims[a.rank() - 2] : 0;
  const Count k = a.dims.empty() ? 0 : a.dims.back();
  const Count k2 = b.dims.size() >= 2 ? b.dims[b.rank() - 2] : 0;
  if (!lead_ok || k != k2) {
    fail(layer, file, "inputs",
         fmt::format("matmul multiplies [..., m, k] by [..., k, n] with the same leading "
                     "dimensions, got {} and {}",
                     shape_text(a), shape_text(b)));
  }
  const Count n = b.dims.back();
  layer.out_shape.dims.assign(a.dims.begin(), a.dims.end() - 1);
  layer.out_shape.dims.push_back(n);
  layer.d_in = a.elements() + b.elements();
  // 2 * m * k * n per product, one product per leading index.
  const Count lead = product(std::vector<Count>(a.dims.begin(), a.dims.end() - 2));
  layer.flops_per_sample = 2.0 * static_cast<double>(lead) * static_cast<double>(m) *
                           static_cast<double>(k) * static_cast<double>(n);
}

// A count that must stay within kMaxCount.
Count require_count(const Layer& layer, const std::string& file, std::optional<Count> count,
                    std::string_view what) {
  if (!count) {
    fail(layer, file, "",
         fmt::format("{} is too large; dnnsim counts up to 2^53 = {}", what, kMaxCount));
  }
  return *count;
}

}  // namespace

std::optional<Count> checked_elements(const Shape& shape) noexcept {
  Count n = 1;
  for (const Count d : shape.dims) {
    const auto next = checked_mul(n, d);
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

void infer_layer(Layer& layer, const std::vector<Shape>& inputs, const std::string& file) {
  if (layer.type == LayerType::parameter) {
    // A learned tensor, the same for every sample: reads nothing.
    layer.in_shape = Shape{};
    layer.d_in = 0;
    layer.out_shape.dims = layer.shape;
    layer.params = product(layer.shape);
    layer.flops_per_sample = 0.0;
    layer.d_out = layer.out_shape.elements();
    return;
  }
  if (layer.type == LayerType::matmul && inputs.size() != 2) {
    fail(layer, file, "inputs",
         fmt::format("matmul multiplies exactly two inputs, got {}", inputs.size()));
  }
  const bool joins = layer.type == LayerType::add || layer.type == LayerType::concat ||
                     layer.type == LayerType::matmul;
  if (joins && inputs.size() < 2) {
    fail(layer, file, "inputs",
         fmt::format("{} joins two or more inputs, got {}", to_string(layer.type), inputs.size()));
  }
  if (!joins && inputs.size() != 1) {
    fail(layer, file, "inputs",
         fmt::format("{} reads exactly one input, got {}", to_string(layer.type), inputs.size()));
  }
  const Shape& in = inputs.front();
  layer.in_shape = in;
  layer.d_in = in.elements();
  layer.params = 0;
  layer.flops_per_sample = 0.0;
  layer.out_shape = Shape{};

  switch (layer.type) {
    case LayerType::conv2d: {
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
      const Count fan_in = require_count(
          layer, file, window ? checked_mul(c_in / layer.groups, *window) : std::nullopt,
          "the fan-in (C_in / groups) * k_h * k_w");
      const auto weights = checked_mul(layer.out_channels, fan_in);
      layer.params = require_count(layer, file, weights, "the number of parameters") +
                     (layer.bias ? layer.out_channels : 0);
      // docs/model.md, Compute: 2 * C_out * H_out * W_out * (C_in / groups) * k_h * k_w.
      layer.flops_per_sample =
          2.0 * static_cast<double>(layer.out_shape.elements()) * static_cast<double>(fan_in);
      break;
    }
    case LayerType::linear: {
      if (in.dims.size() != 1 && in.dims.size() != 2) {
        fail(layer, file, "",
             fmt::format("linear reads a flat feature vector or [tokens, features], got {}; "
                         "add a flatten layer before it",
                         shape_text(in)));
      }
      // Applied to the last axis, as PyTorch does: [F] -> [out], [T, F] -> [T, out].
      const Count features = in.dims.back();
      const Count tokens = in.elements() / features;
      layer.out_shape.dims = in.dims;
      layer.out_shape.dims.back() = layer.out_features;
      layer.params = require_count(layer, file, checked_mul(layer.out_features, features),
                                   "the number of parameters") +
                     (layer.bias ? layer.out_features : 0);
      // docs/model.md, Compute: 2 * d_in * d_out for a vector, once per token.
      layer.flops_per_sample = 2.0 * static_cast<double>(tokens) * static_cast<double>(features) *
                               static_cast<double>(layer.out_features);
      break;
    }
    case LayerType::maxpool:
    case LayerType::avgpool:
      if (layer.padding.h * 2 > layer.kernel.h || layer.padding.w * 2 > layer.kernel.w) {
        fail(layer, file, "padding",
             fmt::format("padding {}x{} must be at most half the kernel {}x{}", layer.padding.h,
                         layer.padding.w, layer.kernel.h, layer.kernel.w));
      }
      infer_window(layer, in, file, in.channels());
      break;
    case LayerType::adaptive_avgpool:
      require_image(layer, in, file);
      layer.out_shape.dims = {in.channels(), layer.output_size.h, layer.output_size.w};
      break;
    case LayerType::batchnorm:
      layer.out_shape = in;
      layer.params = 2 * in.channels();  // weight and bias per channel (PyTorch)
      break;
    case LayerType::layernorm: {
      layer.out_shape = in;
      // Normalized over the trailing axes `normalized_shape` (default: the whole sample);
      // a weight and a bias per normalized element (PyTorch).
      const std::vector<Count>& norm = layer.shape.empty() ? in.dims : layer.shape;
      const bool trailing =
          norm.size() <= in.rank() && std::equal(norm.rbegin(), norm.rend(), in.dims.rbegin());
      if (!trailing) {
        fail(layer, file, "normalized_shape",
             fmt::format("normalized_shape {} must be the trailing dimensions of the input {}",
                         shape_text(Shape{norm}), shape_text(in)));
      }
      layer.params = 2 * product(norm);
      break;
    }
    case LayerType::mean: {
      require_axes(layer, file, "dims", layer.axes, in.rank());
      std::vector<bool> averaged(in.rank(), false);
      for (const Count a : layer.axes) averaged[static_cast<std::size_t>(a)] = true;
      for (std::size_t k = 0; k < in.rank(); ++k) {
        if (!averaged[k]) {
          layer.out_shape.dims.push_back(in.dims[k]);
        } else if (layer.keepdim) {
          layer.out_shape.dims.push_back(1);
        }
      }
      if (layer.out_shape.dims.empty()) {
        fail(layer, file, "dims",
             "mean over every axis leaves no sample; keep one axis or set keepdim");
      }
      break;
    }
    case LayerType::matmul:
      infer_matmul(layer, in, inputs[1], file);
      break;
    case LayerType::reshape:
      if (product(layer.shape) != in.elements()) {
        fail(layer, file, "shape",
             fmt::format("reshape keeps the {} elements of {}, but {} has {}", in.elements(),
                         shape_text(in), shape_text(Shape{layer.shape}), product(layer.shape)));
      }
      layer.out_shape.dims = layer.shape;
      break;
    case LayerType::transpose:
      if (layer.axes.size() != in.rank()) {
        fail(layer, file, "perm",
             fmt::format("perm must name each of the {} axes of {} once", in.rank(),
                         shape_text(in)));
      }
      require_axes(layer, file, "perm", layer.axes, in.rank());
      for (const Count a : layer.axes)
        layer.out_shape.dims.push_back(in.dims[static_cast<std::size_t>(a)]);
      break;
    case LayerType::slice: {
      require_axes(layer, file, "dim", {layer.slice_dim}, in.rank());
      const Count size = in.dims[static_cast<std::size_t>(layer.slice_dim)];
      if (layer.slice_start >= layer.slice_end || layer.slice_end > size) {
        fail(layer, file, "end",
             fmt::format("slice [{}, {}) must be a non-empty range of axis {} (size {})",
                         layer.slice_start, layer.slice_end, layer.slice_dim, size));
      }
      const Count width = layer.slice_end - layer.slice_start;
      if (layer.squeeze && (width != 1 || in.rank() == 1)) {
        fail(layer, file, "squeeze",
             "squeeze drops the sliced axis: it needs a slice one wide of a sample with two "
             "or more axes");
      }
      layer.out_shape = in;
      layer.out_shape.dims[static_cast<std::size_t>(layer.slice_dim)] = width;
      if (layer.squeeze) {
        layer.out_shape.dims.erase(layer.out_shape.dims.begin() + layer.slice_dim);
      }
      break;
    }
    case LayerType::flatten:
      layer.out_shape.dims = {in.elements()};
      break;
    case LayerType::add:
      for (std::size_t k = 1; k < inputs.size(); ++k) {
        if (!(inputs[k] == in)) {
          fail(layer, file, "inputs",
               fmt::format("add needs inputs of one shape, got {} and {}", shape_text(in),
                           shape_text(inputs[k])));
        }
      }
      layer.out_shape = in;
      break;
    case LayerType::concat: {
      Shape out = in;
      for (std::size_t k = 1; k < inputs.size(); ++k) {
        const Shape& other = inputs[k];
        const bool same_rank = other.dims.size() == in.dims.size();
        const bool same_rest =
            same_rank && std::equal(other.dims.begin() + 1, other.dims.end(), in.dims.begin() + 1);
        if (!same_rest) {
          fail(layer, file, "inputs",
               fmt::format("concat joins along channels; inputs {} and {} differ elsewhere",
                           shape_text(in), shape_text(other)));
        }
        if (__builtin_add_overflow(out.dims[0], other.dims[0], &out.dims[0]) ||
            __builtin_add_overflow(layer.d_in, other.elements(), &layer.d_in) ||
            layer.d_in > kMaxCount) {
          fail(layer, file, "inputs",
               fmt::format("the joined input is too large; dnnsim counts up to 2^53 = {}",
                           kMaxCount));
        }
      }
      layer.out_shape = out;
      break;
    }
    default:  // relu and the other activations, dropout, softmax: shape preserved
      layer.out_shape = in;
      break;
  }
  for (const Count d : layer.out_shape.dims) {
    if (d <= 0) {
      fail(layer, file, "", fmt::format("output shape {} is empty", shape_text(layer.out_shape)));
    }
  }
  layer.d_out = require_count(layer, file, checked_elements(layer.out_shape),
                              fmt::format("the output {}", shape_text(layer.out_shape)));
  if (layer.params > kMaxCount) {
    require_count(layer, file, std::nullopt, "the number of parameters");
  }
}

}  // namespace dnnsim
