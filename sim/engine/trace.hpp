#pragma once
// Chrome / Perfetto trace of a simulated iteration: one track per rank, a span per task.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/taskgraph/task_graph.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

struct TraceSpan {
  std::int64_t rank = 0;
  std::string name;      ///< e.g. "fc6 gradient allreduce"
  std::string category;  ///< "compute" or "comm"
  double start_s = 0.0;
  double end_s = 0.0;
};

/// A task's span name: e.g. "fc6 gradient allreduce", "conv1 forward halo".
[[nodiscard]] std::string trace_name(const Network& network, const Task& t);

/// Writes the Trace Event Format (JSON) that ui.perfetto.dev and chrome://tracing open,
/// through a temporary file renamed on success.
void write_trace(const std::string& path, const std::vector<TraceSpan>& spans,
                 const std::string& title);

}  // namespace dnnsim
