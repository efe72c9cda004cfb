#include "sim/engine/rank_actor.hpp"

#include "sim/engine/mailboxes.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

/// A collective in progress on the communication stream: its schedule, one step at a time.
struct RunningCollective {
  std::size_t task = 0;
  Seat seat;  ///< this rank's, in the task's group
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
  RankActor(const Network& network, const TaskGraphCompiler& compiler,
            std::shared_ptr<const StageProgram> program, std::int64_t rank,
            const ReplayOptions& options, Shared& shared)
      : network_(network),
        compiler_(compiler),
        rank_(rank),
        program_(std::move(program)),
        options_(options),
        shared_(shared),
        mailboxes_(rank) {}

  void operator()() {
    const TaskGraph& g = program_->tasks.graph;
    const std::size_t n = boost::num_vertices(g);
    waiting_ = program_->in_degree;
    for (const std::uint32_t v : program_->stage_receives) {
      (void)mailboxes_.stage_from(compiler_.seat(g[v], rank_).member(1));
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
        done += finish_run(sg4::Engine::get_clock());
        continue;
      }
      auto& pending = collective_->pending;
      const sg4::ActivityPtr& finished = activities[index];
      pending.erase(std::find_if(pending.begin(), pending.end(),
                                 [&](const sg4::CommPtr& c) { return c.get() == finished.get(); }));
      if (pending.empty()) {
        ++collective_->step;
        if (post_step()) {
          const Task& t = program_->tasks.graph[collective_->task];
          // A receive from another stage is this rank's alone: all of it is its wait.
          const double start = t.op == CollectiveOp::recv
                                   ? collective_->start_s
                                   : partners_started(t, collective_->seat, collective_->start_s);
          stage_wait_s_ += start - collective_->start_s;  // waiting for its partners
          finish(collective_->task, start, sg4::Engine::get_clock());
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
      while (!exec_ && !collective_ && start_head(program_->comm, comm_next_, finished_now)) {
      }
      return finished_now;
    }
    bool progress = true;
    while (progress) {
      progress = false;
      if (!exec_ && start_head(program_->compute, compute_next_, finished_now)) {
        progress = true;
      }
      if (!collective_ && start_head(program_->comm, comm_next_, finished_now)) {
        progress = true;
      }
    }
    return finished_now;
  }

  bool start_head(const StageProgram::Stream& stream, std::size_t& next,
                  std::size_t& finished_now) {
    const std::vector<std::uint32_t>& queue = stream.tasks;
    if (next >= queue.size() || waiting_[queue[next]] != 0) return false;
    const std::size_t v = queue[next];
    const Task& t = program_->tasks.graph[v];
    const double now = sg4::Engine::get_clock();
    if (t.type == TaskType::compute) {
      run_ = {&stream, next, stream.run_end[next], now};
      next = run_.end;
      if (stream.run_flops[run_.first] <= 0.0) {
        finished_now += finish_run(now);
      } else {
        exec_ = sg4::this_actor::exec_async(stream.run_flops[run_.first]);
        ++shared_.executions;
      }
      return true;
    }
    ++next;
    if (t.op == CollectiveOp::send) {
      // docs/model.md, "Pipeline parallelism": a stage never waits for its own sends.
      const auto bytes = static_cast<std::uint64_t>(std::llround(std::max(t.bytes, 1.0)));
      Mailboxes::stage_to(rank_, compiler_.seat(t, rank_).member(1))
          ->put_init(this, bytes)
          ->detach();
      ++shared_.messages;
      finish(v, now, now);
      ++finished_now;
      return true;
    }
    auto run = std::make_unique<RunningCollective>();
    run->task = v;
    run->seat = compiler_.seat(t, rank_);
    run->start_s = now;
    if (t.op != CollectiveOp::recv) {
      Shared::Instance& instance = shared_.instances[instance_key(t, run->seat)];
      instance.latest_start = std::max(instance.latest_start, now);
    }
    run->schedule =
        collective_schedule(t.op, options_.algorithm, t.group_size, run->seat.rank, t.bytes);
    collective_ = std::move(run);
    if (post_step()) {
      const double start =
          t.op == CollectiveOp::recv ? now : partners_started(t, collective_->seat, now);
      finish(v, start, now);
      collective_.reset();
      ++finished_now;
    }
    return true;
  }

  // Posts the current step's receives and sends; true when the schedule is over.
  bool post_step() {
    RunningCollective& run = *collective_;
    if (run.step >= run.schedule.size()) return true;
    const Task& t = program_->tasks.graph[run.task];
    const ScheduleStep& step = run.schedule[run.step];
    run.pending.clear();
    run.received.assign(step.recvs.size(), nullptr);
    for (std::size_t k = 0; k < step.recvs.size(); ++k) {
      const std::int64_t peer = run.seat.member(step.recvs[k].peer);
      sg4::Mailbox* box =
          t.op == CollectiveOp::recv ? mailboxes_.stage_from(peer) : mailboxes_.from(peer);
      run.pending.push_back(box->get_async<void>(&run.received[k]));
    }
    for (const Message& m : step.sends) {
      sg4::Mailbox* box = mailboxes_.to(run.seat.member(m.peer));
      // SimGrid sizes are whole bytes; payloads such as s * B / Pc may be fractional.
      const auto bytes = static_cast<std::uint64_t>(std::llround(std::max(m.bytes, 1.0)));
      run.pending.push_back(box->put_async(this, bytes));
      ++shared_.messages;
    }
    return false;
  }

  static std::uint64_t instance_key(const Task& t, const Seat& seat) {
    return (static_cast<std::uint64_t>(t.order) << 32) | static_cast<std::uint64_t>(seat.first);
  }

  // When the last member of this rank's collective started it (at least `start_s`, this
  // rank's own start); the instance's record goes once every member has asked.
  double partners_started(const Task& t, const Seat& seat, double start_s) {
    const auto it = shared_.instances.find(instance_key(t, seat));
    const double latest = std::max(start_s, it->second.latest_start);
    if (++it->second.finished == t.group_size) shared_.instances.erase(it);
    return latest;
  }

  // Finishes the computations of the run that ended at `end_s`, each in its share of the
  // run's time (see StageProgram); returns how many.
  std::size_t finish_run(double end_s) {
    const StageProgram::Stream& s = *run_.stream;
    const TaskGraph& g = program_->tasks.graph;
    const double total = s.run_flops[run_.first];
    const double per_flop = total > 0.0 ? (end_s - run_.start_s) / total : 0.0;
    double start_s = run_.start_s;
    double done_flops = 0.0;
    for (std::size_t k = run_.first; k < run_.end; ++k) {
      done_flops += std::max(g[s.tasks[k]].flops, 0.0);
      const double piece_end_s = k + 1 == run_.end ? end_s : run_.start_s + done_flops * per_flop;
      finish(s.tasks[k], start_s, piece_end_s);
      start_s = piece_end_s;
    }
    return run_.end - run_.first;
  }

  void finish(std::size_t v, double start_s, double end_s) {
    const TaskGraph& g = program_->tasks.graph;
    const Task& t = g[v];
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
    shared_.tasks += static_cast<std::int64_t>(waiting_.size());
    // The stage's program goes with its last rank.
    program_.reset();
  }

  const Network& network_;
  const TaskGraphCompiler& compiler_;
  std::int64_t rank_;
  std::shared_ptr<const StageProgram> program_;
  const ReplayOptions& options_;
  Shared& shared_;
  Mailboxes mailboxes_;

  std::vector<std::uint32_t> waiting_;  ///< unfinished dependencies per task
  std::size_t compute_next_ = 0;
  std::size_t comm_next_ = 0;

  sg4::ExecPtr exec_;
  struct Run {
    const StageProgram::Stream* stream = nullptr;
    std::size_t first = 0;  ///< positions in the stream
    std::size_t end = 0;
    double start_s = 0.0;
  } run_;  ///< the computations exec_ runs
  std::unique_ptr<RunningCollective> collective_;

  std::vector<double> phase_s_;
  std::vector<double> compute_s_;
  double stage_wait_s_ = 0.0;  ///< waiting: for another stage's data, or for partners
};

}  // namespace

void start_rank_actor(sg4::Host* host, const Network& network, const TaskGraphCompiler& compiler,
                      std::shared_ptr<const StageProgram> program, std::int64_t rank,
                      const ReplayOptions& options, Shared& shared) {
  auto actor =
      std::make_shared<RankActor>(network, compiler, std::move(program), rank, options, shared);
  sg4::Actor::create(fmt::format("rank{}", rank), host, [actor] { (*actor)(); });
}

}  // namespace dnnsim
