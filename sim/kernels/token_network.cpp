#include "sim/kernels/token_network.hpp"

#include <cmath>
#include <stdexcept>

#include "sim/kernels/local/seeded.hpp"

namespace dnnsim::kernels {
namespace {

constexpr std::uint64_t kInputStream = 1;
constexpr std::uint64_t kLossStream = 2;

// The parameters a process holds (docs/kernels.md, "Transformers"): the rectangle of the
// weight matrix its placement names, the bias rows that go with it, or all of a
// replicated layer's.
std::vector<ParamPiece> pieces_of(const Layer& layer, const TokenPlacement& p, const Exec exec) {
  if (layer.params == 0) return {};
  switch (layer.type) {
    case LayerType::linear: {
      // A tied layer's weight is its table's; only its bias is its own.
      const Count in = features_of(layer.in_shape);
      std::vector<ParamPiece> pieces;
      if (!layer.is_tied()) pieces.push_back({0, in, p.weight_rows, p.weight_cols});
      if (layer.bias) {
        // A row layer's bias is added once, after the sum: every process holds all of it.
        const Range rows = exec == Exec::row ? Range{0, layer.out_features} : p.weight_rows;
        pieces.push_back({layer.is_tied() ? 0 : layer.out_features * in, 1, rows, {0, 1}});
      }
      return pieces;
    }
    case LayerType::embedding:
      return {{0, layer.out_features, p.weight_rows, p.weight_cols}};
    case LayerType::layernorm: {
      const Count f = features_of(layer.in_shape);
      return {{0, f, {0, 2}, {0, f}}};  // the weight, then the bias
    }
    default: {  // position_embedding: a vector per position
      const Count f = features_of(layer.in_shape);
      return {{0, f, {0, tokens_of(layer.in_shape)}, {0, f}}};
    }
  }
}

// Value `index` of a layer's whole parameter vector: a function of (seed, layer, index)
// only, so every process's part equals the single process's.
float initial_value(const Layer& layer, std::uint64_t seed, std::size_t i, Count index) {
  const float v = seeded_value(seed, token_param_stream(i), static_cast<std::uint64_t>(index));
  switch (layer.type) {
    case LayerType::linear:
      return v / std::sqrt(static_cast<float>(features_of(layer.in_shape)));
    case LayerType::layernorm:  // weight near 1, bias near 0
      return index < features_of(layer.in_shape) ? 1.0F + 0.1F * v : 0.1F * v;
    case LayerType::position_embedding:
      return 0.5F * v;
    default:
      return v;
  }
}

// Seeded values of a block at their global positions in [B x T x F] (token ids: integers
// in [0, vocab)).
void fill_seeded(TokenBlock& b, Count tokens, Count features, std::uint64_t seed,
                 std::uint64_t stream, Count vocab) {
  std::size_t k = 0;
  for (Count n = b.box.samples.begin; n < b.box.samples.end; ++n) {
    for (Count t = b.box.tokens.begin; t < b.box.tokens.end; ++t) {
      for (Count f = b.box.features.begin; f < b.box.features.end; ++f, ++k) {
        const auto index = static_cast<std::uint64_t>((n * tokens + t) * features + f);
        const float v = seeded_value(seed, stream, index);
        b.data[k] = vocab > 0 ? std::floor((v + 1.0F) * 0.5F * static_cast<float>(vocab)) : v;
      }
    }
  }
}

}  // namespace

std::uint64_t token_param_stream(std::size_t layer) noexcept {
  return 16 + 2 * static_cast<std::uint64_t>(layer);
}

std::uint64_t token_dropout_stream(std::size_t layer) noexcept {
  return 17 + 2 * static_cast<std::uint64_t>(layer);
}

TokenNetwork::TokenNetwork(const Network& network, const Plan& plan, Count batch,
                           std::uint64_t seed, MPI_Comm base, Collectives& coll)
    : network_(network),
      batch_(batch),
      seed_(seed),
      base_(base),
      coll_(coll),
      comms_(base),
      sequence_parallel_(plan.sequence_parallel) {
  MPI_Comm_rank(base, &rank_);
  const std::vector<LayerExec> execs = resolve_layout(network, plan);
  const std::vector<TokenPlacement> places = token_placements(network, execs, batch, rank_);
  layers_.resize(network.layers.size());
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    TokenLayerState& s = layers_[i];
    const Layer& layer = network.layers[i];
    s.layer = &layer;
    s.exec = execs[i];
    s.comms = &comms_.get(s.exec.grid);
    s.place = places[i];
    s.pieces = pieces_of(layer, s.place, s.exec.exec);
    for (const ParamPiece& piece : s.pieces) {
      for (Count r = piece.rows.begin; r < piece.rows.end; ++r) {
        for (Count c = piece.cols.begin; c < piece.cols.end; ++c) {
          s.params.push_back(initial_value(layer, seed, i, piece.offset + r * piece.stride + c));
        }
      }
    }
    s.grads.assign(s.params.size(), 0.0F);
    const std::size_t inputs = std::max<std::size_t>(layer.inputs.size(), 1);
    s.inputs.assign(inputs, nullptr);
    s.arranged.resize(inputs);
    s.input_grads.resize(inputs);
  }
  input_ = network_input();
}

