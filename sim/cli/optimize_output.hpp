#pragma once
// What `dnnsim optimize` prints (docs/sweeps.md, "dnnsim optimize"): the per-layer kinds
// the paper's search found, the best split of the whole space, its runners-up and why each
// loses, as a table or as JSON.

#include <optional>
#include <string>
#include <vector>

#include "sim/optimizer/optimizer.hpp"
#include "sim/optimizer/split_ranking.hpp"
#include "sim/optimizer/split_search.hpp"
#include "sim/platform/platform.hpp"
#include "sim/result/result.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::cli {

/// A configuration SimGrid re-timed (--engine simgrid).
struct Retimed {
  std::string label;
  double analytic_s = 0.0;
  double simulated_s = 0.0;
};

/// Everything optimize found, for printing.
struct OptimizeReport {
  const Network* network = nullptr;
  const Platform* platform = nullptr;
  std::int64_t procs = 0;
  std::int64_t batch = 0;
  std::string engine = "analytic";
  Plan plan;      ///< the answer's plan
  Result result;  ///< the answer's timing (by `engine`)
  /// The per-layer kinds search, when it ran: its result and the best uniform strategy.
  std::optional<Optimization> kinds;
  std::optional<UniformCandidate> uniform;
  bool kinds_fit = true;  ///< the per-layer plan fits in memory
  /// The split search, when it ran.
  std::optional<SplitSearch> splits;
  std::vector<RunnerUp> runners_up;
  bool split_won = false;        ///< the answer is the best split, not the per-layer plan
  std::vector<Retimed> retimed;  ///< with --engine simgrid
};

[[nodiscard]] std::string render_table(const OptimizeReport& report);
[[nodiscard]] std::string render_json(const OptimizeReport& report);

}  // namespace dnnsim::cli
