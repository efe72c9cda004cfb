#include "sim/model/memory.hpp"

#include <algorithm>

#include <boost/range/iterator_range.hpp>

#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

/// The share of a layer's kept tensors and parameters one process holds.
struct Held {
  double activations = 1.0;
  double params = 1.0;
};

Held held_by(const LayerExec& e) {
  const double pr = static_cast<double>(e.grid.pr);
  switch (e.exec) {
    case Exec::integrated:  // the whole input (what it keeps), its rows of the weights
      return {1.0, 1.0 / pr};
    case Exec::heads:
    case Exec::local_heads:
    case Exec::domain:
      return {1.0 / pr, 1.0};
    case Exec::column:  // its input (its tokens' share under sequence parallelism), its
                        // columns of the weights
      return {e.in_layout == Layout::split ? 1.0 / pr : 1.0, 1.0 / pr};
    case Exec::row:  // its features of the input, its rows of the weights
      return {1.0 / pr, 1.0 / pr};
    case Exec::follow:
      return {e.out_layout == Layout::whole ? 1.0 : 1.0 / pr, 1.0};
    case Exec::replicated:
    case Exec::whole:
      return {};
  }
  return {};
}

double inputs_of(const Network& network, const Layer& layer) {
  if (layer.inputs.empty()) return static_cast<double>(network.input.elements());
  double n = 0.0;
  for (const std::size_t j : layer.inputs) n += static_cast<double>(network.layers[j].d_out);
  return n;
}

}  // namespace

double optimizer_bytes_per_param(Optimizer optimizer, DType dtype) noexcept {
  const double state = optimizer == Optimizer::adam       ? 8.0
                       : optimizer == Optimizer::momentum ? 4.0
                                                          : 0.0;
  return state + (dtype == DType::fp32 ? 0.0 : 4.0);
}

double kept_bytes_per_sample(const Network& network, std::size_t i) noexcept {
  const Layer& layer = network.layers[i];
  const double s = word_bytes(network.dtype);
  const double in = inputs_of(network, layer);
  const double out = static_cast<double>(layer.d_out);
  switch (layer.type) {
    case LayerType::conv2d:
    case LayerType::linear:
    case LayerType::batchnorm:
    case LayerType::layernorm:
    case LayerType::rmsnorm:
    case LayerType::relu:
    case LayerType::relu6:
    case LayerType::gelu:
    case LayerType::silu:
    case LayerType::sigmoid:
    case LayerType::tanh:
    case LayerType::hardswish:
    case LayerType::mul:
    case LayerType::matmul:
      return s * in;  // its input (both, for a product)
    case LayerType::maxpool:
      return s * in + 8.0 * out;  // its input and the argmax of each output (int64)
    case LayerType::dropout:
      return layer.dropout > 0.0 ? out : 0.0;  // a 1-byte mask
    case LayerType::softmax:
      return s * out;
    case LayerType::attention: {
      const double tokens = static_cast<double>(layer.in_shape.dims.front());
      const double scores = static_cast<double>(layer.heads) * tokens * tokens;
      if (layer.flash) {
        // Q, K, V, the output and the softmax statistics (4 bytes per head and token).
        return s * (in + out) + 4.0 * static_cast<double>(layer.heads) * tokens;
      }
      // Q, K, V and the softmax output; with dropout its mask and the dropped output.
      return s * in + s * scores + (layer.dropout > 0.0 ? scores + s * scores : 0.0);
    }
    default:  // add, concat, embeddings, reshapes, pooling averages: nothing
      return 0.0;
  }
}

