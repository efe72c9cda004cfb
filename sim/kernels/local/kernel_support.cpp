#include "sim/kernels/local/kernel_support.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim::kernels {
namespace {

bool supported(LayerType type) {
  switch (type) {
    case LayerType::conv2d:
    case LayerType::linear:
    case LayerType::relu:
    case LayerType::maxpool:
    case LayerType::avgpool:
    case LayerType::flatten:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool uses_token_kernels(const Network& network) noexcept {
  return network.tokens || network.input.rank() == 2;
}

void require_kernel_support(const Network& network) {
  if (network.dtype != DType::fp32) {
    throw InputError(
        network.file, std::nullopt, "dtype",
        fmt::format("the kernels compute in fp32; this workload is {}", to_string(network.dtype)));
  }
  if (uses_token_kernels(network)) return;  // checked with the plan (token_layout.hpp)
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const std::string key = fmt::format("layer '{}'", layer.name);
    const std::optional<int> line = layer.line > 0 ? std::optional<int>(layer.line) : std::nullopt;
    if (!supported(layer.type)) {
      throw InputError(network.file, line, key,
                       fmt::format("the kernels do not implement {} layers (they run conv2d, "
                                   "linear, relu, maxpool, avgpool and flatten)",
                                   to_string(layer.type)));
    }
    if (layer.type == LayerType::conv2d && layer.groups != 1) {
      throw InputError(network.file, line, key + ".groups",
                       "the kernels run convolutions with groups = 1 only");
    }
    const bool chained =
        i == 0 ? layer.inputs.empty() : layer.inputs.size() == 1 && layer.inputs.front() == i - 1;
    if (!chained) {
      throw InputError(network.file, line, key + ".inputs",
                       "the kernels run a chain: each layer must read the layer before it");
    }
  }
}

}  // namespace dnnsim::kernels
