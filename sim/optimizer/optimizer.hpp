#pragma once
// The strategy optimizer (docs/plans.md, "dnnsim optimize"): the best kind (and grid) for
// each layer, counting layout changes between layers (docs/model.md, "Layouts and changing
// them"), next to every uniform strategy. The per-layer search is a dynamic program over the
// layer graph in topological order (sim/optimizer/layer_search.hpp); the answer is the
// faster of its plan and the best uniform one.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/platform/platform.hpp"
#include "sim/result/result.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// Which grids integrated and domain layers may use.
enum class GridChoice : std::uint8_t {
  best_single,  ///< one grid for the whole network, the best of every factorization of P
  fixed,        ///< the one grid given
  per_layer,    ///< every layer its own grid (grid changes cost what docs/model.md says)
};

/// Called as the search goes, with the work done and the work in all (for a progress bar).
using SearchProgress = std::function<void(std::size_t done, std::size_t total)>;

struct SearchOptions {
  std::int64_t procs = 1;
  GridChoice grids = GridChoice::best_single;
  ProcessGrid fixed_grid;          ///< with GridChoice::fixed
  bool sequence_parallel = false;  ///< every plan tried (docs/model.md, "Sequence parallelism")
  SearchProgress progress;
};

/// A uniform strategy on one grid. Strategies that coincide are listed once, by the name
/// of what they are: every strategy on 1 x P is batch parallelism, integrated on P x 1 is
/// model parallelism.
struct UniformCandidate {
  Strategy strategy = Strategy::batch;
  ProcessGrid grid;
  double iteration_s = 0.0;
};

/// "batch 1x64", "model 64x1", "hybrid 4x16".
[[nodiscard]] std::string label(const UniformCandidate& candidate);

struct Optimization {
  Plan plan;      ///< per-layer kinds and grids (strategy `plan`)
  Result result;  ///< the analytic engine's timing of `plan`
  /// Every feasible uniform strategy on the allowed grids, fastest first.
  std::vector<UniformCandidate> uniform;
  /// The per-layer search found nothing faster than the best uniform strategy, whose plan
  /// this is (on a DAG the search is a heuristic; on a chain it is exact).
  bool uniform_won = false;
};

/// The uniform strategy (and grid) whose plan names the same kind and grid for every layer
/// that takes one as `plan` does, if any: how the optimizer says it found, say, Megatron-LM's
/// plan (`tensor`) by itself.
[[nodiscard]] std::optional<UniformCandidate> same_as_uniform(const Network& network,
                                                              const Plan& plan);

/// Throws InputError when no plan at all fits the limits.
[[nodiscard]] Optimization optimize(const Network& network, const Platform& platform,
                                    std::int64_t batch, const SearchOptions& options);

}  // namespace dnnsim
