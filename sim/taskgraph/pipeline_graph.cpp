// A pipeline rank's task graph (docs/model.md, "Pipeline parallelism"): its stage's
// operations in schedule order, each the forward or backward of one piece for one
// microbatch, with the point-to-point sends and receives between stages; then the
// stage's weight-gradient collectives, once per iteration, and the tied weights.

#include <limits>

#include "sim/strategy/stage_cuts.hpp"
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
  const std::vector<std::size_t> boundary = boundary_layers(network_, pipe.piece);

  // The tensor crossing after layer j: each of the Pr ranks sends its counterpart s b d / Pr;
  // a receiver that needs it whole all-gathers it in its column.
  const double micro = static_cast<double>(batch_) / static_cast<double>(pipe.microbatches);
  const auto whole = [&](std::size_t j) {
    return word_bytes(network_.dtype) * micro / static_cast<double>(execs_[j].grid.pc) *
           static_cast<double>(network_.layers[j].d_out);
  };
  const auto gathered = [&](std::size_t j) {
    return execs_[j].grid.pr > 1 && execs_[j].out_layout == Layout::whole;
  };
  const auto p2p = [&](CollectiveOp op, std::size_t j, std::size_t to_piece, bool backward) {
    Task t;
    t.type = TaskType::collective;
    t.layer = static_cast<std::uint32_t>(j);
    t.backward_pass = backward;
    t.phase = backward ? Phase::backward : Phase::forward;
    t.op = op;
    t.group = Group::all;
    t.group_size = 2;
    t.group_rank = 0;  // member 1 is the counterpart in the other stage
    t.group_first = rank;
    t.group_stride = (static_cast<std::int64_t>(to_piece) % pipe.stages - stage) * size;
    t.bytes = whole(j) / static_cast<double>(execs_[j].grid.pr);
    return t;
  };
  const auto gather = [&](std::size_t j, bool backward) {
    return collective_task(rank, j,
                           Collective{Phase::redistribute, CollectiveOp::allgather, Group::column,
                                      backward, execs_[j].grid.pr, whole(j)});
  };

  RankTasks out;
  out.rank = rank;
  TaskGraph& g = out.graph;
  TaskSet ready;  // a stage runs its operations one after the other
  std::vector<TaskSet> done(n);
  std::vector<TaskSet> consumers(n);
  for (const PipelineOp& op :
       stage_operations(pipe.schedule, pipe.stages, stage, pipe.microbatches)) {
    const auto k = static_cast<std::size_t>(op.chunk * pipe.stages + stage);
    const std::vector<std::size_t>& layers = layers_of[k];
    TaskSet end = ready;
    if (op.pass == Pass::forward) {
      TaskSet in = ready;
      if (k > 0) {
        const std::size_t j = boundary[k - 1];
        in = TaskSet{add_task(g, p2p(CollectiveOp::recv, j, k - 1, false), in)};
        if (gathered(j)) in = TaskSet{add_task(g, gather(j, false), in)};
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
        const std::size_t j = boundary[k];
        merge_into(end, TaskSet{add_task(g, p2p(CollectiveOp::send, j, k + 1, false), done[j])});
      }
    } else {
      TaskSet dy = ready;
      if (k + 1 < pieces) {
        const std::size_t j = boundary[k];
        dy = TaskSet{add_task(g, p2p(CollectiveOp::recv, j, k + 1, true), dy)};
        if (gathered(j)) dy = TaskSet{add_task(g, gather(j, true), dy)};
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
        const std::size_t j = boundary[k - 1];
        merge_into(end, TaskSet{add_task(g, p2p(CollectiveOp::send, j, k - 1, true), dx_out)});
      }
    }
    ready = std::move(end);
  }

  // Once per iteration: the stage's weight gradients, then the tables tied across stages
  // (the first and last stage's corresponding ranks all-reduce n = s V h / Pr).
  for (auto it = network_.topo_order.rbegin(); it != network_.topo_order.rend(); ++it) {
    if (pipe.stage_of(*it) == stage) emit_gradients(g, rank, *it, ready);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Layer& layer = network_.layers[i];
    if (!layer.is_tied()) continue;
    const std::int64_t a = std::min(pipe.stage_of(i), pipe.stage_of(layer.tied));
    const std::int64_t b = std::max(pipe.stage_of(i), pipe.stage_of(layer.tied));
    if (a == b || (stage != a && stage != b)) continue;
    Task t =
        collective_task(rank, i,
                        Collective{Phase::gradient, CollectiveOp::allreduce, Group::all, true, 2,
                                   word_bytes(network_.dtype) *
                                       static_cast<double>(network_.layers[layer.tied].params) /
                                       static_cast<double>(execs_[layer.tied].grid.pr)});
    t.group_first = rank - (stage - a) * size;
    t.group_stride = (b - a) * size;
    t.group_rank = stage == a ? 0 : 1;
    const TaskId id = add_task(g, t, ready);
    // The two stages' graphs differ: one id for the pair, past every vertex's.
    g[id].order = std::numeric_limits<std::uint32_t>::max() - static_cast<std::uint32_t>(i);
    ready = TaskSet{id};
  }
  return out;
}

}  // namespace dnnsim
