#pragma once
// Writes per-rank task graphs as SMPI time-independent traces, so any SimGrid user can
// replay them with `smpirun -replay` and compare with `dnnsim simulate --no-overlap`.
// Compute tasks become `compute FLOPS`; each collective step becomes its isend / irecv
// actions followed by `waitall` (point-to-point only, so every strategy fits).

#include <cstdint>
#include <functional>
#include <string>

#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

/// Writes `DIR/rank-<r>.txt` for every rank and `DIR/traces.txt` listing them, in the
/// global task order (one stream per rank, as --no-overlap). `after_rank`, when set, runs
/// after each rank's file: it may throw to stop the export (an interruption).
void write_smpi_traces(const TaskGraphCompiler& compiler, Algorithm algorithm,
                       const std::string& dir, const std::function<void()>& after_rank = {});

}  // namespace dnnsim
