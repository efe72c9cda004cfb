#include "sim/strategy/plan.hpp"

#include <array>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {
// The enums list their values in the order of kStrategyNames and kKindNames (plan.hpp).
static_assert(static_cast<std::size_t>(Strategy::tensor) + 1 == kStrategyNames.size());
static_assert(static_cast<std::size_t>(Kind::row) + 1 == kKindNames.size());
std::string_view to_string(Strategy strategy) noexcept {
  const auto i = static_cast<std::size_t>(strategy);
  return i < kStrategyNames.size() ? kStrategyNames[i] : std::string_view("plan");
}

std::string_view to_string(Kind kind) noexcept {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<Strategy> strategy_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStrategyNames.size(); ++i) {
    if (kStrategyNames[i] == name) return static_cast<Strategy>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Recompute recompute) noexcept {
  return kRecomputeNames[static_cast<std::size_t>(recompute)];
}

std::optional<Recompute> recompute_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRecomputeNames.size(); ++i) {
    if (kRecomputeNames[i] == name) return static_cast<Recompute>(i);
  }
  return std::nullopt;
}

std::optional<Kind> kind_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

bool takes_kind(LayerType type) noexcept {
  const LayerRole role = role_of(type);
  return role == LayerRole::weighted || role == LayerRole::windowed;
}

bool takes_tensor_kind(LayerType type) noexcept {
  return type == LayerType::linear || type == LayerType::embedding;
}

namespace {

/// Megatron-LM's kinds (docs/model.md, "Tensor parallelism"): a linear layer reading a
/// feature-split activation is `row` (it sums partial products), any other `column` (it
/// leaves its output split by features); an embedding is `row` (vocabulary-parallel).
/// Elementwise layers and attention keep a feature split; everything else needs whole
/// features. Layers column and row do not apply to run as `integrated`.
std::vector<Kind> tensor_kinds(const Network& network) {
  std::vector<Kind> kinds(network.layers.size(), Kind::integrated);
  std::vector<bool> split(network.layers.size(), false);  // output split by features
  for (const std::size_t i : network.topo_order) {
    const Layer& layer = network.layers[i];
    bool in_split = false;
    for (const std::size_t j : layer.inputs) in_split = in_split || split[j];
    if (layer.type == LayerType::linear) {
      kinds[i] = in_split ? Kind::row : Kind::column;
      split[i] = !in_split;
    } else if (layer.type == LayerType::embedding) {
      kinds[i] = Kind::row;
    } else {
      const LayerRole role = role_of(layer.type);
      split[i] = in_split && (role == LayerRole::elementwise || role == LayerRole::attention);
    }
  }
  return kinds;
}

}  // namespace

ProcessGrid grid_of(Kind kind, ProcessGrid grid, std::int64_t procs) noexcept {
  switch (kind) {
    case Kind::batch:
      return {1, procs};
    case Kind::model:
      return {procs, 1};
    default:
      return grid;
  }
}

Plan uniform_plan(const Network& network, Strategy strategy, ProcessGrid grid,
                  bool sequence_parallel) {
  const std::int64_t procs = grid.procs();
  if (strategy == Strategy::batch && grid.pr != 1) {
    throw InputError(
        "", std::nullopt, "--grid",
        fmt::format("batch parallelism is the grid 1x{}, got {}", procs, grid.to_string()));
  }
  if (strategy == Strategy::model && grid.pc != 1) {
    throw InputError(
        "", std::nullopt, "--grid",
        fmt::format("model parallelism is the grid {}x1, got {}", procs, grid.to_string()));
  }
  Plan plan;
  plan.strategy = strategy;
  plan.base = strategy;
  plan.procs = procs;
  plan.grid = grid;
  plan.sequence_parallel = sequence_parallel;
  plan.layers.resize(network.layers.size());
  const std::vector<Kind> tensor =
      strategy == Strategy::tensor ? tensor_kinds(network) : std::vector<Kind>{};
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const LayerRole role = role_of(network.layers[i].type);
    Kind kind = Kind::integrated;
    switch (strategy) {
      case Strategy::batch:
        kind = Kind::batch;
        break;
      case Strategy::model:
        kind = Kind::model;
        break;
      case Strategy::domain:
        kind = Kind::domain;
        break;
      case Strategy::tensor:
        kind = tensor[i];
        break;
      case Strategy::hybrid:
        kind = (role == LayerRole::windowed || network.layers[i].type == LayerType::conv2d)
                   ? Kind::domain
                   : Kind::integrated;
        break;
      default:
        break;
    }
    plan.layers[i] = {kind, grid};
  }
  return plan;
}

}  // namespace dnnsim
