#include "sim/engine/replay.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/common/memory.hpp"
#include "sim/engine/engine_arguments.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_size.hpp"
#include "sim/platform/simgrid_platform.hpp"
#include "sim/engine/trace.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

constexpr int kPhases = 5;  // Phase::forward .. Phase::redistribute

/// What the ranks report, merged as they finish (the simulation is single-threaded).
struct Shared {
  explicit Shared(std::size_t layers) : phase_s(layers * kPhases, 0.0), compute_s(layers, 0.0) {}

  // Per-layer times: the max over ranks. A collective counts from the moment its last
  // member started it, so that a rank that arrives early and waits for its partners is not
  // charged for their lateness (docs/model.md prices the collective, not the skew).
  std::vector<double> phase_s;                             ///< per (layer, phase)
  std::vector<double> compute_s;                           ///< per layer
  std::unordered_map<std::uint64_t, double> latest_start;  ///< per collective instance
  RankSpread spread{std::numeric_limits<double>::infinity(), 0.0, 0, 0};
  std::int64_t finished = 0;
  std::vector<TraceSpan> spans;
};

/// Per (receiver, sender) FIFO mailboxes: every rank issues its collectives in the same
/// global order, so the messages between two ranks are posted in the same order on both
/// sides, even when a partner already sends for its next step or collective.
class Mailboxes {
 public:
  explicit Mailboxes(std::int64_t rank) : rank_(rank) {}

  sg4::Mailbox* from(std::int64_t sender) { return lookup(inbox_, rank_, sender, sender); }
  sg4::Mailbox* to(std::int64_t receiver) { return lookup(outbox_, receiver, rank_, receiver); }

 private:
  // A rank talks to a few dozen peers (log P per group): a flat list beats hashing.
  using Cache = std::vector<std::pair<std::int64_t, sg4::Mailbox*>>;

  static sg4::Mailbox* lookup(Cache& cache, std::int64_t receiver, std::int64_t sender,
                              std::int64_t peer) {
    for (const auto& [p, box] : cache) {
      if (p == peer) return box;
    }
    sg4::Mailbox* box = sg4::Mailbox::by_name(fmt::format("{}<{}", receiver, sender));
    cache.emplace_back(peer, box);
    return box;
  }

  std::int64_t rank_;
  Cache inbox_;
  Cache outbox_;
};

/// A collective in progress on the communication stream: its schedule, one step at a time.
struct RunningCollective {
  std::size_t task = 0;
  RankSchedule schedule;
  std::size_t step = 0;
  std::vector<sg4::CommPtr> pending;
  std::vector<void*> received;  ///< destinations of the step's receives
  double start_s = 0.0;
};

std::string task_name(const Network& network, const Task& t) {
  const std::string& layer = network.layers[t.layer].name;
  if (t.type == TaskType::compute) return fmt::format("{} {}", layer, to_string(t.compute));
  if (t.phase == Phase::halo) {
    return fmt::format("{} {} halo", layer, t.backward_pass ? "backward" : "forward");
  }
  if (t.phase == Phase::redistribute) return fmt::format("{} redistribute", layer);
  return fmt::format("{} {} {}", layer, to_string(t.phase), to_string(t.op));
}

/// One rank: executes its task graph with a compute stream and a communication stream
/// (or a single stream without overlap), each taking its tasks in the global order.
class RankActor {
 public:
  // boost::adjacency_list has no move constructor (a "moved" graph is copied), so the
  // rank's graph is compiled straight into its place.
  RankActor(const Network& network, const TaskGraphCompiler& compiler, std::int64_t rank,
            const ReplayOptions& options, Shared& shared)
      : network_(network),
        rank_(rank),
        tasks_(new RankTasks(compiler.compile_rank(rank))),
        options_(options),
        shared_(shared),
        mailboxes_(rank) {}

  void operator()() {
    const TaskGraph& g = tasks_->graph;
    const std::size_t n = boost::num_vertices(g);
    waiting_.resize(n);
    for (std::size_t v = 0; v < n; ++v) {
      waiting_[v] = static_cast<std::uint32_t>(boost::in_degree(v, g));
      const bool compute = g[v].type == TaskType::compute;
      (compute && options_.overlap ? compute_queue_ : comm_queue_).push_back(v);
    }
    phase_s_.assign(network_.layers.size() * kPhases, 0.0);
    compute_s_.assign(network_.layers.size(), 0.0);

    std::size_t done = 0;
    std::vector<sg4::ActivityPtr> activities;
    while (done < n) {
      done += start_ready();
      if (done >= n) break;
      activities.clear();
      if (exec_) activities.push_back(exec_);
      if (collective_) {
        for (const auto& c : collective_->pending) activities.push_back(c);
      }
      if (activities.empty()) {
        throw std::logic_error(fmt::format("rank {}: no task can start (task graph bug)", rank_));
      }
      const auto index = static_cast<std::size_t>(sg4::Activity::wait_any(activities));
      if (exec_ && index == 0) {
        exec_ = nullptr;
        finish(exec_task_, exec_start_s_);
        ++done;
        continue;
      }
      auto& pending = collective_->pending;
      const sg4::ActivityPtr& finished = activities[index];
      pending.erase(std::find_if(pending.begin(), pending.end(),
                                 [&](const sg4::CommPtr& c) { return c.get() == finished.get(); }));
      if (pending.empty()) {
        ++collective_->step;
        if (post_step()) {
          const Task& t = tasks_->graph[collective_->task];
          finish(collective_->task,
                 std::max(collective_->start_s, shared_.latest_start[instance_key(t)]));
          collective_.reset();
          ++done;
        }
      }
    }
    report();
  }

