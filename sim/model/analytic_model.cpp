#include "sim/model/analytic_model.hpp"

#include <algorithm>
#include <utility>

#include "sim/common/error.hpp"

namespace dnnsim {

AnalyticModel::AnalyticModel(const Network& network, const Platform& platform)
    : network_(network),
      platform_(platform),
      link_{platform.alpha_s(), platform.beta_s_per_byte()} {}

double AnalyticModel::cost_s(const Collective& c) const noexcept {
  switch (c.op) {
    case CollectiveOp::allgather:
      return link_.allgather_s(c.group_size, c.bytes);
    case CollectiveOp::reduce_scatter:
      return link_.reduce_scatter_s(c.group_size, c.bytes);
    case CollectiveOp::allreduce:
      return link_.allreduce_s(c.group_size, c.bytes);
    case CollectiveOp::halo:
      return c.rounds * link_.p2p_s(c.bytes);
    case CollectiveOp::regrid:
      // docs/model.md: alpha * lg(P) + beta * s * (B / Pc') * d_in(i).
      return link_.alpha_s * ceil_log2(c.group_size) + link_.beta_s_per_byte * c.bytes;
    case CollectiveOp::broadcast:
    case CollectiveOp::reduce:
      // No layer of the model broadcasts or reduces to one rank; the binomial tree their
      // schedules use sends the whole n at each of its lg(p) steps.
      return ceil_log2(c.group_size) * link_.p2p_s(c.bytes);
  }
  return 0.0;
}

double memory_bytes_per_proc(const Network& network, const std::vector<LayerExec>& execs,
                             double batch, double largest_collective_bytes) {
  const double s = word_bytes(network.dtype);
  double words = 0.0;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const double samples = batch / static_cast<double>(e.grid.pc);
    // Weights, their gradients and momentum: 3 copies of the local share.
    const double local_params = e.exec == Exec::integrated ? static_cast<double>(layer.params) /
                                                                 static_cast<double>(e.grid.pr)
                                                           : static_cast<double>(layer.params);
    words += 3.0 * local_params;
    // A learned tensor's output is the tensor itself, broadcast over the samples.
    if (layer.type == LayerType::parameter) continue;
    // The layer's output, kept for the backward pass, in its layout.
    const double split = e.out_layout == Layout::split ? static_cast<double>(e.grid.pr) : 1.0;
    words += samples * static_cast<double>(layer.d_out) / split;
    // The network input, as the first layer reads it.
    if (layer.inputs.empty()) {
      const bool input_split = e.exec == Exec::domain && e.grid.pr > 1;
      words += samples * static_cast<double>(network.input.elements()) /
               (input_split ? static_cast<double>(e.grid.pr) : 1.0);
    }
  }
  return s * words + largest_collective_bytes;
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
  r.memory_limit_bytes = platform.node.memory_bytes;
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

  double largest = 0.0;
  for (std::size_t i = 0; i < network_.layers.size(); ++i) {
    r.layers[i] = layer_result(execs_, i, b, largest);
    r.compute_s += r.layers[i].compute_s;
    r.comm_s += r.layers[i].comm_s();
  }
  r.iteration_s = r.compute_s + r.comm_s;
  r.memory_bytes_per_proc = memory_bytes_per_proc(network_, execs_, b, largest);
  return out;
}

LayerResult AnalyticModel::layer_result(const std::vector<LayerExec>& execs, std::size_t i,
                                        double batch, double& largest) {
  const Layer& layer = network_.layers[i];
  const LayerExec& e = execs[i];
  LayerResult lr;
  lr.kind = e.kind;
  lr.grid = e.grid;
  // docs/model.md, Compute: backward is twice the forward (input and weight gradients), once
  // for the first weighted layer; matmul's input gradient is two products. A layer computed
  // redundantly within its column divides its work by Pc only.
  if (layer.flops_per_sample > 0.0) {
    const double flops = layer.flops_per_sample +
                         (e.input_grad ? input_gradient_flops(layer) : 0.0) +
                         weight_gradient_flops(layer);
    lr.compute_s = batch * flops / compute_sharers(e) / platform_.node.sustained_flops();
  }
  collectives_.clear();
  layer_collectives(network_, execs, i, batch, collectives_);
  for (const Collective& c : collectives_) {
    const double t = cost_s(c);
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
    largest = std::max(largest, c.bytes);
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
