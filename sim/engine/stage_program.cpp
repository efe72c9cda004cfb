#include "sim/engine/stage_program.hpp"

#include <algorithm>

namespace dnnsim {
namespace {

bool is_compute(const TaskGraph& g, std::uint32_t v) {
  return g[v].type == TaskType::compute;
}

// Whether computation `b`, right after computation `a` on a stream, can run as one with it.
// With one stream, the stream itself orders everything: b starts when a ends. With two,
// b must wait for computations only (each earlier on this stream), and only computations
// may wait for a, or a collective would start at a's end instead of the run's.
bool joins_run(const TaskGraph& g, std::uint32_t a, std::uint32_t b, bool overlap) {
  if (!overlap) return true;
  for (const auto e : boost::make_iterator_range(boost::in_edges(b, g))) {
    if (!is_compute(g, static_cast<std::uint32_t>(boost::source(e, g)))) return false;
  }
  for (const auto e : boost::make_iterator_range(boost::out_edges(a, g))) {
    if (!is_compute(g, static_cast<std::uint32_t>(boost::target(e, g)))) return false;
  }
  return true;
}

void mark_runs(const TaskGraph& g, StageProgram::Stream& s, bool overlap) {
  const std::size_t n = s.tasks.size();
  s.run_end.assign(n, 0);
  s.run_flops.assign(n, 0.0);
  for (std::size_t i = 0; i < n;) {
    std::size_t end = i + 1;
    if (is_compute(g, s.tasks[i])) {
      double flops = std::max(g[s.tasks[i]].flops, 0.0);
      while (end < n && is_compute(g, s.tasks[end]) &&
             joins_run(g, s.tasks[end - 1], s.tasks[end], overlap)) {
        flops += std::max(g[s.tasks[end]].flops, 0.0);
        ++end;
      }
      s.run_flops[i] = flops;
    }
    s.run_end[i] = static_cast<std::uint32_t>(end);
    i = end;
  }
}

}  // namespace

StageProgram::StageProgram(const TaskGraphCompiler& compiler, std::int64_t stage, bool overlap)
    : tasks(compiler.compile_rank(stage * compiler.stage_procs())) {
  const TaskGraph& g = tasks.graph;
  const std::size_t n = boost::num_vertices(g);
  in_degree.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    const auto id = static_cast<std::uint32_t>(v);
    in_degree[v] = static_cast<std::uint32_t>(boost::in_degree(v, g));
    const bool computation = is_compute(g, id);
    (computation && overlap ? compute : comm).tasks.push_back(id);
    if (!computation && g[v].op == CollectiveOp::recv) stage_receives.push_back(id);
  }
  mark_runs(g, compute, overlap);
  mark_runs(g, comm, overlap);
}

}  // namespace dnnsim
