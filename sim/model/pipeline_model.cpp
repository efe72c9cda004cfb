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
  const std::size_t n = network_.layers.size();
  per_layer_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (source_[i] != i) continue;
    per_layer_[i].clear();
    layer_collectives(network_, execs_, i, micro, per_layer_[i]);
  }
  bucket_gradients(network_, plan, execs_, per_layer_);
  passes_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    LayerResult& lr = r.layers[i];
    if (source_[i] != i) {  // a copy of block 1's layer (docs/model.md, "Repeated blocks")
      lr = r.layers[source_[i]];
      passes_[i] = passes_[source_[i]];
    } else {
      const LayerExec& e = execs_[i];
      const LayerCompute& c = compute_cache_[i];
      lr.kind = e.kind;
      lr.grid = e.grid;
      lr.compute_s = m * c.total_s;
      Passes& p = passes_[i];
      p.forward_s = c.forward_s;
      p.backward_s = c.input_gradient_s + c.weight_gradient_s + c.recompute_s;
      p.gradient_s = 0.0;
      for (const Collective& col : per_layer_[i]) {
        // The weight gradients are reduced once per iteration, after the schedule.
        const double t = cost_s(col, e.grid);
        if (col.phase == Phase::gradient) {
          lr.gradient_s += t;
          lr.comm_bytes += counted_bytes(col);
          p.gradient_s += t;
          continue;
        }
        (col.backward_pass ? p.backward_s : p.forward_s) += t;
        lr.comm_bytes += m * counted_bytes(col);
        double& phase = col.phase == Phase::forward    ? lr.forward_s
                        : col.phase == Phase::backward ? lr.backward_s
                        : col.phase == Phase::halo     ? lr.halo_s
                                                       : lr.redistribute_s;
        phase += m * t;
      }
    }
    costs.forward_s[piece_of(i)] += passes_[i].forward_s;
    costs.backward_s[piece_of(i)] += passes_[i].backward_s;
    gradient_s[stage_[i]] += passes_[i].gradient_s;
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

  // The same schedule and costs time the same (a search's ZeRO stages 0-2 differ only after
  // the schedule): reuse the last timing then.
  if (!last_timing_ || !(last_schedule_ == pipe.schedule) || last_stages_ != stages ||
      last_microbatches_ != pipe.microbatches || last_costs_.forward_s != costs.forward_s ||
      last_costs_.backward_s != costs.backward_s ||
      last_costs_.send_forward_s != costs.send_forward_s ||
      last_costs_.send_backward_s != costs.send_backward_s) {
    last_timing_ = time_schedule(pipe.schedule, stages, pipe.microbatches, costs, false);
    last_schedule_ = pipe.schedule;
    last_stages_ = stages;
    last_microbatches_ = pipe.microbatches;
    last_costs_ = costs;
  }
  const PipelineTiming& timing = *last_timing_;
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
    if (stage_[i] != static_cast<std::size_t>(last)) continue;
    r.compute_s += r.layers[i].compute_s;
    r.comm_s += r.layers[i].comm_s();
  }
  r.pipeline = PipelineResult{stages, pipe.microbatches, to_string(pipe.schedule),
                              r.iteration_s - *std::max_element(busy.begin(), busy.end())};

  // Memory: each stage's parameters, and the activations of the microbatches in flight
  // on it as its schedule runs (a piece's activations per microbatch and chunk); the
  // largest stage is the process that must fit.
  std::vector<double> in_flight(static_cast<std::size_t>(stages));
  for (std::int64_t j = 0; j < stages; ++j) {
    in_flight[static_cast<std::size_t>(j)] =
        static_cast<double>(peak_in_flight(pipe.schedule, stages, j, pipe.microbatches)) /
        static_cast<double>(pipe.schedule.chunks);
  }
  r.memory = MemoryUse{};
  for (const MemoryUse& mine : stage_memory(pipe, in_flight)) {
    if (mine.total_bytes() > r.memory.total_bytes()) r.memory = mine;
  }
  r.memory_bytes_per_proc = r.memory.total_bytes();
}

}  // namespace dnnsim
