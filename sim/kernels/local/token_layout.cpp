#include "sim/kernels/local/token_layout.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim::kernels {
namespace {

bool supported(const Layer& layer) {
  switch (layer.type) {
    case LayerType::embedding:
    case LayerType::position_embedding:
    case LayerType::dropout:
    case LayerType::linear:
    case LayerType::attention:
    case LayerType::gelu:
    case LayerType::relu:
    case LayerType::add:
    case LayerType::identity:
      return true;
    case LayerType::layernorm:
      return layer.shape.size() == 1;  // over the features of each token
    default:
      return false;
  }
}

// The paper's kinds split a transformer's weights only through Exec::integrated and
// Exec::heads with Pr > 1, which the kernels leave to the simulator.
bool supported(const LayerExec& e) {
  switch (e.exec) {
    case Exec::column:
    case Exec::row:
    case Exec::local_heads:
    case Exec::follow:
    case Exec::whole:
      return true;
    case Exec::integrated:
    case Exec::heads:
      return e.grid.pr == 1;
    default:
      return false;
  }
}

TokenBox part(Range samples, Count tokens, Count features, Layout layout, const LayerExec& e,
              Count row) {
  const Count pr = e.grid.pr;
  switch (layout) {
    case Layout::split:
      return {samples, block(tokens, pr, row), {0, features}};
    case Layout::features:
      return {samples, {0, tokens}, block(features, pr, row)};
    case Layout::whole:
      break;
  }
  return {samples, {0, tokens}, {0, features}};
}

}  // namespace

Count tokens_of(const Shape& shape) noexcept {
  return shape.dims.front();
}

Count features_of(const Shape& shape) noexcept {
  return shape.rank() >= 2 ? shape.dims[1] : 1;
}

std::vector<TokenPlacement> token_placements(const Network& network,
                                             const std::vector<LayerExec>& execs, Count batch,
                                             int rank) {
  std::vector<TokenPlacement> out(network.layers.size());
  for (const std::size_t i : network.topo_order) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const Count pr = e.grid.pr;
    const Count row = rank % pr;
    const Range samples = block(batch, e.grid.pc, rank / pr);
    TokenPlacement& p = out[i];
    p.out = part(samples, tokens_of(layer.out_shape), features_of(layer.out_shape), e.out_layout, e,
                 row);
    // What each input is read as (docs/model.md, "Layouts and changing them").
    Layout wanted = Layout::whole;
    if (e.exec == Exec::row || e.exec == Exec::local_heads) wanted = Layout::features;
    if (e.exec == Exec::follow) wanted = followed_layout(network, execs, i);
    if (layer.inputs.empty()) {
      // The network input arrives as the first layer reads it (docs/model.md); token ids
      // are one feature wide.
      const Shape& shape = network.input;
      p.read.push_back(shape.rank() == 1
                           ? TokenBox{samples, {0, tokens_of(shape)}, {0, 1}}
                           : part(samples, tokens_of(shape), features_of(shape), wanted, e, row));
    }
    for (const std::size_t j : layer.inputs) {
      const Shape& shape = network.layers[j].out_shape;
      p.read.push_back(part(samples, tokens_of(shape), features_of(shape), wanted, e, row));
    }

    const Count in = features_of(layer.in_shape);
    if (layer.type == LayerType::embedding) {
      p.weight_rows = e.exec == Exec::row ? block(layer.vocab, pr, row) : Range{0, layer.vocab};
      p.weight_cols = e.exec == Exec::column ? block(layer.out_features, pr, row)
                                             : Range{0, layer.out_features};
    } else if (layer.type == LayerType::linear) {
      p.weight_rows = e.exec == Exec::column ? block(layer.out_features, pr, row)
                                             : Range{0, layer.out_features};
      p.weight_cols = e.exec == Exec::row ? block(in, pr, row) : Range{0, in};
    }
  }
  return out;
}

void require_token_support(const Network& network, const std::vector<LayerExec>& execs) {
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    const LayerExec& e = execs[i];
    const std::string key = fmt::format("layer '{}'", layer.name);
    const std::optional<int> line = layer.line > 0 ? std::optional<int>(layer.line) : std::nullopt;
    if (!supported(layer)) {
      throw InputError(network.file, line, key,
                       fmt::format("the kernels do not implement {} layers in a transformer (they "
                                   "run embedding, position_embedding, dropout, layernorm over "
                                   "the features, linear, attention, gelu, relu, add and identity)",
                                   to_string(layer.type)));
    }
    if (!supported(e)) {
      throw InputError("", std::nullopt, key,
                       fmt::format("is {} on grid {}: on a transformer the kernels run the batch, "
                                   "column and row kinds (the paper's model and integrated kinds "
                                   "with Pr > 1 are simulated only)",
                                   to_string(e.kind), e.grid.to_string()));
    }
    if (e.input_change == LayoutChange::change_grid) {
      throw InputError("", std::nullopt, key,
                       "changes grid: on a transformer the kernels run one grid for every layer");
    }
  }
  // A tied layer computes with its embedding's table: it must hold the same part of it.
  const int procs = static_cast<int>(execs.front().grid.procs());
  for (int rank = 0; rank < procs; ++rank) {
    const std::vector<TokenPlacement> p = token_placements(network, execs, network.batch, rank);
    for (std::size_t i = 0; i < network.layers.size(); ++i) {
      const Layer& layer = network.layers[i];
      if (!layer.is_tied()) continue;
      const TokenPlacement& table = p[layer.tied];
      if (!(p[i].weight_rows == table.weight_rows) || !(p[i].weight_cols == table.weight_cols)) {
        throw InputError("", std::nullopt, fmt::format("layer '{}'", layer.name),
                         fmt::format("is tied to '{}' but holds another part of its table: give "
                                     "it the kind that splits the vocabulary as '{}' does (column "
                                     "with a row embedding)",
                                     layer.tied_to, layer.tied_to));
      }
    }
  }
}

}  // namespace dnnsim::kernels