 private:
  // Starts the head of each free stream when its dependencies are done; returns how many
  // tasks finished at once (empty computations and collectives).
  std::size_t start_ready() {
    std::size_t finished_now = 0;
    if (!options_.overlap) {
      // One stream: compute tasks and collectives share comm_queue_, one at a time.
      while (!exec_ && !collective_ && start_head(comm_queue_, comm_next_, finished_now)) {
      }
      return finished_now;
    }
    bool progress = true;
    while (progress) {
      progress = false;
      if (!exec_ && start_head(compute_queue_, compute_next_, finished_now)) progress = true;
      if (!collective_ && start_head(comm_queue_, comm_next_, finished_now)) progress = true;
    }
    return finished_now;
  }

  bool start_head(const std::vector<std::size_t>& queue, std::size_t& next,
                  std::size_t& finished_now) {
    if (next >= queue.size() || waiting_[queue[next]] != 0) return false;
    const std::size_t v = queue[next++];
    const Task& t = tasks_->graph[v];
    const double now = sg4::Engine::get_clock();
    if (t.type == TaskType::compute) {
      if (t.flops <= 0.0) {
        finish(v, now);
        ++finished_now;
        return true;
      }
      exec_ = sg4::this_actor::exec_async(t.flops);
      exec_task_ = v;
      exec_start_s_ = now;
      return true;
    }
    auto run = std::make_unique<RunningCollective>();
    run->task = v;
    run->start_s = now;
    double& latest = shared_.latest_start[instance_key(t)];
    latest = std::max(latest, now);
    run->schedule =
        collective_schedule(t.op, options_.algorithm, t.group_size, t.group_rank, t.bytes);
    collective_ = std::move(run);
    if (post_step()) {
      finish(v, now);
      collective_.reset();
      ++finished_now;
    }
    return true;
  }

  // Posts the current step's receives and sends; true when the schedule is over.
  bool post_step() {
    RunningCollective& run = *collective_;
    if (run.step >= run.schedule.size()) return true;
    const Task& t = tasks_->graph[run.task];
    const ScheduleStep& step = run.schedule[run.step];
    run.pending.clear();
    run.received.assign(step.recvs.size(), nullptr);
    for (std::size_t k = 0; k < step.recvs.size(); ++k) {
      sg4::Mailbox* box = mailboxes_.from(t.member(step.recvs[k].peer));
      run.pending.push_back(box->get_async<void>(&run.received[k]));
    }
    for (const Message& m : step.sends) {
      sg4::Mailbox* box = mailboxes_.to(t.member(m.peer));
      // SimGrid sizes are whole bytes; payloads such as s * B / Pc may be fractional.
      const auto bytes = static_cast<std::uint64_t>(std::llround(std::max(m.bytes, 1.0)));
      run.pending.push_back(box->put_async(this, bytes));
    }
    return false;
  }

  static std::uint64_t instance_key(const Task& t) {
    return (static_cast<std::uint64_t>(t.order) << 32) | static_cast<std::uint64_t>(t.group_first);
  }

  void finish(std::size_t v, double start_s) {
    const TaskGraph& g = tasks_->graph;
    const Task& t = g[v];
    const double end_s = sg4::Engine::get_clock();
    const double duration = end_s - start_s;
    if (t.type == TaskType::compute) {
      compute_s_[t.layer] += duration;
    } else {
      phase_s_[t.layer * kPhases + static_cast<int>(t.phase)] += duration;
    }
    if (rank_ < options_.trace_ranks && !options_.trace_file.empty()) {
      shared_.spans.push_back({rank_, task_name(network_, t),
                               t.type == TaskType::compute ? "compute" : "comm", start_s, end_s});
    }
    for (const auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
      --waiting_[boost::target(e, g)];
    }
  }

