// The layers of transformers (docs/model.md, "Transformer workloads"): a sample is one
// sequence of T tokens, its activations [T, features].

#include <fmt/format.h>

#include "sim/workload/layer_shapes.hpp"

namespace dnnsim::shapes {
namespace {

void require_tokens_by_features(const Layer& layer, const Shape& in, const std::string& file) {
  if (in.rank() != 2) {
    fail(layer, file, "",
         fmt::format("{} reads [tokens, features], got {}", to_string(layer.type), shape_text(in)));
  }
}

}  // namespace

void infer_embedding(Layer& layer, const Shape& in, const std::string& file) {
  if (in.rank() != 1) {
    fail(layer, file, "",
         fmt::format("embedding reads token ids [T] (input: {{tokens: T}}), got {}",
                     shape_text(in)));
  }
  layer.out_shape.dims = {in.dims.front(), layer.out_features};
  // A table row per vocabulary entry; a lookup, no FLOPs (PyTorch's nn.Embedding).
  layer.params = require_count(layer, file, checked_mul(layer.vocab, layer.out_features),
                               "the number of parameters");
}

void infer_position_embedding(Layer& layer, const Shape& in, const std::string& file) {
  require_tokens_by_features(layer, in, file);
  layer.out_shape = in;
  layer.params = in.elements();  // a learned vector per position: T x h
}

void infer_attention(Layer& layer, const Shape& in, const std::string& file) {
  require_tokens_by_features(layer, in, file);
  const Count a = layer.heads;
  const Count g = layer.kv_heads;
  if (a % g != 0) {
    fail(layer, file, "kv_heads",
         fmt::format("kv_heads = {} must divide heads = {} (each key and value head serves "
                     "heads / kv_heads query heads)",
                     g, a));
  }
  const Count tokens = in.dims[0];
  const Count features = in.dims[1];
  if (features % (a + 2 * g) != 0) {
    fail(layer, file, "heads",
         fmt::format("reads the fused Q, K and V of {} + 2 x {} heads, so its input features "
                     "({}) must be a multiple of {}",
                     a, g, features, a + 2 * g));
  }
  const Count head_dim = features / (a + 2 * g);
  const Count hidden = a * head_dim;
  layer.out_shape.dims = {tokens, hidden};
  // docs/model.md, "Transformer workloads": QK^T and AV, 2 T^2 h each, causal or not, as
  // Megatron counts them.
  layer.flops_per_sample =
      4.0 * static_cast<double>(tokens) * static_cast<double>(tokens) * static_cast<double>(hidden);
}

void infer_rmsnorm(Layer& layer, const Shape& in, const std::string& file) {
  if (in.rank() == 0) fail(layer, file, "", "rmsnorm reads a sample with features");
  layer.out_shape = in;
  layer.params = in.dims.back();  // a weight per feature of the last axis, no bias
}

}  // namespace dnnsim::shapes
