#pragma once
// One rank of the SimGrid replay (docs/design.md, "The SimGrid engine"): an S4U actor that
// executes its task graph with a compute stream and a communication stream (or one stream
// without overlap), each taking its tasks in the global order, and reports what it measured
// into the replay's Shared record.

#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/engine/replay.hpp"
#include "sim/engine/stage_program.hpp"
#include "sim/engine/trace.hpp"
#include "sim/result/result.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace simgrid::s4u {
class Host;
}  // namespace simgrid::s4u

namespace dnnsim {

inline constexpr int kPhases = 5;  // Phase::forward .. Phase::redistribute

/// What the ranks report, merged as they finish (the simulation is single-threaded).
struct Shared {
  explicit Shared(std::size_t layers) : phase_s(layers * kPhases, 0.0), compute_s(layers, 0.0) {}

  // Per-layer times: the max over ranks. A collective counts from the moment its last
  // member started it, so that a rank that arrives early and waits for its partners is not
  // charged for their lateness (docs/model.md prices the collective, not the skew).
  std::vector<double> phase_s;    ///< per (layer, phase)
  std::vector<double> compute_s;  ///< per layer
  struct Instance {
    double latest_start = 0.0;
    std::int64_t finished = 0;  ///< members done: the entry goes when all are
  };
  std::unordered_map<std::uint64_t, Instance> instances;  ///< per collective instance
  RankSpread spread{std::numeric_limits<double>::infinity(), 0.0, 0, 0};
  std::int64_t finished = 0;
  std::vector<TraceSpan> spans;
  /// Pipelines: the most any rank was busy, its end less its waits for another stage's
  /// activations or gradients and for the partners of its collectives (docs/model.md,
  /// "Pipeline parallelism": the bubble).
  double most_busy_s = 0.0;
  // What was replayed (the benchmark reports it).
  std::int64_t tasks = 0;
  std::int64_t executions = 0;  ///< SimGrid executions: runs of computations
  std::int64_t messages = 0;
};

/// Starts the actor of rank `rank` on `host`, running `program` (its stage's).
void start_rank_actor(simgrid::s4u::Host* host, const Network& network,
                      const TaskGraphCompiler& compiler,
                      std::shared_ptr<const StageProgram> program, std::int64_t rank,
                      const ReplayOptions& options, Shared& shared);

}  // namespace dnnsim
