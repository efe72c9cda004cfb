#include "sim/engine/rank_actor.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/engine/mailboxes.hpp"
#include "sim/taskgraph/private_schedule.hpp"

namespace sg4 = simgrid::s4u;

namespace dnnsim {
namespace {

/// A collective in progress on the communication stream: its schedule, one step at a time.
struct RunningCollective {
  std::size_t task = 0;
  Seat seat;  ///< this rank's, in the task's group
  CompactSchedule schedule;
  ScheduleCursor step;  ///< in schedule
  std::vector<sg4::CommPtr> pending;
  std::vector<void*> received;  ///< destinations of the step's receives
  double start_s = 0.0;
  bool on_private_links = false;  ///< timed, not sent (PrivateCollectives)
  double deadline_s = -1.0;       ///< when it ends, once known
};

/// One rank: executes its task graph with a compute stream and a communication stream
/// (or a single stream without overlap), each taking its tasks in the global order.
class RankActor {
 public:
  RankActor(const ReplayContext& context, std::shared_ptr<const StageProgram> program,
            std::int64_t rank, ReplayRecord& shared)
      : network_(context.network),
        compiler_(context.compiler),
        privates_(context.privates),
        rank_(rank),
        stage_(rank / context.compiler.stage_procs()),
        program_(std::move(program)),
        options_(context.options),
        shared_(shared),
        mailboxes_(rank),
        timed_compute_(context.timed_compute),
        times_(context.network.layers.size()) {}

