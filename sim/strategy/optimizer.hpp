#pragma once
// The per-layer strategy optimizer: the best kind (and grid, when allowed) for each layer,
// counting layout changes between layers (MODEL.md), by dynamic programming over the layer
// graph in topological order. The state is the choice of the latest layer that takes a
// kind; everything upstream follows the DP path, so the DP is exact on chains and a
// path-consistent heuristic on DAGs. The result is never worse than the best uniform
// strategy: that strategy is one of the DP's paths only on chains, so it is checked too.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/platform/platform.hpp"
#include "sim/report/result.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

struct OptimizerOptions {
  std::int64_t procs = 1;
  /// Grids a layer may use with `integrated` and `domain`: one grid, or every
  /// factorization of P when per-layer grids are allowed.
  std::vector<ProcessGrid> grids;
  std::vector<Kind> kinds{Kind::batch, Kind::model, Kind::integrated, Kind::domain};
};

struct UniformCandidate {
  Strategy strategy = Strategy::batch;
  ProcessGrid grid;
  double iteration_s = 0.0;
};

struct Optimization {
  Plan plan;      ///< per-layer kinds and grids (strategy `plan`)
  Result result;  ///< the analytic engine's timing of `plan`
  /// Every feasible uniform strategy and grid, fastest first.
  std::vector<UniformCandidate> uniform;
  bool uniform_won = false;  ///< the DP's plan was slower than the best uniform one (DAGs)
};

/// Throws InputError when no plan at all fits the limits.
[[nodiscard]] Optimization optimize(const Network& network, const Platform& platform,
                                    std::int64_t batch, const OptimizerOptions& options);

}  // namespace dnnsim
