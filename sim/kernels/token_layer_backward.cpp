// The backward pass of each layer of a transformer (docs/kernels.md, "Transformers"): the
// weight gradient into `grads` (the table's for a tied layer), and the gradient of each
// input, as this process ends up holding it, into `input_grads`.

#include <algorithm>

#include "sim/kernels/local/linear.hpp"
#include "sim/kernels/local/token_ops.hpp"
#include "sim/kernels/token_network.hpp"

namespace dnnsim::kernels {

const TokenBlock* TokenNetwork::row_output_grad(std::size_t i, TokenBlock& storage) {
  // docs/model.md, "Sequence parallelism": a row layer (or embedding) whose output was
  // scattered over the tokens gathers dY before its backward pass.
  TokenLayerState& s = layers_[i];
  const Shape& out = s.layer->out_shape;
  if (s.exec.exec != Exec::row || s.output_grad.box.tokens.size() == tokens_of(out)) {
    return &s.output_grad;
  }
  storage = gather(s, s.output_grad, out, Account::backward);
  return &storage;
}

void TokenNetwork::backward_layer(std::size_t i) {
  switch (network_.layers[i].type) {
    case LayerType::linear:
      backward_linear(i);
      break;
    case LayerType::embedding:
      backward_embedding(i);
      break;
    case LayerType::attention:
      backward_attention(i);
      break;
    default:
      backward_elementwise(i);
      break;
  }
}

void TokenNetwork::backward_linear(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = *s.layer;
  // docs/model.md, "Sequence parallelism": dY and the input gathered again where they came
  // split by tokens, before computing.
  TokenBlock gathered_dy;
  const TokenBlock* dy = row_output_grad(i, gathered_dy);
  TokenBlock gathered_x;
  const TokenBlock* x = s.inputs.front();
  if (regathers_input(i)) {
    const std::size_t j = layer.inputs.front();
    gathered_x = gather(s, layers_[j].output, network_.layers[j].out_shape, Account::backward);
    x = &gathered_x;
  }
  const Count m = s.place.weight_rows.size();
  const Count d = x->width();
  std::vector<float>& dw = weight_grads_of(i);
  float* db = layer.bias ? s.grads.data() + bias_offset(i) : nullptr;
  linear_weight_grad(x->data.data(), dy->data.data(), x->rows(), d, m, dw.data(), db);
  if (!s.exec.input_grad) return;
  TokenBlock dx = TokenBlock::zeros(x->box);
  linear_input_grad(dy->data.data(), weights_of(i).data(), x->rows(), d, m, dx.data.data());
  if (s.exec.exec == Exec::column) {
    // Partial sums over the output features of the column: all-reduced, or
    // reduce-scattered back to the tokens the input came split by.
    const TokenBox back = regathers_input(i) ? layers_[layer.inputs.front()].output.box : dx.box;
    sum_partials(s, dx, back, Account::backward);
  }
  s.input_grads.front() = std::move(dx);
}

void TokenNetwork::backward_embedding(std::size_t i) {
  TokenLayerState& s = layers_[i];
  TokenBlock gathered_dy;
  const TokenBlock* dy = row_output_grad(i, gathered_dy);
  const TokenBlock& ids_block = *s.inputs.front();
  const std::vector<std::int64_t> ids = token_ids(ids_block);
  embedding_backward(ids.data(), dy->data.data(), ids_block.rows(), s.place.weight_rows.begin,
                     s.place.weight_rows.end, s.place.weight_cols.size(), s.grads.data());
}

void TokenNetwork::backward_attention(std::size_t i) {
  TokenLayerState& s = layers_[i];
  if (!s.exec.input_grad) return;
  const TokenBlock& x = *s.inputs.front();
  const AttentionShape shape = attention_shape(i, x);
  TokenBlock dx = TokenBlock::zeros(x.box);
  attention_backward(shape, x.data.data(), s.saved.data(), s.output_grad.data.data(),
                     dx.data.data());
  s.input_grads.front() = std::move(dx);
}

void TokenNetwork::backward_elementwise(std::size_t i) {
  TokenLayerState& s = layers_[i];
  const Layer& layer = *s.layer;
  const TokenBlock& x = *s.inputs.front();
  const TokenBlock& dy = s.output_grad;
  TokenBlock dx = TokenBlock::zeros(x.box);
  const Count n = static_cast<Count>(x.data.size());
  switch (layer.type) {
    case LayerType::layernorm: {
      const Count f = x.width();
      layernorm_backward(x.data.data(), dy.data.data(), x.rows(), f, s.params.data(),
                         s.saved.data(), s.saved.data() + x.rows(), dx.data.data(), s.grads.data(),
                         s.grads.data() + f);
      break;
    }
    case LayerType::gelu:
      gelu_backward(x.data.data(), dy.data.data(), n, dx.data.data());
      break;
    case LayerType::relu:
      std::transform(x.data.begin(), x.data.end(), dy.data.begin(), dx.data.begin(),
                     [](float v, float g) { return v > 0.0F ? g : 0.0F; });
      break;
    case LayerType::identity:
      dx.data = dy.data;
      break;
    case LayerType::add:
      for (TokenBlock& g : s.input_grads) g = dy;
      return;
    default: {  // dropout, position_embedding
      const Count tokens = tokens_of(layer.out_shape);
      const Count features = features_of(layer.out_shape);
      const bool dropout = layer.type == LayerType::dropout;
      for_each_element(x.box, [&](std::size_t k, Count j, Count t, Count f) {
        if (dropout) {
          dx.data[k] = dy.data[k] *
                       dropout_factor(layer.dropout, seed_, token_dropout_stream(i),
                                      static_cast<std::uint64_t>((j * tokens + t) * features + f));
        } else {
          dx.data[k] = dy.data[k];
          s.grads[static_cast<std::size_t>(t * features + f)] += dy.data[k];
        }
      });
      break;
    }
  }
  if (s.exec.input_grad) s.input_grads.front() = std::move(dx);
}

}  // namespace dnnsim::kernels
