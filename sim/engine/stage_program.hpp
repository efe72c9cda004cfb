#pragma once
// What a pipeline stage's ranks replay (docs/design.md, "The SimGrid engine").

#include <cstdint>
#include <vector>

#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

/// A stage's task graph (its first rank's) and the order each stream takes its tasks:
/// shared by the stage's ranks, which differ only in their collectives' seats.
///
/// Consecutive computations of a stream that nothing else can come between run as one
/// SimGrid execution (a "run"): the next starts the instant the previous ends, and nothing
/// on the other stream waits for the previous alone. The replay then splits the run's time
/// among its tasks in proportion to their work, which is what a host of constant speed
/// gives them; the simulated times are those of task-by-task execution.
struct StageProgram {
  StageProgram(const TaskGraphCompiler& compiler, std::int64_t stage, bool overlap);

  struct Stream {
    std::vector<std::uint32_t> tasks;  ///< in the global order
    /// At the position of a run's first task: one past its last (elsewhere unused).
    std::vector<std::uint32_t> run_end;
    std::vector<double> run_flops;  ///< at the position of a run's first task: its work
  };

  RankTasks tasks;
  std::vector<std::uint32_t> in_degree;       ///< per task
  Stream compute;                             ///< empty without overlap
  Stream comm;                                ///< everything else, in the global order
  std::vector<std::uint32_t> stage_receives;  ///< receives from another stage
};

}  // namespace dnnsim
