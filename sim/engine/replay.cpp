#include "sim/engine/replay.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/common/log.hpp"
#include "sim/engine/admission.hpp"
#include "sim/engine/engine_arguments.hpp"
#include "sim/engine/rank_actor.hpp"
#include "sim/engine/trace.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_size.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {

namespace {

// docs/model.md, "Pipeline parallelism": the bytes and memory are the model's (the analytic
// engine's); the stage of the last rank to finish gives compute_s and comm_s, and the
// bubble is the iteration minus the busiest rank's busy time: its end less its waits for
// the other stages (with overlap, whatever else it did meanwhile counts as waiting).
void pipeline_result(const Network& network, const Platform& platform, const Plan& plan,
                     std::int64_t batch, double most_busy_s, Result& r) {
  AnalyticModel model(network, platform);
  const Result analytic = model.run(plan, batch);
  r.memory = analytic.memory;
  r.memory_bytes_per_proc = analytic.memory_bytes_per_proc;
  const PipelinePlan& pipe = plan.pipeline;
  const std::int64_t last = r.spread->last_rank / plan.stage_procs();
  r.compute_s = 0.0;
  r.comm_s = 0.0;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    LayerResult& l = r.layers[i];
    l.comm_bytes = analytic.layers[i].comm_bytes;
    if (pipe.stage_of(i) != last) continue;
    r.compute_s += l.compute_s;
    r.comm_s += l.comm_s();
  }
  r.pipeline = analytic.pipeline;
  r.pipeline->bubble_s = r.iteration_s - most_busy_s;
}

}  // namespace

Result simulate(const Network& network, const Platform& platform, const Plan& plan,
                std::int64_t batch, const ReplayOptions& options) {
  // A platform too large to build is refused before anything else is done.
  if (platform.simgrid_xml.empty()) require_simgrid_buildable(platform, plan.procs);
  TaskGraphCompiler compiler(network, plan, batch, platform);
  require_within_limits(network, compiler.execs(), static_cast<double>(batch));
  // One program per pipeline stage, shared by its ranks.
  std::vector<std::shared_ptr<const StageProgram>> programs(
      static_cast<std::size_t>(plan.procs / plan.stage_procs()));
  programs[0] = std::make_shared<const StageProgram>(compiler, 0, options.overlap);
  const RankTasks& first = programs[0]->tasks;
  require_schedules(first, options.algorithm);
  require_replay_memory({plan.procs, plan.procs / plan.stage_procs(),
                         boost::num_vertices(first.graph), network.layers.size()});
  log_layout(network, compiler.execs());
  const auto log = logger("engine");
  log->debug("replaying {} ranks of {} tasks (rank 0), collectives by '{}', {}", plan.procs,
             boost::num_vertices(first.graph), to_string(options.algorithm),
             options.overlap ? "overlapping compute and communication" : "one stream per rank");

  std::vector<std::string> args = engine_arguments();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());

  const SimPlatform sim =
      platform.simgrid_xml.empty()
          ? build_simgrid_platform(engine, platform, plan.procs, options.network_model)
          : load_simgrid_xml(engine, platform.simgrid_xml, plan.procs);

  for (std::size_t stage = 1; stage < programs.size(); ++stage) {
    programs[stage] = std::make_shared<const StageProgram>(
        compiler, static_cast<std::int64_t>(stage), options.overlap);
  }
  const PrivateCollectives privates(sim, platform, plan, options, compiler, programs);
  const ReplayContext context{network, compiler, privates, options, platform.simgrid_xml.empty()};
  ReplayRecord shared(network.layers.size());
  for (std::int64_t rank = 0; rank < plan.procs; ++rank) {
    sg4::Host* host =
        sim.hosts.at(static_cast<std::size_t>(host_of(rank, plan.grid, options.placement)));
    start_rank_actor(host, context, programs[static_cast<std::size_t>(rank / plan.stage_procs())],
                     rank, shared);
  }
  programs.clear();  // the actors hold them now: each goes with its stage's last rank
  engine.run();
  log->debug("simulated {:.9g} s; ranks finished between {:.9g} s (rank {}) and {:.9g} s (rank {})",
             engine.get_clock(), shared.spread.first_rank_s, shared.spread.first_rank,
             shared.spread.last_rank_s, shared.spread.last_rank);
  log->debug(
      "replayed {} tasks as {} runs of computations and {} messages; {} collective seats timed on "
      "private links",
      shared.tasks, shared.compute_runs, shared.messages, shared.private_collectives);
  if (shared.finished != plan.procs) {
    throw std::runtime_error(
        fmt::format("simulation ended with {} of {} ranks finished", shared.finished, plan.procs));
  }

  Result r = result_for("simgrid", network, platform, plan, batch);
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    LayerResult& l = r.layers[i];
    l.kind = compiler.execs()[i].kind;
    l.grid = compiler.execs()[i].grid;
    l.compute_s = shared.compute_s[i];
    l.forward_s = shared.phase_s[i * kPhases + static_cast<int>(Phase::forward)];
    l.backward_s = shared.phase_s[i * kPhases + static_cast<int>(Phase::backward)];
    l.gradient_s = shared.phase_s[i * kPhases + static_cast<int>(Phase::gradient)];
    l.halo_s = shared.phase_s[i * kPhases + static_cast<int>(Phase::halo)];
    l.redistribute_s = shared.phase_s[i * kPhases + static_cast<int>(Phase::redistribute)];
    for (const Collective& c : compiler.collectives(i)) l.comm_bytes += counted_bytes(c);
    r.compute_s += l.compute_s;
    r.comm_s += l.comm_s();
  }
  r.spread = shared.spread;
  r.iteration_s = shared.spread.last_rank_s;
  r.memory = memory_per_proc(network, compiler.execs(), static_cast<double>(batch));
  r.memory_bytes_per_proc = r.memory.total_bytes();
  if (plan.pipeline.active()) {
    pipeline_result(network, platform, plan, batch, shared.most_busy_s, r);
  }
  if (!options.trace_file.empty()) {
    write_trace(options.trace_file, shared.spans,
                fmt::format("{} on {}: P = {}, grid {}", network.name, platform.name, plan.procs,
                            plan.grid.to_string()));
  }
  return r;
}

}  // namespace dnnsim