TokenBlock TokenNetwork::network_input() const {
  // docs/model.md: the input arrives laid out as the first layer reads it, at no cost.
  const std::size_t first = network_.topo_order.front();
  TokenBlock x = TokenBlock::zeros(layers_[first].place.read.front());
  // Token ids ({tokens: T}) or vectors ({tokens: T, features: F}).
  const bool ids = network_.input.rank() == 1;
  fill_seeded(x, tokens_of(network_.input), features_of(network_.input), seed_, kInputStream,
              ids ? network_.layers[first].vocab : 0);
  return x;
}

const std::vector<float>& TokenNetwork::weights_of(std::size_t i) const {
  const Layer& layer = network_.layers[i];
  return layer.is_tied() ? layers_[layer.tied].params : layers_[i].params;
}

std::vector<float>& TokenNetwork::weight_grads_of(std::size_t i) {
  const Layer& layer = network_.layers[i];
  return layer.is_tied() ? layers_[layer.tied].grads : layers_[i].grads;
}

std::size_t TokenNetwork::bias_offset(std::size_t i) const {
  const TokenLayerState& s = layers_[i];
  if (s.layer->is_tied()) return 0;
  return static_cast<std::size_t>(s.place.weight_rows.size() * s.place.weight_cols.size());
}

TokenBlock TokenNetwork::gather(const TokenLayerState& s, const TokenBlock& part,
                                const Shape& shape, Account account) {
  const Count pr = s.exec.grid.pr;
  const bool by_tokens = part.box.tokens != Range{0, tokens_of(shape)};
  const Count total = by_tokens ? tokens_of(shape) : features_of(shape);
  std::vector<int> counts;
  for (Count k = 0; k < pr; ++k) {
    const Range b = block(total, pr, k);
    const Count per =
        by_tokens ? b.size() * part.box.features.size() : b.size() * part.box.tokens.size();
    counts.push_back(mpi_count(static_cast<std::size_t>(part.box.samples.size() * per)));
  }
  std::vector<float> all(
      static_cast<std::size_t>(part.box.samples.size() * tokens_of(shape) * features_of(shape)));
  coll_.allgatherv(s.comms->column(), part.data.data(), counts, all.data(), account);
  TokenBlock whole{part.box, {}};
  if (by_tokens) {
    unpack_token_blocks(all.data(), total, pr, whole);
  } else {
    unpack_feature_blocks(all.data(), total, pr, whole);
  }
  return whole;
}

const TokenBlock* TokenNetwork::arrange(std::size_t i, std::size_t k, Account account) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = network_.layers[i];
  const TokenBox& want = s.place.read[k];
  const bool from_input = layer.inputs.empty();
  const TokenBlock& have = from_input ? input_ : layers_[layer.inputs[k]].output;
  if (have.box == want) return &have;
  if (have.box.covers(want)) {
    s.arranged[k] = cut(have, want);
    return &s.arranged[k];
  }
  // docs/model.md: a split input a layer needs otherwise is all-gathered in the column.
  const Shape& shape = network_.layers[layer.inputs[k]].out_shape;
  TokenBlock whole = gather(s, have, shape, account);
  s.arranged[k] = whole.box == want ? std::move(whole) : cut(whole, want);
  return &s.arranged[k];
}

