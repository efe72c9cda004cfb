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

/// Starts the actor of rank `rank` on `host`, running `program` (its stage's).
void start_rank_actor(simgrid::s4u::Host* host, const Network& network,
                      const TaskGraphCompiler& compiler,
                      std::shared_ptr<const StageProgram> program,
                      const PrivateCollectives& privates, std::int64_t rank,
                      const ReplayOptions& options, ReplayRecord& shared);

}  // namespace dnnsim
