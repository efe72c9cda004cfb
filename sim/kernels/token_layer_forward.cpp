// The forward pass of each layer of a transformer (docs/kernels.md, "Transformers").

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/kernels/local/linear.hpp"
#include "sim/kernels/local/token_ops.hpp"
#include "sim/kernels/token_network.hpp"

namespace dnnsim::kernels {

bool TokenNetwork::regathers_input(std::size_t i) const {
  const TokenLayerState& s = layers_[i];
  const Layer& layer = network_.layers[i];
  if (s.exec.exec != Exec::column || layer.inputs.empty()) return false;
  const TokenBox& have = layers_[layer.inputs.front()].output.box;
  return have.tokens != s.place.read.front().tokens;
}

AttentionShape TokenNetwork::attention_shape(std::size_t i, const TokenBlock& qkv) const {
  // The heads of the key/value groups this process holds (docs/kernels.md, "Layout
  // conventions"): whole groups, so the first feature held says which.
  const Layer& layer = network_.layers[i];
  const Count q_per_group = layer.heads / layer.kv_heads;
  const Count head_dim = features_of(layer.out_shape) / layer.heads;
  const Count group_width = (q_per_group + 2) * head_dim;
  AttentionShape shape;
  shape.samples = qkv.box.samples.size();
  shape.tokens = qkv.box.tokens.size();
  shape.groups = qkv.width() / group_width;
  shape.q_per_group = q_per_group;
  shape.head_dim = head_dim;
  shape.causal = layer.causal;
  shape.dropout = layer.dropout;
  shape.seed = seed_;
  shape.stream = token_dropout_stream(i);
  shape.first_sample = qkv.box.samples.begin;
  shape.first_head = qkv.box.features.begin / group_width * q_per_group;
  shape.total_heads = layer.heads;
  return shape;
}

std::vector<std::int64_t> token_ids(const TokenBlock& ids) {
  std::vector<std::int64_t> out(ids.data.size());
  std::transform(ids.data.begin(), ids.data.end(), out.begin(),
                 [](float v) { return static_cast<std::int64_t>(v); });
  return out;
}

void TokenNetwork::forward_layer(std::size_t i) {
  switch (network_.layers[i].type) {
    case LayerType::linear:
      forward_linear(i);
      break;
    case LayerType::embedding:
      forward_embedding(i);
      break;
    case LayerType::attention:
      forward_attention(i);
      break;
    default:
      forward_elementwise(i);
      break;
  }
}

void TokenNetwork::forward_linear(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = *s.layer;
  const TokenBlock& x = *s.inputs.front();
  const std::vector<float>& w = weights_of(i);
  const Count m = s.place.weight_rows.size();
  const Count d = x.width();
  // A row layer computes partial sums of every output feature, summed over the column.
  const bool row = s.exec.exec == Exec::row;
  TokenBlock y = TokenBlock::zeros(
      row ? TokenBox{x.box.samples, x.box.tokens, {0, layer.out_features}} : s.place.out);
  linear_forward(x.data.data(), x.rows(), d, w.data(), nullptr, m, y.data.data());
  if (row) sum_partials(s, y, s.place.out, Account::forward);
  if (layer.bias) {
    const float* b = s.params.data() + bias_offset(i);
    for (Count r = 0; r < y.rows(); ++r) {
      float* out = y.data.data() + r * y.width();
      for (Count o = 0; o < y.width(); ++o) out[o] += b[o];
    }
  }
  s.output = std::move(y);
  if (regathers_input(i)) s.arranged.front() = {};  // keeps its share only
}

void TokenNetwork::forward_embedding(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = *s.layer;
  const TokenBlock& ids_block = *s.inputs.front();
  const std::vector<std::int64_t> ids = token_ids(ids_block);
  // Split by vocabulary (row): every process looks up all tokens in its part of the
  // table, zeros elsewhere, and the parts are summed over the column.
  const bool row = s.exec.exec == Exec::row;
  TokenBlock y = TokenBlock::zeros(
      row ? TokenBox{ids_block.box.samples, ids_block.box.tokens, {0, layer.out_features}}
          : s.place.out);
  embedding_forward(ids.data(), ids_block.rows(), s.params.data(), s.place.weight_rows.begin,
                    s.place.weight_rows.end, s.place.weight_cols.size(), y.data.data());
  if (row) sum_partials(s, y, s.place.out, Account::forward);
  s.output = std::move(y);
}

void TokenNetwork::forward_attention(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const TokenBlock& x = *s.inputs.front();
  const AttentionShape shape = attention_shape(i, x);
  s.saved.resize(static_cast<std::size_t>(shape.probs_size()));
  s.output = TokenBlock::zeros(s.place.out);
  if (s.output.width() != shape.out_width()) throw std::logic_error("attention: heads not held");
  attention_forward(shape, x.data.data(), s.output.data.data(), s.saved.data());
}

void TokenNetwork::forward_elementwise(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = *s.layer;
  const TokenBlock& x = *s.inputs.front();
  if (!(x.box == s.place.out)) {
    throw std::logic_error(fmt::format("layer '{}': input and output lie differently", layer.name));
  }
  TokenBlock& y = s.output;
  y = TokenBlock::zeros(s.place.out);
  const Count n = static_cast<Count>(x.data.size());
  switch (layer.type) {
    case LayerType::layernorm: {
      const Count f = x.width();
      s.saved.resize(static_cast<std::size_t>(2 * x.rows()));
      layernorm_forward(x.data.data(), x.rows(), f, s.params.data(), s.params.data() + f,
                        y.data.data(), s.saved.data(), s.saved.data() + x.rows());
      break;
    }
    case LayerType::gelu:
      gelu_forward(x.data.data(), n, y.data.data());
      break;
    case LayerType::relu:
      std::transform(x.data.begin(), x.data.end(), y.data.begin(),
                     [](float v) { return std::max(v, 0.0F); });
      break;
    case LayerType::identity:
      y.data = x.data;
      break;
    case LayerType::add:
      for (const TokenBlock* in : s.inputs) {
        std::transform(in->data.begin(), in->data.end(), y.data.begin(), y.data.begin(),
                       [](float a, float b) { return a + b; });
      }
      break;
    default: {  // dropout, position_embedding: element by element at its global position
      const Count tokens = tokens_of(layer.out_shape);
      const Count features = features_of(layer.out_shape);
      const bool dropout = layer.type == LayerType::dropout;
      for_each_element(x.box, [&](std::size_t k, Count j, Count t, Count f) {
        y.data[k] =
            dropout ? x.data[k] * dropout_factor(
                                      layer.dropout, seed_, token_dropout_stream(i),
                                      static_cast<std::uint64_t>((j * tokens + t) * features + f))
                    : x.data[k] + s.params[static_cast<std::size_t>(t * features + f)];
      });
      break;
    }
  }
}

}  // namespace dnnsim::kernels
