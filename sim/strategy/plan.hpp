#pragma once
// A Plan says how each layer is parallelized: its kind and its grid (docs/model.md). Built from
// a uniform strategy (`--strategy` + `--grid`) or read from a plan file.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/strategy/pipeline_plan.hpp"
#include "sim/strategy/process_grid.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// What the user asks for on the command line; `plan` means a plan file.
enum class Strategy : std::uint8_t { batch, model, integrated, domain, hybrid, tensor, plan };

/// The per-layer kinds a plan names.
/// `column` and `row` are Megatron-LM's tensor-parallel kinds for linear layers and
/// embeddings (docs/model.md, "Tensor parallelism").
enum class Kind : std::uint8_t { batch, model, integrated, domain, column, row };

[[nodiscard]] std::string_view to_string(Strategy strategy) noexcept;
[[nodiscard]] std::string_view to_string(Kind kind) noexcept;
[[nodiscard]] std::optional<Strategy> strategy_from_string(std::string_view name) noexcept;
[[nodiscard]] std::optional<Kind> kind_from_string(std::string_view name) noexcept;
/// The uniform strategies' names, in order (for messages and help): batch, model, ...
inline constexpr std::array<std::string_view, 6> kStrategyNames{"batch",  "model",  "integrated",
                                                                "domain", "hybrid", "tensor"};
/// The kinds a plan names, in order.
inline constexpr std::array<std::string_view, 6> kKindNames{"batch",  "model",  "integrated",
                                                            "domain", "column", "row"};

/// Activation recomputation (docs/model.md, "Recomputation"): none, the attention core's
/// scores (selective), or every transformer block from its input (full).
enum class Recompute : std::uint8_t { none, selective, full };
inline constexpr std::array<std::string_view, 3> kRecomputeNames{"none", "selective", "full"};
[[nodiscard]] std::string_view to_string(Recompute recompute) noexcept;
[[nodiscard]] std::optional<Recompute> recompute_from_string(std::string_view name) noexcept;

struct LayerPlan {
  Kind kind = Kind::integrated;
  ProcessGrid grid;
};

struct Plan {
  Strategy strategy = Strategy::integrated;
  Strategy base = Strategy::integrated;  ///< the uniform strategy the layers start from
  std::int64_t procs = 1;
  ProcessGrid grid;               ///< the default grid (the only one of a uniform strategy)
  std::vector<LayerPlan> layers;  ///< one per network layer, in the file's order
  /// Norms, dropout and residuals between a row and the next column layer work on T / Pr
  /// tokens (docs/model.md, "Sequence parallelism").
  bool sequence_parallel = false;
  /// Stages and microbatches (one of each by default): `procs` counts every stage.
  PipelinePlan pipeline;
  /// ZeRO stage (docs/model.md, "Sharded data parallelism"): 0 none, 1 optimizer state,
  /// 2 also gradients, 3 also weights sharded over the Pc processes of a row.
  int zero = 0;
  Recompute recompute = Recompute::none;
  /// Weight gradients reduced in buckets of at least this many bytes (0: one collective per
  /// layer; docs/model.md, "Gradient buckets").
  double bucket_bytes = 0.0;

  /// The processes of one stage, Pr x Pc: those a layer's kind and grid split it over.
  [[nodiscard]] std::int64_t stage_procs() const noexcept { return procs / pipeline.stages; }
};

/// True for the layers a plan may name: conv2d, linear, maxpool, avgpool. The others take
/// their input's kind and grid.
[[nodiscard]] bool takes_kind(LayerType type) noexcept;

/// True for the layers `column` and `row` apply to: linear and embedding.
[[nodiscard]] bool takes_tensor_kind(LayerType type) noexcept;

/// The plan of a uniform strategy. Throws InputError when the grid does not fit the
/// strategy (batch is 1 x P, model P x 1) or does not multiply to `procs`.
[[nodiscard]] Plan uniform_plan(const Network& network, Strategy strategy, ProcessGrid grid,
                                bool sequence_parallel = false);

/// The grid a kind implies on P processes: batch 1 x P, model P x 1, else `grid`.
[[nodiscard]] ProcessGrid grid_of(Kind kind, ProcessGrid grid, std::int64_t procs) noexcept;

}  // namespace dnnsim
