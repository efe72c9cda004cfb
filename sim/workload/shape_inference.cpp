#include "sim/workload/shape_inference.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/workload/layer_shapes.hpp"

namespace dnnsim {

using namespace shapes;

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
                     layer.type == LayerType::matmul || layer.type == LayerType::mul;
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
    case LayerType::conv2d:
      infer_conv2d(layer, in, file);
      break;
    case LayerType::linear:
      infer_linear(layer, in, file);
      break;
    case LayerType::maxpool:
    case LayerType::avgpool:
      infer_pool(layer, in, file);
      break;
    case LayerType::adaptive_avgpool:
      infer_adaptive_pool(layer, in, file);
      break;
    case LayerType::batchnorm:
      layer.out_shape = in;
      layer.params = 2 * in.channels();  // weight and bias per channel (PyTorch)
      break;
    case LayerType::layernorm:
      infer_layernorm(layer, in, file);
      break;
    case LayerType::mean:
      infer_mean(layer, in, file);
      break;
    case LayerType::matmul:
      infer_matmul(layer, in, inputs[1], file);
      break;
    case LayerType::reshape:
      infer_reshape(layer, in, file);
      break;
    case LayerType::transpose:
      infer_transpose(layer, in, file);
      break;
    case LayerType::slice:
      infer_slice(layer, in, file);
      break;
    case LayerType::flatten:
      layer.out_shape.dims = {in.elements()};
      break;
    case LayerType::add:
    case LayerType::mul:
      for (std::size_t k = 1; k < inputs.size(); ++k) {
        if (!(inputs[k] == in)) {
          fail(layer, file, "inputs",
               fmt::format("{} needs inputs of one shape, got {} and {}", to_string(layer.type),
                           shape_text(in), shape_text(inputs[k])));
        }
      }
      layer.out_shape = in;
      break;
    case LayerType::embedding:
      infer_embedding(layer, in, file);
      break;
    case LayerType::position_embedding:
      infer_position_embedding(layer, in, file);
      break;
    case LayerType::attention:
      infer_attention(layer, in, file);
      break;
    case LayerType::rmsnorm:
      infer_rmsnorm(layer, in, file);
      break;
    case LayerType::concat:
      infer_concat(layer, inputs, file);
      break;
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
