#include "sim/model/analytic_model.hpp"

#include <algorithm>
#include <utility>

#include "sim/common/error.hpp"
#include "sim/strategy/gradient_buckets.hpp"

namespace dnnsim {

AnalyticModel::AnalyticModel(const Network& network, const Platform& platform)
    : network_(network),
      platform_(platform),
      link_{platform.alpha_s(), platform.beta_s_per_byte()},
      node_link_{platform.network.hierarchical.latency_s,
                 1.0 / platform.network.hierarchical.bandwidth_bytes_per_s},
      compute_(network, platform.node, platform.file) {}

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

Evaluation AnalyticModel::evaluate(const Plan& plan, std::int64_t batch) {
  Evaluation out;
  resolve_layout(network_, plan, execs_);
  const double b = static_cast<double>(batch);
  out.violation = check_limits(network_, execs_, b);
  if (out.violation) return out;

  out.result = result_for("analytic", network_, platform_, plan, batch);
  Result& r = out.result;
  if (plan.pipeline.active()) {
    time_pipeline(plan, b, r);
    return out;
  }

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
    r.layers[i] = buckets ? priced(execs_, i, b, per_layer_[i]) : layer_result(execs_, i, b);
    r.compute_s += r.layers[i].compute_s;
    r.comm_s += r.layers[i].comm_s();
  }
  r.iteration_s = r.compute_s + r.comm_s;
  r.memory = memory_per_proc(network_, execs_, b);
  r.memory_bytes_per_proc = r.memory.total_bytes();
  return out;
}

LayerResult AnalyticModel::layer_result(const std::vector<LayerExec>& execs, std::size_t i,
                                        double batch) {
  collectives_.clear();
  layer_collectives(network_, execs, i, batch, collectives_);
  return priced(execs, i, batch, collectives_);
}

LayerResult AnalyticModel::priced(const std::vector<LayerExec>& execs, std::size_t i, double batch,
                                  const std::vector<Collective>& collectives) {
  const LayerExec& e = execs[i];
  LayerResult lr;
  lr.kind = e.kind;
  lr.grid = e.grid;
  lr.compute_s = compute_.layer(execs, i, batch).total_s;
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
