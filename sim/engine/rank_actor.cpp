#include "sim/engine/rank_actor.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

/// Per (receiver, sender) FIFO mailboxes: every rank issues its collectives in the same
/// global order, so the messages between two ranks are posted in the same order on both
/// sides, even when a partner already sends for its next step or collective.
class Mailboxes {
 public:
  explicit Mailboxes(std::int64_t rank) : rank_(rank) {}

  sg4::Mailbox* from(std::int64_t sender) { return lookup(inbox_, rank_, sender, sender); }
  sg4::Mailbox* to(std::int64_t receiver) { return lookup(outbox_, receiver, rank_, receiver); }

  /// Between pipeline stages: the receiver is the mailbox's permanent receiver, so a
  /// message travels as soon as it is sent (eagerly, as the cost model's recurrence has it)
  /// instead of waiting for the receive to be posted.
  sg4::Mailbox* stage_from(std::int64_t sender) {
    sg4::Mailbox* box = sg4::Mailbox::by_name(fmt::format("stage {}<{}", rank_, sender));
    box->set_receiver(sg4::Actor::self());
    return box;
  }
  static sg4::Mailbox* stage_to(std::int64_t rank, std::int64_t receiver) {
    return sg4::Mailbox::by_name(fmt::format("stage {}<{}", receiver, rank));
  }

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
      if (g[v].op == CollectiveOp::recv && g[v].type == TaskType::collective) {
        (void)mailboxes_.stage_from(g[v].member(1));
      }
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
          // A receive from another stage is this rank's alone: all of it is its wait.
          const bool own = t.op == CollectiveOp::recv;
          const double start =
              own ? collective_->start_s
                  : std::max(collective_->start_s, shared_.latest_start[instance_key(t)]);
          stage_wait_s_ += start - collective_->start_s;  // waiting for its partners
          finish(collective_->task, start);
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
    if (t.op == CollectiveOp::send) {
      // docs/model.md, "Pipeline parallelism": a stage never waits for its own sends.
      const auto bytes = static_cast<std::uint64_t>(std::llround(std::max(t.bytes, 1.0)));
      Mailboxes::stage_to(rank_, t.member(1))->put_init(this, bytes)->detach();
      finish(v, now);
      ++finished_now;
      return true;
    }
    auto run = std::make_unique<RunningCollective>();
    run->task = v;
    run->start_s = now;
    if (t.op != CollectiveOp::recv) {
      double& latest = shared_.latest_start[instance_key(t)];
      latest = std::max(latest, now);
    }
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
      const std::int64_t peer = t.member(step.recvs[k].peer);
      sg4::Mailbox* box =
          t.op == CollectiveOp::recv ? mailboxes_.stage_from(peer) : mailboxes_.from(peer);
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
    } else if (t.op == CollectiveOp::send || t.op == CollectiveOp::recv) {
      // Between pipeline stages: waiting, not a phase of the layer (docs/model.md).
      stage_wait_s_ += duration;
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
    shared_.most_busy_s = std::max(shared_.most_busy_s, end_s - stage_wait_s_);
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
  double stage_wait_s_ = 0.0;  ///< waiting: for another stage's data, or for partners
};

}  // namespace

void start_rank_actor(sg4::Host* host, const Network& network, const TaskGraphCompiler& compiler,
                      std::int64_t rank, const ReplayOptions& options, Shared& shared) {
  auto actor = std::make_shared<RankActor>(network, compiler, rank, options, shared);
  sg4::Actor::create(fmt::format("rank{}", rank), host, [actor] { (*actor)(); });
}

}  // namespace dnnsim
