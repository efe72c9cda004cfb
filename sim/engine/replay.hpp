#pragma once
// The SimGrid replay: one S4U actor per rank executes that rank's task graph with a compute
// stream and a communication stream (docs/design.md, "The SimGrid engine"). One simulation per
// process: SimGrid's engine cannot be run twice in the same process.

#include <cstdint>
#include <string>

#include "sim/platform/platform.hpp"
#include "sim/result/result.hpp"
#include "sim/strategy/placement.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/taskgraph/collective_schedule.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

struct ReplayOptions {
  Algorithm algorithm = Algorithm::automatic;
  bool overlap = true;  ///< false: one stream per rank, the paper's sum
  Placement placement = Placement::column;
  std::string network_model;      ///< SimGrid network/model; "" = CM02
  std::string trace_file;         ///< Chrome / Perfetto trace; "" = none
  std::int64_t trace_ranks = 64;  ///< ranks written to the trace
  /// Time the collectives of groups with links of their own instead of sending their
  /// messages (docs/design.md, "Private collectives"): the same times, far fewer events.
  bool private_collectives = true;
};

/// Simulates one training iteration. Throws InputError / LimitError on bad input.
[[nodiscard]] Result simulate(const Network& network, const Platform& platform, const Plan& plan,
                              std::int64_t batch, const ReplayOptions& options);

}  // namespace dnnsim