  void report() {
    const double end_s = sg4::Engine::get_clock();
    RankSpread& s = shared_.spread;
    if (end_s < s.first_rank_s) {
      s.first_rank_s = end_s;
      s.first_rank = rank_;
    }
    if (end_s >= s.last_rank_s) {  // of ranks finishing together, the last to report
      s.last_rank_s = end_s;
      s.last_rank = rank_;
    }
    for (std::size_t k = 0; k < phase_s_.size(); ++k) {
      shared_.phase_s[k] = std::max(shared_.phase_s[k], phase_s_[k]);
    }
    for (std::size_t k = 0; k < compute_s_.size(); ++k) {
      shared_.compute_s[k] = std::max(shared_.compute_s[k], compute_s_[k]);
    }
    ++shared_.finished;
    // The task graph is no longer needed: free it before the other ranks finish.
    tasks_.reset();
  }

  const Network& network_;
  std::int64_t rank_;
  std::unique_ptr<const RankTasks> tasks_;
  const ReplayOptions& options_;
  Shared& shared_;
  Mailboxes mailboxes_;

  std::vector<std::uint32_t> waiting_;  ///< unfinished dependencies per task
  std::vector<std::size_t> compute_queue_;
  std::vector<std::size_t> comm_queue_;
  std::size_t compute_next_ = 0;
  std::size_t comm_next_ = 0;

  sg4::ExecPtr exec_;
  std::size_t exec_task_ = 0;
  double exec_start_s_ = 0.0;
  std::unique_ptr<RunningCollective> collective_;

  std::vector<double> phase_s_;
  std::vector<double> compute_s_;
};

/// What a replay of P ranks with `tasks` tasks each needs, measured on SimGrid 3.32 (README,
/// "Speed"): about 30 MB for the engine, 25 kB per actor (context, mailboxes, comms in
/// flight) and 150 B per task, with a 1.5 margin.
double estimated_memory_bytes(std::int64_t procs, std::size_t tasks_per_rank) {
  const double per_rank = 25e3 + 150.0 * static_cast<double>(tasks_per_rank);
  return 1.5 * (30e6 + static_cast<double>(procs) * per_rank);
}

}  // namespace

Result simulate(const Network& network, const Platform& platform, const Plan& plan,
                std::int64_t batch, const ReplayOptions& options) {
  // A platform too large to build is refused before anything else is done.
  if (platform.simgrid_xml.empty()) require_simgrid_buildable(platform, plan.procs);
  TaskGraphCompiler compiler(network, plan, batch);
  require_within_limits(network, compiler.execs(), static_cast<double>(batch));
  const RankTasks first = compiler.compile_rank(0);
  require_schedules(first, options.algorithm);
  const double needed = estimated_memory_bytes(plan.procs, boost::num_vertices(first.graph));
  const double available = available_memory_bytes();
  if (available > 0.0 && needed > available) {
    throw InputError("", std::nullopt, "--procs",
                     fmt::format("simulating {} ranks needs about {:.2f} GB of memory, but this "
                                 "machine has {:.2f} GB available; use fewer processes, the "
                                 "analytic engine, or a larger machine",
                                 plan.procs, needed / 1e9, available / 1e9));
  }

  std::vector<std::string> args = engine_arguments();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());

  const SimPlatform sim =
      platform.simgrid_xml.empty()
          ? build_simgrid_platform(engine, platform, plan.procs, options.network_model)
          : load_simgrid_xml(engine, platform.simgrid_xml, plan.procs);

  Shared shared(network.layers.size());
  for (std::int64_t rank = 0; rank < plan.procs; ++rank) {
    sg4::Host* host =
        sim.hosts.at(static_cast<std::size_t>(host_of(rank, plan.grid, options.placement)));
    auto actor = std::make_shared<RankActor>(network, compiler, rank, options, shared);
    sg4::Actor::create(fmt::format("rank{}", rank), host, [actor] { (*actor)(); });
  }
  engine.run();
  if (shared.finished != plan.procs) {
    throw std::runtime_error(
        fmt::format("simulation ended with {} of {} ranks finished", shared.finished, plan.procs));
  }

  Result r = result_for("simgrid", network, platform, plan, batch);
  double largest = 0.0;
  std::vector<Collective> collectives;
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
    collectives.clear();
    layer_collectives(network, compiler.execs(), i, static_cast<double>(batch), collectives);
    for (const Collective& c : collectives) {
      l.comm_bytes += counted_bytes(c);
      largest = std::max(largest, c.bytes);
    }
    r.compute_s += l.compute_s;
    r.comm_s += l.comm_s();
  }
  r.spread = shared.spread;
  r.iteration_s = shared.spread.last_rank_s;
  r.memory_bytes_per_proc =
      memory_bytes_per_proc(network, compiler.execs(), static_cast<double>(batch), largest);
  if (!options.trace_file.empty()) {
    write_trace(options.trace_file, shared.spans,
                fmt::format("{} on {}: P = {}, grid {}", network.name, platform.name, plan.procs,
                            plan.grid.to_string()));
  }
  return r;
}

}  // namespace dnnsim
