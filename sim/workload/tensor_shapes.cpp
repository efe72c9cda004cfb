// Layers over features and tensors: linear, normalization, and the tensor operations of
// imported models (docs/model.md, "Layers added for imported models").

#include <algorithm>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"
#include "sim/workload/layer_shapes.hpp"

namespace dnnsim::shapes {

void infer_linear(Layer& layer, const Shape& in, const std::string& file) {
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
  // A linear layer tied to an embedding uses its table as weight: only its bias is its own.
  const Count weights = layer.is_tied()
                            ? 0
                            : require_count(layer, file, checked_mul(layer.out_features, features),
                                            "the number of parameters");
  layer.params = weights + (layer.bias ? layer.out_features : 0);
  // docs/model.md, Compute: 2 * d_in * d_out for a vector, once per token.
  layer.flops_per_sample = 2.0 * static_cast<double>(tokens) * static_cast<double>(features) *
                           static_cast<double>(layer.out_features);
}

void infer_layernorm(Layer& layer, const Shape& in, const std::string& file) {
  layer.out_shape = in;
  // Normalized over the trailing axes `normalized_shape` (default: the whole sample); a
  // weight and a bias per normalized element (PyTorch).
  const std::vector<Count>& norm = layer.shape.empty() ? in.dims : layer.shape;
  const bool trailing =
      norm.size() <= in.rank() && std::equal(norm.rbegin(), norm.rend(), in.dims.rbegin());
  if (!trailing) {
    fail(layer, file, "normalized_shape",
         fmt::format("normalized_shape {} must be the trailing dimensions of the input {}",
                     shape_text(Shape{norm}), shape_text(in)));
  }
  layer.params = 2 * product(norm);
}

void infer_mean(Layer& layer, const Shape& in, const std::string& file) {
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

void infer_reshape(Layer& layer, const Shape& in, const std::string& file) {
  if (product(layer.shape) != in.elements()) {
    fail(layer, file, "shape",
         fmt::format("reshape keeps the {} elements of {}, but {} has {}", in.elements(),
                     shape_text(in), shape_text(Shape{layer.shape}), product(layer.shape)));
  }
  layer.out_shape.dims = layer.shape;
}

void infer_transpose(Layer& layer, const Shape& in, const std::string& file) {
  if (layer.axes.size() != in.rank()) {
    fail(layer, file, "perm",
         fmt::format("perm must name each of the {} axes of {} once", in.rank(), shape_text(in)));
  }
  require_axes(layer, file, "perm", layer.axes, in.rank());
  for (const Count a : layer.axes)
    layer.out_shape.dims.push_back(in.dims[static_cast<std::size_t>(a)]);
}

void infer_slice(Layer& layer, const Shape& in, const std::string& file) {
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
         "squeeze drops the sliced axis: it needs a slice one wide of a sample with two or "
         "more axes");
  }
  layer.out_shape = in;
  layer.out_shape.dims[static_cast<std::size_t>(layer.slice_dim)] = width;
  if (layer.squeeze) layer.out_shape.dims.erase(layer.out_shape.dims.begin() + layer.slice_dim);
}

void infer_concat(Layer& layer, const std::vector<Shape>& inputs, const std::string& file) {
  const Shape& in = inputs.front();
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
           fmt::format("the joined input is too large; dnnsim counts up to 2^53 = {}", kMaxCount));
    }
  }
  layer.out_shape = out;
}

}  // namespace dnnsim::shapes
