#include "sim/workload/network.hpp"

namespace dnnsim {

std::string_view to_string(DType dtype) noexcept {
  switch (dtype) {
    case DType::fp32:
      return "fp32";
    case DType::fp16:
      return "fp16";
    case DType::bf16:
      return "bf16";
  }
  return "fp32";
}

std::string_view to_string(Optimizer optimizer) noexcept {
  return kOptimizerNames[static_cast<std::size_t>(optimizer)];
}

std::optional<Optimizer> optimizer_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kOptimizerNames.size(); ++i) {
    if (kOptimizerNames[i] == name) return static_cast<Optimizer>(i);
  }
  return std::nullopt;
}

Count Network::total_params() const noexcept {
  Count total = 0;
  for (const auto& layer : layers) total += layer.params;
  return total;
}

double Network::total_flops_per_sample() const noexcept {
  double total = 0;
  for (const auto& layer : layers) total += layer.flops_per_sample;
  return total;
}

std::size_t Network::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].name == name) return i;
  }
  return layers.size();
}

}  // namespace dnnsim