namespace {

// docs/model.md, "Recomputation": what a layer keeps when it will be recomputed. Selective:
// the attention core keeps Q, K and V, not its T x T scores. Full: a block's layers keep
// nothing but the block's input (kept by the layers reading it from outside the block).
double recomputed_bytes_per_sample(const Network& network, const std::vector<LayerExec>& execs,
                                   std::size_t i) {
  const Layer& layer = network.layers[i];
  const double s = word_bytes(network.dtype);
  if (execs[i].recompute == Recompute::selective) {
    return s * static_cast<double>(layer.d_in);
  }
  const auto block = transformer_block(layer.name);
  // Kept once, by the first of the block's layers to read it (its readers are j's out-edges).
  const auto read_before = [&](std::size_t j) {
    for (const auto edge : boost::make_iterator_range(boost::out_edges(j, network.graph))) {
      const auto k = static_cast<std::size_t>(boost::target(edge, network.graph));
      if (k < i && transformer_block(network.layers[k].name) == block) return true;
    }
    return false;
  };
  double kept = 0.0;
  for (const std::size_t j : layer.inputs) {
    if (transformer_block(network.layers[j].name) != block && !read_before(j)) {
      kept += s * static_cast<double>(network.layers[j].d_out);
    }
  }
  if (layer.inputs.empty()) kept = s * static_cast<double>(network.input.elements());
  return kept;
}

double activation_bytes(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                        double batch, bool as_kept) {
  const LayerExec& e = execs[i];
  const double samples = batch / static_cast<double>(e.grid.pc);
  const double per_sample = as_kept && e.recompute != Recompute::none
                                ? recomputed_bytes_per_sample(network, execs, i)
                                : kept_bytes_per_sample(network, i);
  return samples * per_sample * held_by(e).activations;
}

}  // namespace

MemoryUse layer_memory(const Network& network, const std::vector<LayerExec>& execs, std::size_t i,
                       double batch) {
  const double s = word_bytes(network.dtype);
  const Layer& layer = network.layers[i];
  const LayerExec& e = execs[i];
  const double params = static_cast<double>(layer.params) * held_by(e).params;
  // docs/model.md, "Sharded data parallelism": stage 1 shards the optimizer state over the
  // Pc processes of a row, 2 also the gradients, 3 also the weights.
  const double pc = static_cast<double>(e.grid.pc);
  const auto sharded = [&](int stage) { return e.zero >= stage ? 1.0 / pc : 1.0; };
  return {s * params * sharded(3), s * params * sharded(2),
          optimizer_bytes_per_param(network.optimizer, network.dtype) * params * sharded(1),
          activation_bytes(network, execs, i, batch, true)};
}

double recompute_buffer_share(const Network& network, const std::vector<LayerExec>& execs,
                              std::size_t i, double batch) {
  if (execs[i].recompute != Recompute::full) return 0.0;
  return activation_bytes(network, execs, i, batch, false);
}

double recompute_buffer_bytes(const Network& network, const std::vector<LayerExec>& execs,
                              double batch, const std::vector<bool>& include) {
  // docs/model.md, "Recomputation": under `full`, one block's activations at a time.
  std::vector<double> per_block;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    if (execs[i].recompute != Recompute::full || !include[i]) continue;
    const auto block = static_cast<std::size_t>(*transformer_block(network.layers[i].name));
    if (per_block.size() <= block) per_block.resize(block + 1, 0.0);
    per_block[block] += recompute_buffer_share(network, execs, i, batch);
  }
  return per_block.empty() ? 0.0 : *std::max_element(per_block.begin(), per_block.end());
}

MemoryUse memory_per_proc(const Network& network, const std::vector<LayerExec>& execs,
                          double batch) {
  MemoryUse m;
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const MemoryUse l = layer_memory(network, execs, i, batch);
    m.weights_bytes += l.weights_bytes;
    m.gradients_bytes += l.gradients_bytes;
    m.optimizer_bytes += l.optimizer_bytes;
    m.activations_bytes += l.activations_bytes;
  }
  m.activations_bytes +=
      recompute_buffer_bytes(network, execs, batch, std::vector<bool>(network.layers.size(), true));
  return m;
}

}  // namespace dnnsim
