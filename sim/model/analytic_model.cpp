#include "sim/model/analytic_model.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "sim/common/error.hpp"
#include "sim/strategy/gradient_buckets.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {

AnalyticModel::AnalyticModel(const Network& network, const Platform& platform, bool reuse_blocks)
    : network_(network),
      platform_(platform),
      link_{platform.alpha_s(), platform.beta_s_per_byte()},
      node_link_{platform.network.hierarchical.latency_s,
                 1.0 / platform.network.hierarchical.bandwidth_bytes_per_s},
      compute_(network, platform.node, platform.file) {
  if (reuse_blocks) repeat_ = repeated_blocks(network);
  block_of_.reserve(network.layers.size());
  for (const Layer& layer : network.layers) {
    const auto block = transformer_block(layer.name);
    block_of_.push_back(block ? *block : -1);
    if (block) blocks_ = std::max(blocks_, static_cast<std::size_t>(*block) + 1);
  }
}

double AnalyticModel::cost_s(const Collective& c, ProcessGrid grid) const noexcept {
  const bool in_node =
      platform_.network.topology == Topology::hierarchical &&
      group_in_one_node(c.group, grid, platform_.network.hierarchical.accelerators);
  const LinkCost& link = in_node ? node_link_ : link_;
  switch (c.op) {
    case CollectiveOp::allgather:
      return link.allgather_s(c.group_size, c.bytes);
    case CollectiveOp::reduce_scatter:
      return link.reduce_scatter_s(c.group_size, c.bytes);
    case CollectiveOp::allreduce:
      return link.allreduce_s(c.group_size, c.bytes);
    case CollectiveOp::halo:
      return c.rounds * link.p2p_s(c.bytes);
    case CollectiveOp::regrid:
      // docs/model.md: alpha * lg(P) + beta * s * (B / Pc') * d_in(i).
      return link.alpha_s * ceil_log2(c.group_size) + link.beta_s_per_byte * c.bytes;
    case CollectiveOp::send:  // docs/model.md, "Pipeline parallelism": alpha + beta * n
      return link.p2p_s(c.bytes);
    case CollectiveOp::recv:  // the sender pays
      return 0.0;
    case CollectiveOp::broadcast:
    case CollectiveOp::reduce:
      // No layer of the model broadcasts or reduces to one rank; the binomial tree their
      // schedules use sends the whole n at each of its lg(p) steps.
      return ceil_log2(c.group_size) * link.p2p_s(c.bytes);
  }
  return 0.0;
}

Result result_for(std::string engine, const Network& network, const Platform& platform,
                  const Plan& plan, std::int64_t batch) {
  Result r;
  r.engine = std::move(engine);
  r.workload = network.name;
  r.platform = platform.name;
  r.batch = batch;
  r.procs = plan.procs;
  r.grid = plan.grid;
  r.strategy = plan.strategy;
  r.sequence_parallel = plan.sequence_parallel;
  r.memory_limit_bytes = platform.node.memory_bytes;
  r.model_flops = 3.0 * static_cast<double>(batch) * network.total_flops_per_sample();
  r.peak_flops_per_proc = platform.node.flops;
  r.layers.resize(network.layers.size());
  return r;
}

