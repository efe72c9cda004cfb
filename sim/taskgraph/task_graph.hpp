#pragma once
// Per-rank task graphs: what one rank does in one training iteration, as a DAG of compute
// tasks and collective tasks (Boost.Graph). Compiled from (Network, Plan) by
// compile_rank(); the SimGrid replay executes it. Ranks of one collective share its id.

#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/model/compute_cost.hpp"
#include "sim/platform/platform.hpp"
#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/taskgraph/collective_schedule.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

enum class TaskType : std::uint8_t { compute, collective };

/// What a compute task computes (docs/model.md, "Compute").
enum class ComputePart : std::uint8_t { forward, input_gradient, weight_gradient, recompute };

[[nodiscard]] std::string_view to_string(ComputePart part) noexcept;

struct Task {
  TaskType type = TaskType::compute;
  std::uint32_t layer = 0;
  bool backward_pass = false;
  /// Position in the iteration's global order: the same for a collective on every rank,
  /// so it doubles as the collective's id.
  std::uint32_t order = 0;

  // compute
  ComputePart compute = ComputePart::forward;
  double flops = 0.0;  ///< FLOPs at the host's speed: the part's time times that speed

  // collective
  Phase phase = Phase::forward;
  CollectiveOp op = CollectiveOp::allgather;
  Group group = Group::column;
  std::int64_t group_size = 1;
  std::int64_t group_rank = 0;    ///< this rank's index in the group
  std::int64_t group_first = 0;   ///< global rank of member 0
  std::int64_t group_stride = 1;  ///< member k is group_first + k * group_stride
  double bytes = 0.0;             ///< the model's n, which the schedule expands
  /// A pair of ranks in two pipeline stages (a send, a receive, a tied weight's
  /// all-reduce) rather than a group of the layer's grid.
  bool across_stages = false;

  [[nodiscard]] std::int64_t member(std::int64_t k) const noexcept {
    return group_first + k * group_stride;
  }
};

/// Edges run from a task to the tasks that wait for it.
using TaskGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Task>;
using TaskId = std::size_t;
using TaskSet = std::vector<TaskId>;  ///< tasks another waits for

/// Adds the tasks of `from` not yet in `into`.
void merge_into(TaskSet& into, const TaskSet& from);
/// Appends a task that waits for every task of `deps`; returns its id.
TaskId add_task(TaskGraph& g, const Task& task, const TaskSet& deps);

/// Where a rank sits in a collective task's group (the task's group_rank and group_first
/// for that rank).
struct Seat {
  std::int64_t rank = 0;
  std::int64_t first = 0;
  std::int64_t stride = 1;
  [[nodiscard]] std::int64_t member(std::int64_t k) const noexcept { return first + k * stride; }
};

struct RankTasks {
  std::int64_t rank = 0;
  TaskGraph graph;  ///< vertices in the global order (every edge goes forward)
};

/// Everything the compiler needs, resolved once for all ranks.
class TaskGraphCompiler {
 public:
  /// Compute tasks take the times of `platform`'s device (sim/model/compute_cost.hpp).
  TaskGraphCompiler(const Network& network, const Plan& plan, std::int64_t batch,
                    const Platform& platform);

  /// The task graph of one rank (0 <= rank < P). Rank r sits at row r % Pr and column
  /// r / Pr of each layer's grid: the processes of a grid column are consecutive ranks.
  /// With pipeline stages, rank r is in stage r / (Pr Pc) and sits so in its stage's grid.
  [[nodiscard]] RankTasks compile_rank(std::int64_t rank) const;

  /// The graphs of a stage's ranks differ only in their collectives' seats: the seat of
  /// `rank` in collective `t` of the graph of any rank of the same stage. So one graph per
  /// stage serves all its ranks (the SimGrid replay of a large grid shares them).
  [[nodiscard]] Seat seat(const Task& t, std::int64_t rank) const;

  [[nodiscard]] const std::vector<LayerExec>& execs() const noexcept { return execs_; }
  [[nodiscard]] std::int64_t procs() const noexcept { return plan_.procs; }
  /// Ranks per pipeline stage (all of them without a pipeline).
  [[nodiscard]] std::int64_t stage_procs() const noexcept { return plan_.stage_procs(); }
  /// Layer i's collectives as the graphs run them (gradient buckets included).
  [[nodiscard]] const std::vector<Collective>& collectives(std::size_t i) const noexcept {
    return collectives_[i];
  }

 private:
  [[nodiscard]] Task collective_task(std::int64_t rank, std::size_t layer,
                                     const Collective& c) const;
  [[nodiscard]] Task compute_task(std::size_t layer, ComputePart part, bool backward) const;
  /// Layer i's forward tasks after `ready`; returns those its output waits for.
  [[nodiscard]] TaskSet emit_forward(TaskGraph& g, std::int64_t rank, std::size_t i,
                                     TaskSet ready) const;
  /// Layer i's backward tasks after `dy`; returns those dX waits for, and in `dw` those of
  /// the weight gradient (its collectives too when `gradients`).
  [[nodiscard]] TaskSet emit_backward(TaskGraph& g, std::int64_t rank, std::size_t i, TaskSet dy,
                                      bool gradients, TaskSet& dw) const;
  void emit_gradients(TaskGraph& g, std::int64_t rank, std::size_t i, TaskSet& dw) const;
  /// A rank of a pipeline: its stage's schedule, microbatch by microbatch
  /// (pipeline_graph.cpp).
  [[nodiscard]] RankTasks compile_pipeline_rank(std::int64_t rank) const;

  const Network& network_;
  Plan plan_;
  std::int64_t batch_;
  std::vector<LayerExec> execs_;
  std::vector<std::vector<Collective>> collectives_;  ///< per layer
  std::vector<LayerCompute> compute_;                 ///< per layer
};

/// Throws InputError on `--collective` when `algorithm` has no schedule for one of the
/// collectives of `tasks` (e.g. `recursive` on a group of 6). Every rank's groups have the
/// sizes of rank 0's, so rank 0's graph answers for all: check it before replaying or
/// exporting, rather than failing inside a rank.
void require_schedules(const RankTasks& tasks, Algorithm algorithm);

}  // namespace dnnsim
