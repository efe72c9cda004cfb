#pragma once
// The shape inference of each family of layers (sim/workload/shape_inference.cpp calls
// them), and the checks they share. Each fills the layer's out_shape, params and
// flops_per_sample from its input shapes, or throws InputError naming the layer and the key.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload/layer.hpp"

namespace dnnsim::shapes {

// ---- shared checks (layer_shapes.cpp) ----------------------------------------------------

/// a * b, or nothing when it passes kMaxCount (or overflows).
[[nodiscard]] std::optional<Count> checked_mul(Count a, Count b) noexcept;
/// The product of `dims` (each already bounded by the loader).
[[nodiscard]] Count product(const std::vector<Count>& dims) noexcept;
/// "[64, 55, 55]".
[[nodiscard]] std::string shape_text(const Shape& shape);
[[noreturn]] void fail(const Layer& layer, const std::string& file, std::string_view key,
                       const std::string& message);
/// `count`, or an InputError saying `what` passes 2^53.
Count require_count(const Layer& layer, const std::string& file, std::optional<Count> count,
                    std::string_view what);
/// Checks that `axes` are distinct axes of a rank-`rank` sample.
void require_axes(const Layer& layer, const std::string& file, std::string_view key,
                  const std::vector<Count>& axes, std::size_t rank);
void require_image(const Layer& layer, const Shape& in, const std::string& file);

// ---- windows over images (window_shapes.cpp) ----------------------------------------------

void infer_conv2d(Layer& layer, const Shape& in, const std::string& file);
void infer_pool(Layer& layer, const Shape& in, const std::string& file);
void infer_adaptive_pool(Layer& layer, const Shape& in, const std::string& file);

// ---- features and tensors (tensor_shapes.cpp) ----------------------------------------------

void infer_linear(Layer& layer, const Shape& in, const std::string& file);
void infer_layernorm(Layer& layer, const Shape& in, const std::string& file);
void infer_mean(Layer& layer, const Shape& in, const std::string& file);
void infer_matmul(Layer& layer, const Shape& a, const Shape& b, const std::string& file);
void infer_reshape(Layer& layer, const Shape& in, const std::string& file);
void infer_transpose(Layer& layer, const Shape& in, const std::string& file);
void infer_slice(Layer& layer, const Shape& in, const std::string& file);
void infer_concat(Layer& layer, const std::vector<Shape>& inputs, const std::string& file);

// ---- transformers (transformer_shapes.cpp) -------------------------------------------------

void infer_embedding(Layer& layer, const Shape& in, const std::string& file);
void infer_position_embedding(Layer& layer, const Shape& in, const std::string& file);
void infer_attention(Layer& layer, const Shape& in, const std::string& file);
void infer_rmsnorm(Layer& layer, const Shape& in, const std::string& file);

}  // namespace dnnsim::shapes
