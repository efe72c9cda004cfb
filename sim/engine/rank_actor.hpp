#pragma once
// One rank of the SimGrid replay (docs/design.md, "The SimGrid engine"): an S4U actor that
// executes its task graph with a compute stream and a communication stream (or one stream
// without overlap), each taking its tasks in the global order, and reports what it measured
// into the replay's record.

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "sim/engine/private_collectives.hpp"
#include "sim/engine/replay.hpp"
#include "sim/engine/replay_record.hpp"
#include "sim/engine/stage_program.hpp"
#include "sim/engine/trace.hpp"
#include "sim/result/result.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace simgrid::s4u {
class Host;
}  // namespace simgrid::s4u

namespace dnnsim {

/// What every rank's actor reads; all of it outlives the simulation.
struct ReplayContext {
  const Network& network;
  const TaskGraphCompiler& compiler;
  const PrivateCollectives& privates;
  const ReplayOptions& options;
  /// Computations are timed from their host's speed instead of run as SimGrid executions:
  /// on a platform dnnsim builds, each rank has a host of constant speed to itself, where
  /// an execution of F FLOPs takes F / speed (docs/design.md, "The SimGrid engine").
  bool timed_compute = false;
};

/// Starts the actor of rank `rank` on `host`, running `program` (its stage's).
void start_rank_actor(simgrid::s4u::Host* host, const ReplayContext& context,
                      std::shared_ptr<const StageProgram> program, std::int64_t rank,
                      ReplayRecord& shared);

}  // namespace dnnsim
