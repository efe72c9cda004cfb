#pragma once
// A network: its layers in the workload file's order, the layer graph as a Boost.Graph
// DAG, and what the engines need derived from it once (topological order, which layers
// have parameters upstream). Built by load_network(); everything downstream trusts it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/workload/layer.hpp"

namespace dnnsim {

enum class DType : std::uint8_t { fp32, fp16, bf16 };

/// Bytes per word `s` of docs/model.md.
[[nodiscard]] constexpr int word_bytes(DType dtype) noexcept {
  return dtype == DType::fp32 ? 4 : 2;
}
[[nodiscard]] std::string_view to_string(DType dtype) noexcept;

/// What the optimizer keeps per parameter (docs/model.md, "Memory per process").
enum class Optimizer : std::uint8_t { sgd, momentum, adam };

[[nodiscard]] std::string_view to_string(Optimizer optimizer) noexcept;
[[nodiscard]] std::optional<Optimizer> optimizer_from_string(std::string_view name) noexcept;
inline constexpr std::array<std::string_view, 3> kOptimizerNames{"sgd", "momentum", "adam"};

/// Edges run from a layer to each layer that reads its output.
using LayerGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

struct Network {
  std::string name;
  std::string file;  ///< where it was loaded from, for messages
  DType dtype = DType::fp32;
  Optimizer optimizer = Optimizer::sgd;
  Count batch = 0;            ///< default mini-batch
  Shape input;                ///< one sample: [T] token ids when `tokens`
  bool tokens = false;        ///< the input is a sequence of token ids (input: {tokens: T})
  std::vector<Layer> layers;  ///< in the file's order
  LayerGraph graph;
  std::vector<std::size_t> topo_order;  ///< every input before its readers
  /// True when some layer strictly upstream of layer i has parameters: its input gradient
  /// is needed. False for the first weighted layer (docs/model.md, "first weighted layer").
  std::vector<bool> params_upstream;

  [[nodiscard]] Count total_params() const noexcept;
  [[nodiscard]] double total_flops_per_sample() const noexcept;
  /// Index of the layer called `name`, or layers.size() when there is none.
  [[nodiscard]] std::size_t find(std::string_view name) const noexcept;
};

}  // namespace dnnsim
