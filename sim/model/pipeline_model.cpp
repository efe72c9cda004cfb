// The analytic engine's pipelined iteration (docs/model.md, "Pipeline parallelism"): every
// layer priced at microbatch size, summed into each piece's forward and backward, the
// schedule timed by its recurrence (pipeline_timing.hpp), then each stage's weight
// gradients and the tied weights shared by the first and last stage.

#include <algorithm>

#include "sim/model/analytic_model.hpp"
#include "sim/model/memory.hpp"
#include "sim/model/pipeline_timing.hpp"
#include "sim/strategy/gradient_buckets.hpp"
#include "sim/strategy/pipeline_comm.hpp"

namespace dnnsim {
namespace {

void add_memory(MemoryUse& to, const MemoryUse& m, double activations_times) {
  to.weights_bytes += m.weights_bytes;
  to.gradients_bytes += m.gradients_bytes;
  to.optimizer_bytes += m.optimizer_bytes;
  to.activations_bytes += activations_times * m.activations_bytes;
}

}  // namespace

const LinkCost& AnalyticModel::pipeline_link(const Plan& plan, std::int64_t from,
                                             std::int64_t to) const noexcept {
  // Stage j holds ranks [j S, (j + 1) S), S = Pr x Pc: two stages talk inside a node when
  // both lie in the same one (docs/model.md, "Collectives inside a node").
  if (platform_.network.topology != Topology::hierarchical) return link_;
  const std::int64_t per_node = platform_.network.hierarchical.accelerators;
  const std::int64_t size = plan.stage_procs();
  const std::int64_t lo = std::min(from, to);
  const std::int64_t hi = std::max(from, to);
  return (lo * size) / per_node == ((hi + 1) * size - 1) / per_node ? node_link_ : link_;
}

void AnalyticModel::time_pipeline(const Plan& plan, double batch, Result& r) {
  const PipelinePlan& pipe = plan.pipeline;
  const std::int64_t stages = pipe.stages;
  const auto pieces = static_cast<std::size_t>(pipe.pieces());
  const double m = static_cast<double>(pipe.microbatches);
  const double micro = batch / m;  // B / m: a replica's microbatch is B / (Pc m)
  const auto piece_of = [&](std::size_t i) {
    return pipe.piece.empty() ? std::size_t{0} : static_cast<std::size_t>(pipe.piece[i]);
  };

  PipelineCosts costs;
  costs.forward_s.assign(pieces, 0.0);
  costs.backward_s.assign(pieces, 0.0);
  costs.send_forward_s.assign(pieces - 1, 0.0);
  costs.send_backward_s.assign(pieces - 1, 0.0);
  std::vector<double> gradient_s(static_cast<std::size_t>(stages), 0.0);
  per_layer_.resize(network_.layers.size());
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    per_layer_[i].clear();
    layer_collectives(network_, execs_, i, micro, per_layer_[i]);
  }
  bucket_gradients(network_, plan, execs_, per_layer_);
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    const LayerExec& e = execs_[i];
    const LayerCompute c = compute_.layer(execs_, i, micro);
    LayerResult& lr = r.layers[i];
    lr.kind = e.kind;
    lr.grid = e.grid;
    lr.compute_s = m * c.total_s;
    double forward = c.forward_s;
    double backward = c.input_gradient_s + c.weight_gradient_s + c.recompute_s;
    for (const Collective& col : per_layer_[i]) {
      // The weight gradients are reduced once per iteration, after the schedule.
      const double t = cost_s(col, e.grid);
      if (col.phase == Phase::gradient) {
        lr.gradient_s += t;
        lr.comm_bytes += counted_bytes(col);
        gradient_s[static_cast<std::size_t>(pipe.stage_of(i))] += t;
        continue;
      }
      (col.backward_pass ? backward : forward) += t;
      lr.comm_bytes += m * counted_bytes(col);
      double& phase = col.phase == Phase::forward    ? lr.forward_s
                      : col.phase == Phase::backward ? lr.backward_s
                      : col.phase == Phase::halo     ? lr.halo_s
                                                     : lr.redistribute_s;
      phase += m * t;
    }
    costs.forward_s[piece_of(i)] += forward;
    costs.backward_s[piece_of(i)] += backward;
  }

  // Between pieces: each of the Pr processes sends its counterpart s b d / Pr; a receiver
  // that needs the tensor whole all-gathers it in its column (docs/model.md).
  const std::vector<StageBoundary> boundaries = stage_boundaries(network_, execs_, pipe, micro);
  for (std::size_t k = 0; k < boundaries.size(); ++k) {
    const StageBoundary& b = boundaries[k];
    const std::int64_t from = static_cast<std::int64_t>(k) % stages;
    const std::int64_t to = static_cast<std::int64_t>(k + 1) % stages;
    const double p2p = pipeline_link(plan, from, to).p2p_s(b.send_bytes);
    costs.send_forward_s[k] = p2p;
    costs.send_backward_s[k] = p2p;
    if (b.gather) {
      const double t = cost_s(*b.gather, execs_[b.layer].grid);
      costs.forward_s[k + 1] += t;  // the next piece gathers the activation
      costs.backward_s[k] += t;     // and this one its gradient
      r.layers[b.layer].redistribute_s += 2.0 * m * t;
      r.layers[b.layer].comm_bytes += 2.0 * m * b.gather->bytes;
    }
  }

  const PipelineTiming timing = time_schedule(pipe.schedule, stages, pipe.microbatches, costs);
  std::vector<double> end(static_cast<std::size_t>(stages));
  std::vector<double> busy(static_cast<std::size_t>(stages));
  for (std::size_t j = 0; j < end.size(); ++j) {
    end[j] = timing.stage_end_s[j] + gradient_s[j];
    busy[j] = timing.busy_s[j] + gradient_s[j];
  }
  // A weight tied across stages (a GPT's embedding on the first, its logits on the last):
  // the two stages' corresponding ranks all-reduce its gradient, n = s V h / Pr.
  for (const TiedAcrossStages& tied : tied_across_stages(network_, execs_, pipe)) {
    const auto a = static_cast<std::size_t>(tied.first_stage);
    const auto b = static_cast<std::size_t>(tied.last_stage);
    const double t = link_.allreduce_s(2, tied.allreduce.bytes);
    r.layers[tied.layer].gradient_s += t;
    r.layers[tied.layer].comm_bytes += tied.allreduce.bytes;
    end[a] = end[b] = std::max(end[a], end[b]) + t;
    busy[a] += t;
    busy[b] += t;
  }
  const auto last =
      static_cast<std::int64_t>(std::max_element(end.begin(), end.end()) - end.begin());
  r.iteration_s = end[static_cast<std::size_t>(last)];
  r.compute_s = 0.0;
  r.comm_s = 0.0;
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    if (pipe.stage_of(i) != last) continue;
    r.compute_s += r.layers[i].compute_s;
    r.comm_s += r.layers[i].comm_s();
  }
  r.pipeline = PipelineResult{stages, pipe.microbatches, to_string(pipe.schedule),
                              r.iteration_s - *std::max_element(busy.begin(), busy.end())};

  // Memory: each stage's parameters, and the activations of the microbatches in flight
  // on it as its schedule runs (a piece's activations per microbatch and chunk); the
  // largest stage is the process that must fit.
  r.memory = MemoryUse{};
  for (std::int64_t j = 0; j < stages; ++j) {
    const std::int64_t in_flight =
        peak_in_flight(stage_operations(pipe.schedule, stages, j, pipe.microbatches));
    const double per_piece =
        static_cast<double>(in_flight) / static_cast<double>(pipe.schedule.chunks);
    MemoryUse mine;
    for (std::size_t i = 0; i < network_.layers.size(); ++i) {
      if (pipe.stage_of(i) != j) continue;
      add_memory(mine, layer_memory(network_, execs_, i, micro), per_piece);
      // A tied table on another stage is held there too.
      const Layer& layer = network_.layers[i];
      if (layer.is_tied() && pipe.stage_of(layer.tied) != j) {
        add_memory(mine, layer_memory(network_, execs_, layer.tied, micro), 0.0);
      }
    }
    std::vector<bool> here(network_.layers.size());
    for (std::size_t i = 0; i < here.size(); ++i) here[i] = pipe.stage_of(i) == j;
    mine.activations_bytes += recompute_buffer_bytes(network_, execs_, micro, here);
    if (mine.total_bytes() > r.memory.total_bytes()) r.memory = mine;
  }
  r.memory_bytes_per_proc = r.memory.total_bytes();
}

}  // namespace dnnsim
