#include "sim/kernels/local/token_memory.hpp"

#include <algorithm>

#include "sim/kernels/local/token_layout.hpp"

namespace dnnsim::kernels {
namespace {

constexpr double kFloat = 4.0;

double elements(const TokenBox& box) {
  return static_cast<double>(box.elements());
}

// The whole tokens and features of a box's samples.
double whole(const TokenBox& box, const Shape& shape) {
  return static_cast<double>(box.samples.size() * tokens_of(shape) * features_of(shape));
}

}  // namespace

PassMemory token_pass_memory(const Network& network, const Plan& plan, Count batch, int rank) {
  const std::vector<LayerExec> execs = resolve_layout(network, plan);
  const std::vector<TokenPlacement> places = token_placements(network, execs, batch, rank);
  double kept = 0.0;
  double temp = 0.0;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const TokenPlacement& p = places[i];
    // Parameters and their gradients: the held rectangle of a weight (a tied layer's is
    // its table's), or all of a replicated layer's.
    double params = static_cast<double>(layer.params);
    if (layer.type == LayerType::linear || layer.type == LayerType::embedding) {
      const double w = static_cast<double>(p.weight_rows.size() * p.weight_cols.size());
      params = (layer.is_tied() ? 0.0 : w) +
               (layer.bias && layer.type == LayerType::linear
                    ? static_cast<double>(execs[i].exec == Exec::row ? layer.out_features
                                                                     : p.weight_rows.size())
                    : 0.0);
    }
    // Output and its gradient; each input as read (a copy when cut or gathered) and its
    // gradient; what the backward pass needs kept (norm statistics, attention weights).
    double layer_kept = 2.0 * params + 2.0 * elements(p.out);
    double largest = whole(p.out, layer.out_shape);
    for (std::size_t k = 0; k < p.read.size(); ++k) {
      const bool from_input = layer.inputs.empty();
      const TokenBox have = from_input ? p.read[k] : places[layer.inputs[k]].out;
      if (from_input) layer_kept += elements(p.read[k]);  // the network input
      if (!(have == p.read[k])) layer_kept += elements(p.read[k]);
      layer_kept += elements(p.read[k]);  // its gradient
      if (!from_input)
        largest = std::max(largest, whole(p.read[k], network.layers[layer.inputs[k]].out_shape));
    }
    if (layer.type == LayerType::layernorm) layer_kept += 2.0 * static_cast<double>(p.out.rows());
    if (layer.type == LayerType::attention) {
      const Count head_dim = features_of(layer.out_shape) / layer.heads;
      const Count heads = p.out.features.size() / head_dim;
      layer_kept += static_cast<double>(p.out.samples.size() * heads * tokens_of(layer.out_shape) *
                                        tokens_of(layer.out_shape));
    }
    kept += layer_kept;
    // On top, at most: a gathered or summed tensor, its packed copy and the part received
    // (token ids as 8-byte integers are below this).
    temp = std::max(temp, 3.0 * largest);
  }
  return {kFloat * kept, kFloat * temp};
}

double token_check_memory(const Network& network, Count batch) {
  const double b = static_cast<double>(batch);
  double most = 0.0;
  for (const Layer& layer : network.layers) {
    // The reference output, the gradient of each input and the parameters' gradient, as
    // broadcast for one layer.
    double t = b * static_cast<double>(layer.d_out);
    double inputs = 0.0;
    for (const std::size_t j : layer.inputs)
      inputs = std::max(inputs, b * static_cast<double>(network.layers[j].d_out));
    t += inputs + static_cast<double>(layer.params);
    most = std::max(most, t);
  }
  return kFloat * most;
}

}  // namespace dnnsim::kernels