void TokenNetwork::sum_partials(TokenLayerState& s, TokenBlock& partial, const TokenBox& out,
                                Account account) {
  const Count pr = s.exec.grid.pr;
  if (pr == 1) return;
  if (out == partial.box) {
    coll_.allreduce(s.comms->column(), partial.data.data(), partial.data.size(), account);
    return;
  }
  // Sequence parallelism: reduce-scattered over the tokens (docs/model.md).
  const Count tokens = partial.box.tokens.size();
  const std::vector<float> packed = pack_token_blocks(partial, tokens, pr);
  std::vector<int> counts;
  for (Count k = 0; k < pr; ++k) {
    counts.push_back(mpi_count(static_cast<std::size_t>(
        partial.box.samples.size() * block(tokens, pr, k).size() * partial.box.features.size())));
  }
  TokenBlock mine = TokenBlock::zeros(out);
  coll_.reduce_scatter(s.comms->column(), packed.data(), counts, mine.data.data(), account);
  partial = std::move(mine);
}

void TokenNetwork::pass_gradient(std::size_t i, std::size_t k) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = network_.layers[i];
  if (layer.inputs.empty() || !s.exec.input_grad) return;
  TokenLayerState& producer = layers_[layer.inputs[k]];
  const TokenBlock& dx = s.input_grads[k];
  const TokenBox& want = producer.output_grad.box;
  if (dx.box.covers(want)) {
    add_into(producer.output_grad, dx.box == want ? dx : cut(dx, want));
    return;
  }
  // A layer that read a part of a whole input holds only that part of its gradient; the
  // cost model treats this backward layout change as free: counted apart (docs/kernels.md).
  const TokenBlock whole = gather(s, dx, producer.layer->out_shape, Account::unmodelled);
  add_into(producer.output_grad, cut(whole, want));
}

void TokenNetwork::reduce_weight_grads(std::size_t i) {
  TokenLayerState& s = layers_[i];
  if (s.grads.empty()) return;
  // Replicated parameters whose layer saw only some tokens or features (sequence
  // parallelism) hold partial gradients; Megatron sums them once per iteration and the cost
  // model leaves that out (docs/model.md): counted apart.
  const bool replicated = s.exec.exec == Exec::follow || s.exec.exec == Exec::whole;
  const TokenBox& read = s.place.read.front();
  const Shape& in = s.layer->in_shape;
  const bool partial =
      read.tokens != Range{0, tokens_of(in)} || read.features != Range{0, features_of(in)};
  if (replicated && partial) {
    coll_.allreduce(s.comms->column(), s.grads.data(), s.grads.size(), Account::unmodelled);
  }
  // docs/model.md: the weight gradient is all-reduced over the row (the Pc replicas).
  coll_.allreduce(s.comms->row_comm(), s.grads.data(), s.grads.size(), Account::gradient);
}

void TokenNetwork::forward() {
  Traffic& traffic = coll_.traffic();
  for (const std::size_t i : network_.topo_order) {
    traffic.set_layer(i);
    const double start = MPI_Wtime();
    TokenLayerState& s = layers_[i];
    for (std::size_t k = 0; k < s.inputs.size(); ++k) {
      s.inputs[k] = arrange(i, k, Account::redistribute);
    }
    forward_layer(i);
    traffic.add_total_s(MPI_Wtime() - start);
  }
}

void TokenNetwork::backward() {
  Traffic& traffic = coll_.traffic();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    TokenLayerState& s = layers_[i];
    std::fill(s.grads.begin(), s.grads.end(), 0.0F);
    s.output_grad = TokenBlock::zeros(s.output.box);
  }
  // The loss is sum(Y * G) for a seeded G: dL/dY = G on whatever part of Y is held.
  const std::size_t last = network_.topo_order.back();
  const Shape& out = network_.layers[last].out_shape;
  fill_seeded(layers_[last].output_grad, tokens_of(out), features_of(out), seed_, kLossStream, 0);
  for (auto it = network_.topo_order.rbegin(); it != network_.topo_order.rend(); ++it) {
    const std::size_t i = *it;
    traffic.set_layer(i);
    const double start = MPI_Wtime();
    backward_layer(i);
    reduce_weight_grads(i);
    for (std::size_t k = 0; k < network_.layers[i].inputs.size(); ++k) pass_gradient(i, k);
    traffic.add_total_s(MPI_Wtime() - start);
  }
}

}  // namespace dnnsim::kernels
