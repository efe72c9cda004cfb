// A pipeline rank's task graph (docs/model.md, "Pipeline parallelism"): its stage's
// operations in schedule order, each the forward or backward of one piece for one
// microbatch, with the point-to-point sends and receives between stages; then the
// stage's weight-gradient collectives, once per iteration, and the tied weights.

#include <limits>

#include "sim/strategy/pipeline_comm.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

RankTasks TaskGraphCompiler::compile_pipeline_rank(std::int64_t rank) const {
  const PipelinePlan& pipe = plan_.pipeline;
  const std::int64_t size = plan_.stage_procs();
  const std::int64_t stage = rank / size;
  const auto pieces = static_cast<std::size_t>(pipe.pieces());
  const std::size_t n = network_.layers.size();
  const auto piece_of = [&](std::size_t i) {
    return pipe.piece.empty() ? std::size_t{0} : static_cast<std::size_t>(pipe.piece[i]);
  };
  std::vector<std::vector<std::size_t>> layers_of(pieces);  // topological order
  for (const std::size_t i : network_.topo_order) layers_of[piece_of(i)].push_back(i);
  const double micro = static_cast<double>(batch_) / static_cast<double>(pipe.microbatches);
  const std::vector<StageBoundary> boundary = stage_boundaries(network_, execs_, pipe, micro);

  // The send or receive of boundary `b`'s tensor (or gradient) with the other stage.
  const auto p2p = [&](CollectiveOp op, const StageBoundary& b, std::size_t to_piece,
                       bool backward) {
    const std::size_t j = b.layer;
    Task t;
    t.type = TaskType::collective;
    t.layer = static_cast<std::uint32_t>(j);
    t.backward_pass = backward;
    t.phase = backward ? Phase::backward : Phase::forward;
    t.op = op;
    t.group = Group::all;
    t.group_size = 2;
    t.across_stages = true;
    t.group_rank = 0;  // member 1 is the counterpart in the other stage
    t.group_first = rank;
    t.group_stride = (static_cast<std::int64_t>(to_piece) % pipe.stages - stage) * size;
    t.bytes = b.send_bytes;
    return t;
  };
  const auto gather = [&](const StageBoundary& b, bool backward) {
    Collective c = *b.gather;
    c.backward_pass = backward;
    return collective_task(rank, b.layer, c);
  };

  RankTasks out;
  out.rank = rank;
  TaskGraph& g = out.graph;
  // A stage runs its operations one after the other: each starts after the tasks of the
  // one before (`ready`), which themselves follow everything earlier, so depending on the
  // last operation's tasks alone is the same as on all before it, with O(1) edges per
  // operation instead of O(operations so far) (memory grew with m^2 otherwise).
  TaskSet ready;
  std::vector<TaskSet> done(n);
  std::vector<TaskSet> consumers(n);
  for (const PipelineOp& op :
       stage_operations(pipe.schedule, pipe.stages, stage, pipe.microbatches)) {
    const auto k = static_cast<std::size_t>(op.chunk * pipe.stages + stage);
    const std::vector<std::size_t>& layers = layers_of[k];
    TaskSet end;
    if (op.pass == Pass::forward) {
      TaskSet in = ready;
      if (k > 0) {
        const StageBoundary& b = boundary[k - 1];
        in = TaskSet{add_task(g, p2p(CollectiveOp::recv, b, k - 1, false), in)};
        if (b.gather) in = TaskSet{add_task(g, gather(b, false), in)};
      }
      for (const std::size_t i : layers) {
        TaskSet deps = layers.front() == i ? in : TaskSet{};
        for (const std::size_t j : network_.layers[i].inputs) {
          merge_into(deps, piece_of(j) == k ? done[j] : in);
        }
        if (deps.empty()) deps = in;
        done[i] = emit_forward(g, rank, i, std::move(deps));
        merge_into(end, done[i]);
      }
      if (k + 1 < pieces) {
        const StageBoundary& b = boundary[k];
        merge_into(end,
                   TaskSet{add_task(g, p2p(CollectiveOp::send, b, k + 1, false), done[b.layer])});
      }
    } else {
      TaskSet dy = ready;
      if (k + 1 < pieces) {
        const StageBoundary& b = boundary[k];
        dy = TaskSet{add_task(g, p2p(CollectiveOp::recv, b, k + 1, true), dy)};
        if (b.gather) dy = TaskSet{add_task(g, gather(b, true), dy)};
      }
      for (const std::size_t i : layers) consumers[i].clear();
      TaskSet dx_out = dy;
      for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        const std::size_t i = *it;
        TaskSet dw;
        const TaskSet dx =
            emit_backward(g, rank, i, consumers[i].empty() ? dy : consumers[i], false, dw);
        merge_into(end, dw);
        for (const std::size_t j : network_.layers[i].inputs) {
          merge_into(piece_of(j) == k ? consumers[j] : dx_out, dx);
        }
        merge_into(end, dx);
      }
      if (k > 0) {
        merge_into(end, TaskSet{add_task(g, p2p(CollectiveOp::send, boundary[k - 1], k - 1, true),
                                         dx_out)});
      }
    }
    if (!end.empty()) ready = std::move(end);  // a piece without layers adds no task
  }

  // Once per iteration: the stage's weight gradients, then the tables tied across stages
  // (the first and last stage's corresponding ranks all-reduce n = s V h / Pr).
  for (auto it = network_.topo_order.rbegin(); it != network_.topo_order.rend(); ++it) {
    if (pipe.stage_of(*it) == stage) emit_gradients(g, rank, *it, ready);
  }
  for (const TiedAcrossStages& tied : tied_across_stages(network_, execs_, pipe)) {
    const std::int64_t a = tied.first_stage;
    const std::int64_t b = tied.last_stage;
    if (stage != a && stage != b) continue;
    Task t = collective_task(rank, tied.layer, tied.allreduce);
    t.across_stages = true;
    t.group_first = rank - (stage - a) * size;
    t.group_stride = (b - a) * size;
    t.group_rank = stage == a ? 0 : 1;
    const TaskId id = add_task(g, t, ready);
    // The two stages' graphs differ: one id for the pair, past every vertex's.
    g[id].order =
        std::numeric_limits<std::uint32_t>::max() - static_cast<std::uint32_t>(tied.layer);
    ready = TaskSet{id};
  }
  return out;
}

}  // namespace dnnsim