void AnalyticModel::resolve(const Plan& plan) {
  const std::size_t n = network_.layers.size();
  source_.resize(n);
  std::iota(source_.begin(), source_.end(), std::size_t{0});
  // docs/model.md, "Repeated blocks": blocks 2 .. l - 2 are copies of block 1 when the plan
  // gives them block 1's kinds and grids and block 1 reads of block 0 what block 2 reads of
  // block 1. Gradient buckets group gradients across blocks, so they price every layer.
  if (!repeat_ || plan.bucket_bytes > 0.0) {
    resolve_layout(network_, plan, execs_);
    return;
  }
  const BlockRepeat& r = *repeat_;
  const std::size_t from = r.start(2);
  const std::size_t to = r.start(r.count - 1);
  const auto same_plan = [](const LayerPlan& a, const LayerPlan& b) {
    return a.kind == b.kind && a.grid == b.grid;
  };
  bool same = true;
  const auto planned = plan.layers.begin() + static_cast<std::ptrdiff_t>(r.start(1));
  for (std::size_t b = 2; same && b + 1 < r.count; ++b) {
    same = std::equal(planned, planned + static_cast<std::ptrdiff_t>(r.length),
                      plan.layers.begin() + static_cast<std::ptrdiff_t>(r.start(b)), same_plan);
  }
  execs_.resize(n);
  for (std::size_t i = 0; i < from; ++i) resolve_layer(network_, plan, execs_, i);
  for (const std::size_t o : r.outside_reads) {
    same = same && execs_[r.start(0) + o] == execs_[r.start(1) + o];
  }
  if (!same) {
    for (std::size_t i = from; i < n; ++i) resolve_layer(network_, plan, execs_, i);
    return;
  }
  const auto one = execs_.begin() + static_cast<std::ptrdiff_t>(r.start(1));
  const auto length = static_cast<std::ptrdiff_t>(r.length);
  for (std::size_t b = 2; b + 1 < r.count; ++b) {
    std::copy(one, one + length, execs_.begin() + static_cast<std::ptrdiff_t>(r.start(b)));
    std::iota(source_.begin() + static_cast<std::ptrdiff_t>(r.start(b)),
              source_.begin() + static_cast<std::ptrdiff_t>(r.start(b + 1)), r.start(1));
  }
  for (std::size_t i = to; i < n; ++i) resolve_layer(network_, plan, execs_, i);
}

void AnalyticModel::cache_layers(double batch) {
  const std::size_t n = network_.layers.size();
  compute_cache_.resize(n);
  memory_cache_.resize(n);
  buffer_cache_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (source_[i] != i) continue;
    compute_cache_[i] = compute_.layer(execs_, i, batch);
    memory_cache_[i] = layer_memory(network_, execs_, i, batch);
    buffer_cache_[i] = recompute_buffer_share(network_, execs_, i, batch);
  }
}

std::vector<MemoryUse> AnalyticModel::stage_memory(
    const PipelinePlan& pipe, const std::vector<double>& activations_times) const {
  const auto stages = static_cast<std::size_t>(pipe.stages);
  std::vector<MemoryUse> out(stages);
  // Full recomputation holds one block's activations at a time: per stage and block.
  std::vector<double> per_block(stages * blocks_, 0.0);
  bool buffered = false;
  const auto add = [](MemoryUse& to, const MemoryUse& m, double activations) {
    to.weights_bytes += m.weights_bytes;
    to.gradients_bytes += m.gradients_bytes;
    to.optimizer_bytes += m.optimizer_bytes;
    to.activations_bytes += activations * m.activations_bytes;
  };
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    const std::size_t j = stage_[i];
    add(out[j], memory_cache_[source_[i]], activations_times[j]);
    // A tied table on another stage is held there too.
    const Layer& layer = network_.layers[i];
    if (layer.is_tied() && stage_[layer.tied] != j) {
      add(out[j], memory_cache_[source_[layer.tied]], 0.0);
    }
    if (execs_[i].recompute == Recompute::full) {
      per_block[j * blocks_ + static_cast<std::size_t>(block_of_[i])] += buffer_cache_[source_[i]];
      buffered = true;
    }
  }
  if (buffered) {
    for (std::size_t j = 0; j < stages; ++j) {
      const auto first = per_block.begin() + static_cast<std::ptrdiff_t>(j * blocks_);
      out[j].activations_bytes +=
          *std::max_element(first, first + static_cast<std::ptrdiff_t>(blocks_));
    }
  }
  return out;
}

