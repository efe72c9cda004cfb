#pragma once
// Writes per-rank task graphs as SMPI time-independent traces, so any SimGrid user can
// replay them with `smpirun -replay` and compare with `dnnsim simulate --no-overlap`.
// Compute tasks become `compute FLOPS`; each collective step becomes its isend / irecv
// actions followed by `waitall` (point-to-point only, so every strategy fits).

#include <cstdint>
#include <string>

#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

/// Writes `DIR/rank-<r>.txt` for every rank and `DIR/traces.txt` listing them, in the
/// global task order (one stream per rank, as --no-overlap).
void write_smpi_traces(const TaskGraphCompiler& compiler, Algorithm algorithm,
                       const std::string& dir);

}  // namespace dnnsim
