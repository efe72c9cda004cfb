#pragma once
// Shapes, parameter counts (PyTorch conventions) and forward FLOPs per sample
// (docs/model.md, "Compute") for one layer, given the shapes of its inputs.

#include <optional>
#include <vector>

#include "sim/workload/layer.hpp"

namespace dnnsim {

/// The elements of one sample of this shape, or nothing beyond kMaxCount
/// (sim/common/bounds.hpp).
[[nodiscard]] std::optional<Count> checked_elements(const Shape& shape) noexcept;

/// Fills layer.in_shape, out_shape, d_in, d_out, params and flops_per_sample. Throws
/// InputError (naming `file`, the layer's line and the key) when the layer cannot read
/// inputs of these shapes, or when a count (elements, parameters) would pass kMaxCount.
void infer_layer(Layer& layer, const std::vector<Shape>& input_shapes, const std::string& file);

}  // namespace dnnsim