  void operator()() {
    const TaskGraph& g = program_->tasks.graph;
    const std::size_t n = boost::num_vertices(g);
    waiting_ = program_->in_degree;
    speed_ = sg4::this_actor::get_host()->get_speed();
    for (const std::uint32_t v : program_->stage_receives) {
      (void)mailboxes_.stage_from(compiler_.seat(g[v], rank_).member(1));
    }

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
      // Timed work ends at its deadline: computations on a host of their own, and a
      // collective on private links once its last member came.
      const double collective_end_s = collective_ ? collective_->deadline_s : -1.0;
      const bool compute_first =
          compute_end_s_ >= 0.0 && (collective_end_s < 0.0 || compute_end_s_ <= collective_end_s);
      const double deadline_s = compute_first ? compute_end_s_ : collective_end_s;
      const double timeout =
          deadline_s >= 0.0 ? std::max(0.0, deadline_s - sg4::Engine::get_clock()) : -1.0;
      if (activities.empty() && timeout < 0.0) {
        throw std::logic_error(fmt::format("rank {}: no task can start (task graph bug)", rank_));
      }
      ssize_t got = -1;
      if (activities.empty()) {
        sg4::this_actor::sleep_for(timeout);
      } else {
        got = sg4::Activity::wait_any_for(activities, timeout);
      }
      if (got < 0 ? compute_first : (exec_ && got == 0)) {  // the computations ended
        exec_ = nullptr;
        compute_end_s_ = -1.0;
        done += finish_run(sg4::Engine::get_clock());
        continue;
      }
      if (got < 0) {
        done += finish_collective();
        continue;
      }
      const auto index = static_cast<std::size_t>(got);
      auto& pending = collective_->pending;
      const sg4::ActivityPtr& finished = activities[index];
      pending.erase(std::find_if(pending.begin(), pending.end(),
                                 [&](const sg4::CommPtr& c) { return c.get() == finished.get(); }));
      if (pending.empty() && collective_->on_private_links) {
        // Woken by the last member: the times it worked out.
        const Task& t = program_->tasks.graph[collective_->task];
        collective_->deadline_s = shared_.instances.finish_s(t, collective_->seat);
      } else if (pending.empty()) {
        collective_->step.next();
        if (post_step()) done += finish_collective();
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
      while (!computing() && !collective_ && start_head(program_->comm, comm_next_, finished_now)) {
      }
      return finished_now;
    }
    bool progress = true;
    while (progress) {
      progress = false;
      if (!computing() && start_head(program_->compute, compute_next_, finished_now)) {
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
      const double flops = stream.run_flops[run_.first];
      shared_.compute_runs += flops > 0.0 ? 1 : 0;
      if (flops <= 0.0) {
        finished_now += finish_run(now);
      } else if (timed_compute_) {
        compute_end_s_ = now + flops / speed_;
      } else {
        exec_ = sg4::this_actor::exec_async(flops);
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
      shared_.instances.start(t, run->seat, now);
      if (privates_.applies(stage_, v, run->seat, t.group_size)) {
        start_private(*run, t, now);
        collective_ = std::move(run);
        return true;
      }
    }
    run->schedule =
        compact_schedule(t.op, options_.algorithm, t.group_size, run->seat.rank, t.bytes);
    run->step = ScheduleCursor(run->schedule);
    collective_ = std::move(run);
    if (post_step()) {
      const double start =
          t.op == CollectiveOp::recv ? now : shared_.instances.done(t, collective_->seat, now);
      finish(v, start, now);
      collective_.reset();
      ++finished_now;
    }
    return true;
  }

  // A collective on private links: each member notes when it came; the last works out when
  // each finishes (private_finish_times) and wakes the others with an empty message, which
  // arrives before their end (it needs the latency of one of the collective's messages).
  void start_private(RunningCollective& run, const Task& t, double now) {
    run.on_private_links = true;
    ++shared_.private_collectives;
    const bool last = shared_.instances.arrive(t, run.seat, now, [&](const auto& arrival_s) {
      return private_finish_times(t.op, options_.algorithm, arrival_s, t.bytes,
                                  privates_.latency_s(), privates_.bandwidth());
    });
    if (!last) {
      run.received.assign(1, nullptr);
      run.pending.push_back(mailboxes_.wake()->get_async<void>(run.received.data()));
      return;
    }
    for (std::int64_t k = 0; k < t.group_size; ++k) {
      if (k == run.seat.rank) continue;
      Mailboxes::wake_of(run.seat.member(k))->put_init(this, 0)->detach();
      ++shared_.messages;
    }
    run.deadline_s = shared_.instances.finish_s(t, run.seat);
  }

  // Finishes the running collective, counted from when its last member started it.
  std::size_t finish_collective() {
    const Task& t = program_->tasks.graph[collective_->task];
    // A receive from another stage is this rank's alone: all of it is its wait.
    const double start = t.op == CollectiveOp::recv
                             ? collective_->start_s
                             : shared_.instances.done(t, collective_->seat, collective_->start_s);
    times_.wait_s += start - collective_->start_s;  // waiting for its partners
    finish(collective_->task, start, sg4::Engine::get_clock());
    collective_.reset();
    return 1;
  }

  // Posts the current step's receives and sends; true when the schedule is over.
  bool post_step() {
    RunningCollective& run = *collective_;
    if (run.step.done()) return true;
    const Task& t = program_->tasks.graph[run.task];
    const ScheduleStep& step = run.step.step();
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
    times_.add(t, end_s - start_s);
    if (rank_ < options_.trace_ranks && !options_.trace_file.empty()) {
      shared_.spans.push_back({rank_, trace_name(network_, t),
                               t.type == TaskType::compute ? "compute" : "comm", start_s, end_s});
    }
    for (const auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
      --waiting_[boost::target(e, g)];
    }
  }

  void report() {
    shared_.merge(rank_, sg4::Engine::get_clock(), times_, waiting_.size());
    program_.reset();  // the stage's program goes with its last rank
  }

  const Network& network_;
  const TaskGraphCompiler& compiler_;
  const PrivateCollectives& privates_;
  std::int64_t rank_;
  std::int64_t stage_;
  std::shared_ptr<const StageProgram> program_;
  const ReplayOptions& options_;
  ReplayRecord& shared_;
  Mailboxes mailboxes_;
  std::vector<std::uint32_t> waiting_;  ///< unfinished dependencies per task
  std::size_t compute_next_ = 0;
  std::size_t comm_next_ = 0;
  [[nodiscard]] bool computing() const { return exec_ || compute_end_s_ >= 0.0; }
  sg4::ExecPtr exec_;            ///< the running computations, as a SimGrid execution
  bool timed_compute_;           ///< or timed (ReplayContext::timed_compute):
  double speed_ = 0.0;           ///< the host's FLOP/s
  double compute_end_s_ = -1.0;  ///< when they end
  struct Run {
    const StageProgram::Stream* stream = nullptr;
    std::size_t first = 0;  ///< positions in the stream
    std::size_t end = 0;
    double start_s = 0.0;
  } run_;  ///< the running computations
  std::unique_ptr<RunningCollective> collective_;
  RankTimes times_;
};

}  // namespace

void start_rank_actor(sg4::Host* host, const ReplayContext& context,
                      std::shared_ptr<const StageProgram> program, std::int64_t rank,
                      ReplayRecord& shared) {
  auto actor = std::make_shared<RankActor>(context, std::move(program), rank, shared);
  sg4::Actor::create(fmt::format("rank{}", rank), host, [actor] { (*actor)(); });
}

}  // namespace dnnsim
