#pragma once
// A workload's `transformer:` form (docs/workloads.md, "Transformers"): a GPT (Megatron's)
// or a Llama, written as its sizes and expanded into named layers (`block7.attn.qkv`, ...).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/common/yaml_map.hpp"
#include "sim/workload/layer.hpp"

namespace dnnsim {

enum class TransformerStyle : std::uint8_t { gpt, llama };

struct TransformerForm {
  TransformerStyle style = TransformerStyle::gpt;
  Count layers = 0;    ///< l, blocks
  Count hidden = 0;    ///< h
  Count heads = 0;     ///< a
  Count kv_heads = 0;  ///< g (default a)
  Count ffn = 0;       ///< the MLP's inner size (default 4h for gpt)
  Count seq = 0;       ///< T, tokens per sequence (a sample)
  Count vocab = 0;     ///< V
  double dropout = 0.0;
  bool flash = false;
};

/// Reads `transformer:`; checks that `heads` divides `hidden` and `kv_heads` divides
/// `heads`. Throws InputError naming the key.
[[nodiscard]] TransformerForm parse_transformer_form(const YamlMap& map);

/// A layer name of the form, `block<i>.<rest>`: block i, and the name within the block.
struct BlockName {
  std::int64_t block = 0;
  std::string_view rest;
};
[[nodiscard]] std::optional<BlockName> split_block_name(std::string_view name) noexcept;

/// `block<i>.<rest>` -> i; nothing for other names (embeddings, final norm, logits).
[[nodiscard]] inline std::optional<std::int64_t> transformer_block(std::string_view name) noexcept {
  const auto split = split_block_name(name);
  return split ? std::optional<std::int64_t>(split->block) : std::nullopt;
}

/// The layers of the form, in order, each on the form's line `line`. A GPT: token and
/// position embeddings, dropout, then per block layernorm, fused QKV (biased), attention,
/// projection, dropout, residual add, layernorm, fc1, GeLU, fc2, dropout, residual add; a
/// final layernorm; logits tied to the token embedding. A Llama: token embedding, then per
/// block rmsnorm, fused QKV of grouped-query attention, attention, projection, residual add,
/// rmsnorm, gate, up, SiLU, their product, down, residual add; a final rmsnorm; untied
/// logits; no biases, no dropout, rotary positions (no parameters).
[[nodiscard]] std::vector<Layer> expand_transformer(const TransformerForm& form, int line);

}  // namespace dnnsim
