#include "sim/taskgraph/task_graph.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/model/compute_cost.hpp"
#include "sim/strategy/gradient_buckets.hpp"

namespace dnnsim {

void merge_into(TaskSet& into, const TaskSet& from) {
  for (const TaskId t : from) {
    if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(t);
  }
}

TaskId add_task(TaskGraph& g, const Task& task, const TaskSet& deps) {
  const TaskId id = boost::add_vertex(task, g);
  g[id].order = static_cast<std::uint32_t>(id);
  for (const TaskId d : deps) boost::add_edge(d, id, g);
  return id;
}

std::string_view to_string(ComputePart part) noexcept {
  switch (part) {
    case ComputePart::forward:
      return "forward";
    case ComputePart::input_gradient:
      return "input gradient";
    case ComputePart::weight_gradient:
      return "weight gradient";
    case ComputePart::recompute:
      return "recompute";
  }
  return "forward";
}

TaskGraphCompiler::TaskGraphCompiler(const Network& network, const Plan& plan, std::int64_t batch,
                                     const Platform& platform)
    : network_(network), plan_(plan), batch_(batch) {
  resolve_layout(network_, plan_, execs_);
  collectives_.resize(network_.layers.size());
  const ComputeModel compute(network_, platform.node, platform.file);
  // docs/model.md, "Pipeline parallelism": every layer runs at microbatch size.
  const double samples =
      static_cast<double>(batch_) / static_cast<double>(plan_.pipeline.microbatches);
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    layer_collectives(network_, execs_, i, samples, collectives_[i]);
    compute_.push_back(compute.layer(execs_, i, samples));
  }
  bucket_gradients(network_, plan_, execs_, collectives_);
}

Seat TaskGraphCompiler::seat(const Task& t, std::int64_t rank) const {
  if (t.across_stages) {
    // Member 0 sits group_rank strides before this rank, whichever rank of the stage it is.
    return {t.group_rank, rank - t.group_rank * t.group_stride, t.group_stride};
  }
  // A stage's ranks are consecutive: the grid's ranks, offset by the stage's first.
  const std::int64_t size = plan_.stage_procs();
  const std::int64_t offset = rank / size * size;
  const std::int64_t local = rank - offset;
  const ProcessGrid grid = execs_[t.layer].grid;
  const std::int64_t row = grid.row_of(local);
  const std::int64_t column = grid.column_of(local);
  switch (t.group) {
    case Group::column:
      return {row, offset + grid.rank_at(0, column), 1};
    case Group::row:
      return {column, offset + row, grid.pr};
    case Group::all:
      break;
  }
  return {local, offset, 1};
}

Task TaskGraphCompiler::collective_task(std::int64_t rank, std::size_t layer,
                                        const Collective& c) const {
  Task t;
  t.type = TaskType::collective;
  t.layer = static_cast<std::uint32_t>(layer);
  t.backward_pass = c.backward_pass;
  t.phase = c.phase;
  t.op = c.op;
  t.group = c.group;
  t.group_size = c.group_size;
  t.bytes = c.bytes;
  const Seat s = seat(t, rank);
  t.group_rank = s.rank;
  t.group_first = s.first;
  t.group_stride = s.stride;
  return t;
}

Task TaskGraphCompiler::compute_task(std::size_t layer, ComputePart part, bool backward) const {
  const LayerCompute& c = compute_[layer];
  Task t;
  t.type = TaskType::compute;
  t.layer = static_cast<std::uint32_t>(layer);
  t.backward_pass = backward;
  t.compute = part;
  t.flops = part == ComputePart::forward          ? c.forward_work
            : part == ComputePart::input_gradient ? c.input_gradient_work
            : part == ComputePart::recompute      ? c.recompute_work
                                                  : c.weight_gradient_work;
  return t;
}

TaskSet TaskGraphCompiler::emit_forward(TaskGraph& g, std::int64_t rank, std::size_t i,
                                        TaskSet ready) const {
  // ZeRO-3's weight gathers need no input: they wait only for their turn on the
  // communication stream, so with overlap they run ahead of the compute (FSDP's prefetch).
  TaskSet weights;
  for (const Collective& c : collectives_[i]) {
    if (!c.backward_pass && c.before_compute) {
      weights.push_back(add_task(g, collective_task(rank, i, c), {}));
    }
  }
  // Layout changes and halos, compute, gathers.
  const auto chain = [&](const Task& t) { ready = TaskSet{add_task(g, t, ready)}; };
  for (const Collective& c : collectives_[i]) {
    if (!c.backward_pass && c.phase != Phase::forward) chain(collective_task(rank, i, c));
  }
  merge_into(ready, weights);
  if (compute_[i].forward_work > 0.0) chain(compute_task(i, ComputePart::forward, false));
  for (const Collective& c : collectives_[i]) {
    if (!c.backward_pass && c.phase == Phase::forward && !c.before_compute) {
      chain(collective_task(rank, i, c));
    }
  }
  return ready;
}