Evaluation AnalyticModel::evaluate(const Plan& plan, std::int64_t batch) {
  Evaluation out;
  resolve(plan);
  const double b = static_cast<double>(batch);
  // The first violation in the file's order: a copied layer breaks what its source does.
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    if (source_[i] != i) continue;
    if (auto limit = check_layer_limits(network_.layers[i], execs_[i], b)) {
      out.violation = LimitViolation{i, std::move(*limit)};
      return out;
    }
  }

  out.result = result_for("analytic", network_, platform_, plan, batch);
  Result& r = out.result;
  // Each layer's stage, its piece modulo Pp (computed once per piece).
  const PipelinePlan& pipe = plan.pipeline;
  stage_.assign(network_.layers.size(), 0);
  if (!pipe.piece.empty()) {
    std::int64_t piece = -1;
    std::size_t stage = 0;
    for (std::size_t i = 0; i < stage_.size(); ++i) {
      if (pipe.piece[i] != piece) {
        piece = pipe.piece[i];
        stage = static_cast<std::size_t>(piece % pipe.stages);
      }
      stage_[i] = stage;
    }
  }
  if (plan.pipeline.active()) {
    cache_layers(b / static_cast<double>(plan.pipeline.microbatches));
    time_pipeline(plan, b, r);
    return out;
  }
  cache_layers(b);

  const bool buckets = plan.bucket_bytes > 0.0;
  if (buckets) {
    // docs/model.md, "Gradient buckets": the whole network's gradients, then grouped.
    per_layer_.resize(network_.layers.size());
    for (std::size_t i = 0; i < network_.layers.size(); ++i) {
      per_layer_[i].clear();
      layer_collectives(network_, execs_, i, b, per_layer_[i]);
    }
    bucket_gradients(network_, plan, execs_, per_layer_);
  }
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    if (source_[i] != i) {
      r.layers[i] = r.layers[source_[i]];
    } else if (buckets) {
      r.layers[i] = priced(execs_, i, compute_cache_[i].total_s, per_layer_[i]);
    } else {
      collectives_.clear();
      layer_collectives(network_, execs_, i, b, collectives_);
      r.layers[i] = priced(execs_, i, compute_cache_[i].total_s, collectives_);
    }
    r.compute_s += r.layers[i].compute_s;
    r.comm_s += r.layers[i].comm_s();
  }
  r.iteration_s = r.compute_s + r.comm_s;
  PipelinePlan whole;  // one stage
  r.memory = stage_memory(whole, {1.0}).front();
  r.memory_bytes_per_proc = r.memory.total_bytes();
  return out;
}

LayerResult AnalyticModel::layer_result(const std::vector<LayerExec>& execs, std::size_t i,
                                        double batch) {
  collectives_.clear();
  layer_collectives(network_, execs, i, batch, collectives_);
  return priced(execs, i, compute_.layer(execs, i, batch).total_s, collectives_);
}

LayerResult AnalyticModel::priced(const std::vector<LayerExec>& execs, std::size_t i,
                                  double compute_s, const std::vector<Collective>& collectives) {
  const LayerExec& e = execs[i];
  LayerResult lr;
  lr.kind = e.kind;
  lr.grid = e.grid;
  lr.compute_s = compute_s;
  for (const Collective& c : collectives) {
    const double t = cost_s(c, e.grid);
    switch (c.phase) {
      case Phase::forward:
        lr.forward_s += t;
        break;
      case Phase::backward:
        lr.backward_s += t;
        break;
      case Phase::gradient:
        lr.gradient_s += t;
        break;
      case Phase::halo:
        lr.halo_s += t;
        break;
      case Phase::redistribute:
        lr.redistribute_s += t;
        break;
    }
    lr.comm_bytes += counted_bytes(c);
  }
  return lr;
}

Result AnalyticModel::run(const Plan& plan, std::int64_t batch) {
  Evaluation e = evaluate(plan, batch);
  log_layout(network_, execs_);
  if (e.violation) throw LimitError(network_.layers[e.violation->layer].name, e.violation->limit);
  return std::move(e.result);
}

}  // namespace dnnsim
