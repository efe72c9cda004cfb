#include "sim/model/compute_cost.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace dnnsim {
namespace {

/// Which share of a layer's inputs, output and parameters one process holds while it
/// computes (docs/model.md, "Compute: the roofline").
struct Shares {
  double input = 1.0;
  double output = 1.0;
  double params = 1.0;
};

Shares shares_of(const LayerExec& e) {
  const double pr = static_cast<double>(e.grid.pr);
  switch (e.exec) {
    case Exec::integrated:  // the whole input, its rows of the weights and of the output
      return {1.0, 1.0 / pr, 1.0 / pr};
    case Exec::heads:
    case Exec::local_heads:
    case Exec::domain:
      return {1.0 / pr, 1.0 / pr, 1.0};
    case Exec::column:  // the whole input, its features of the output and weights
      return {1.0, 1.0 / pr, 1.0 / pr};
    case Exec::row:  // its features of the input, a whole partial output
      return {1.0 / pr, 1.0, 1.0 / pr};
    case Exec::follow:
      return e.out_layout == Layout::whole ? Shares{} : Shares{1.0 / pr, 1.0 / pr, 1.0};
    case Exec::replicated:
    case Exec::whole:
      return {};
  }
  return {};
}

// docs/model.md, "Recomputation": the layer's forward runs again before its backward.
void add_recompute(const LayerExec& e, LayerCompute& c, double speed) {
  if (e.recompute == Recompute::none) return;
  c.recompute_s = c.forward_s;
  c.recompute_work = c.forward_work > 0.0 ? c.forward_work : c.forward_s * speed;
  c.total_s += c.recompute_s;
}

}  // namespace

double forward_bytes(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                     double batch) {
  const Layer& layer = network.layers[i];
  switch (layer.type) {
    case LayerType::parameter:  // read by its readers
    case LayerType::identity:   // views of their input: nothing moves
    case LayerType::flatten:
    case LayerType::reshape:
      return 0.0;
    default:
      break;
  }
  const LayerExec& e = execs[i];
  const Shares share = shares_of(e);
  const double samples = batch / static_cast<double>(e.grid.pc);
  double inputs = 0.0;
  for (const std::size_t j : layer.inputs) {
    inputs += static_cast<double>(network.layers[j].d_out);
  }
  if (layer.inputs.empty()) inputs = static_cast<double>(network.input.elements());
  const double output = static_cast<double>(layer.d_out);
  // A lookup reads the rows of its tokens, not the whole table.
  const double params = layer.type == LayerType::embedding
                            ? samples * output * share.output
                            : static_cast<double>(layer.params) * share.params;
  double words = samples * (inputs * share.input + output * share.output) + params;
  if (layer.type == LayerType::attention && !layer.flash) {
    // The scores, written and read: a * T^2 per sequence.
    const double tokens = static_cast<double>(layer.in_shape.dims.front());
    words += 2.0 * samples * static_cast<double>(layer.heads) * tokens * tokens * share.output;
  }
  return static_cast<double>(word_bytes(network.dtype)) * words;
}

ComputeModel::ComputeModel(const Network& network, const Device& device,
                           const std::string& platform_file)
    : network_(network), device_(device) {
  for (const auto& [type, efficiency] : device.efficiency_by_type) {
    if (!layer_type_from_string(type)) {
      throw InputError(platform_file, std::nullopt, fmt::format("node.efficiency.{}", type),
                       unknown_name("layer type", type, layer_type_names()));
    }
  }
}

LayerCompute ComputeModel::layer(const std::vector<LayerExec>& execs, std::size_t i,
                                 double batch) const {
  const Layer& layer = network_.layers[i];
  const LayerExec& e = execs[i];
  LayerCompute c;
  const double sharers = compute_sharers(e);
  const double f = layer.flops_per_sample;
  const double ig = e.input_grad ? input_gradient_flops(layer) : 0.0;
  const double wg = weight_gradient_flops(layer);
  const double type_efficiency = device_.efficiency_of(to_string(layer.type));
  const double rate = device_.flops * type_efficiency;
  const bool default_rate = type_efficiency == device_.efficiency;

  if (!device_.memory_bandwidth_bytes_per_s) {
    // docs/model.md, "Compute": every process does its share of the FLOPs at the sustained
    // rate; backward is the input gradient (when something upstream learns) and the weight
    // gradient.
    if (f + ig + wg > 0.0) c.total_s = batch * (f + ig + wg) / sharers / rate;
    c.forward_s = batch * f / sharers / rate;
    c.input_gradient_s = batch * ig / sharers / rate;
    c.weight_gradient_s = batch * wg / sharers / rate;
    if (default_rate) {
      c.forward_work = batch * f / sharers;
      c.input_gradient_work = batch * ig / sharers;
      c.weight_gradient_work = batch * wg / sharers;
      add_recompute(e, c, host_speed());
      return c;
    }
  } else {
    // docs/model.md, "Compute: the roofline": each pass lasts the longer of its FLOPs and
    // its bytes; backward moves twice the forward's bytes.
    const double bandwidth = *device_.memory_bandwidth_bytes_per_s * device_.memory_efficiency;
    const double bytes = forward_bytes(network_, execs, i, batch);
    const bool backward = e.input_grad || layer.params > 0 || layer.is_tied();
    c.forward_s = std::max(batch * f / sharers / rate, bytes / bandwidth);
    const double backward_flops = batch * (ig + wg) / sharers;
    const double backward_s =
        backward ? std::max(backward_flops / rate, 2.0 * bytes / bandwidth) : 0.0;
    if (ig + wg > 0.0) {
      c.input_gradient_s = backward_s * ig / (ig + wg);
      c.weight_gradient_s = backward_s - c.input_gradient_s;
    } else if (e.input_grad) {
      c.input_gradient_s = backward_s;
    } else {
      c.weight_gradient_s = backward_s;
    }
    c.total_s = c.forward_s + backward_s;
  }
  const double speed = host_speed();
  c.forward_work = c.forward_s * speed;
  c.input_gradient_work = c.input_gradient_s * speed;
  c.weight_gradient_work = c.weight_gradient_s * speed;
  add_recompute(e, c, speed);
  return c;
}

}  // namespace dnnsim