TaskSet TaskGraphCompiler::emit_backward(TaskGraph& g, std::int64_t rank, std::size_t i, TaskSet dy,
                                         bool gradients, TaskSet& dw) const {
  // Gathers both gradients' compute needs (sequence parallelism), then the halo. The input
  // gradient's chain (halo, compute, all-reduce) is the critical path; the weight
  // gradient's compute and all-reduce hang off it and can overlap what follows.
  for (const Collective& c : collectives_[i]) {
    if (c.backward_pass && c.before_compute) {
      dy = TaskSet{add_task(g, collective_task(rank, i, c), dy)};
    }
  }
  // docs/model.md, "Recomputation": the forward again, before both gradients.
  if (compute_[i].recompute_work > 0.0) {
    dy = TaskSet{add_task(g, compute_task(i, ComputePart::recompute, true), dy)};
  }
  TaskSet dx = dy;
  const auto chain_dx = [&](const Task& t) { dx = TaskSet{add_task(g, t, dx)}; };
  for (const Collective& c : collectives_[i]) {
    if (c.backward_pass && c.phase == Phase::halo) chain_dx(collective_task(rank, i, c));
  }
  if (compute_[i].input_gradient_work > 0.0) {
    chain_dx(compute_task(i, ComputePart::input_gradient, true));
  }
  for (const Collective& c : collectives_[i]) {
    if (c.backward_pass && c.phase == Phase::backward && !c.before_compute) {
      chain_dx(collective_task(rank, i, c));
    }
  }
  dw = dy;
  if (compute_[i].weight_gradient_work > 0.0) {
    dw = TaskSet{add_task(g, compute_task(i, ComputePart::weight_gradient, true), dw)};
  }
  if (gradients) emit_gradients(g, rank, i, dw);
  return dx;
}

void TaskGraphCompiler::emit_gradients(TaskGraph& g, std::int64_t rank, std::size_t i,
                                       TaskSet& dw) const {
  for (const Collective& c : collectives_[i]) {
    if (c.backward_pass && c.phase == Phase::gradient) {
      dw = TaskSet{add_task(g, collective_task(rank, i, c), dw)};
    }
  }
}

RankTasks TaskGraphCompiler::compile_rank(std::int64_t rank) const {
  if (plan_.pipeline.active()) return compile_pipeline_rank(rank);
  RankTasks out;
  out.rank = rank;
  TaskGraph& g = out.graph;
  const std::size_t n = network_.layers.size();

  // Forward pass, in topological order.
  std::vector<TaskSet> forward_out(n);
  for (const std::size_t i : network_.topo_order) {
    TaskSet ready;
    for (const std::size_t j : network_.layers[i].inputs) merge_into(ready, forward_out[j]);
    forward_out[i] = emit_forward(g, rank, i, std::move(ready));
  }

  // Backward pass, in reverse topological order.
  std::vector<TaskSet> consumers_out(n);  // dY of layer i ready
  std::vector<bool> has_consumer(n, false);
  for (std::size_t k = network_.topo_order.size(); k-- > 0;) {
    const std::size_t i = network_.topo_order[k];
    TaskSet dw;
    const TaskSet dx =
        emit_backward(g, rank, i, has_consumer[i] ? consumers_out[i] : forward_out[i], true, dw);
    for (const std::size_t j : network_.layers[i].inputs) {
      merge_into(consumers_out[j], dx);
      has_consumer[j] = true;
    }
  }
  return out;
}

void require_schedules(const RankTasks& tasks, Algorithm algorithm) {
  const TaskGraph& g = tasks.graph;
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    const Task& t = g[v];
    if (t.type != TaskType::collective) continue;
    try {
      (void)collective_schedule(t.op, algorithm, t.group_size, t.group_rank, t.bytes);
    } catch (const std::invalid_argument& e) {
      throw InputError("", std::nullopt, "--collective",
                       fmt::format("{}; 'auto' fits every group", e.what()));
    }
  }
}

}  // namespace dnnsim
