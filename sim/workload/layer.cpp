#include "sim/workload/layer.hpp"

#include <array>
#include <utility>

namespace dnnsim {
namespace {

constexpr std::array<std::pair<LayerType, std::string_view>, 31> kNames{{
    {LayerType::conv2d, "conv2d"},
    {LayerType::linear, "linear"},
    {LayerType::maxpool, "maxpool"},
    {LayerType::avgpool, "avgpool"},
    {LayerType::adaptive_avgpool, "adaptive_avgpool"},
    {LayerType::relu, "relu"},
    {LayerType::relu6, "relu6"},
    {LayerType::gelu, "gelu"},
    {LayerType::silu, "silu"},
    {LayerType::sigmoid, "sigmoid"},
    {LayerType::tanh, "tanh"},
    {LayerType::hardswish, "hardswish"},
    {LayerType::dropout, "dropout"},
    {LayerType::identity, "identity"},
    {LayerType::batchnorm, "batchnorm"},
    {LayerType::layernorm, "layernorm"},
    {LayerType::softmax, "softmax"},
    {LayerType::flatten, "flatten"},
    {LayerType::add, "add"},
    {LayerType::concat, "concat"},
    {LayerType::mean, "mean"},
    {LayerType::matmul, "matmul"},
    {LayerType::parameter, "parameter"},
    {LayerType::reshape, "reshape"},
    {LayerType::transpose, "transpose"},
    {LayerType::slice, "slice"},
    {LayerType::embedding, "embedding"},
    {LayerType::position_embedding, "position_embedding"},
    {LayerType::attention, "attention"},
    {LayerType::rmsnorm, "rmsnorm"},
    {LayerType::mul, "mul"},
}};

}  // namespace

std::string_view to_string(LayerType type) noexcept {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<LayerType> layer_type_from_string(std::string_view name) noexcept {
  for (const auto& [t, n] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& layer_type_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& entry : kNames) out.push_back(entry.second);
    return out;
  }();
  return names;
}

LayerRole role_of(LayerType type) noexcept {
  switch (type) {
    case LayerType::conv2d:
    case LayerType::linear:
    case LayerType::embedding:
      return LayerRole::weighted;
    case LayerType::attention:
      return LayerRole::attention;
    case LayerType::maxpool:
    case LayerType::avgpool:
      return LayerRole::windowed;
    case LayerType::adaptive_avgpool:
    case LayerType::flatten:
    case LayerType::layernorm:
    case LayerType::rmsnorm:
    case LayerType::softmax:
    case LayerType::mean:
    case LayerType::matmul:
    case LayerType::reshape:
    case LayerType::transpose:
    case LayerType::slice:
      return LayerRole::whole;
    default:
      return LayerRole::elementwise;
  }
}

double input_gradient_flops(const Layer& layer) noexcept {
  switch (layer.type) {
    case LayerType::conv2d:
    case LayerType::linear:
      return layer.flops_per_sample;
    case LayerType::matmul:
    case LayerType::attention:  // one product per operand: twice the forward
      return 2.0 * layer.flops_per_sample;
    default:
      return 0.0;
  }
}

double weight_gradient_flops(const Layer& layer) noexcept {
  return layer.params > 0 || layer.is_tied() ? layer.flops_per_sample : 0.0;
}

}  // namespace dnnsim
