#pragma once
// The part of a batch of token activations (or of their gradients) one process holds: samples
// [samples) of the mini-batch, tokens [tokens) of each sequence, features [features) of each
// token, stored [sample][token][feature]. Under the paper's batch split a process holds some
// samples whole; under tensor parallelism a block of features; under sequence parallelism a
// block of tokens (docs/kernels.md, "Transformers").

#include <cstddef>
#include <vector>

#include "sim/kernels/local/range.hpp"

namespace dnnsim::kernels {

/// Which part of a [B x T x F] tensor: samples, tokens and features held.
struct TokenBox {
  Range samples;
  Range tokens;
  Range features;

  [[nodiscard]] Count rows() const noexcept { return samples.size() * tokens.size(); }
  [[nodiscard]] std::size_t elements() const noexcept {
    return static_cast<std::size_t>(rows() * features.size());
  }
  [[nodiscard]] bool covers(const TokenBox& o) const noexcept {
    return samples.covers(o.samples) && tokens.covers(o.tokens) && features.covers(o.features);
  }
  friend bool operator==(const TokenBox&, const TokenBox&) = default;
};

struct TokenBlock {
  TokenBox box;
  std::vector<float> data;

  [[nodiscard]] static TokenBlock zeros(const TokenBox& box) {
    return {box, std::vector<float>(box.elements(), 0.0F)};
  }
  [[nodiscard]] Count rows() const noexcept { return box.rows(); }
  [[nodiscard]] Count width() const noexcept { return box.features.size(); }
};

/// Calls fn(k, n, t, f) for element k of a block holding `box`, at global sample n, token t
/// and feature f.
template <typename Fn>
void for_each_element(const TokenBox& box, Fn&& fn) {
  std::size_t k = 0;
  for (Count n = box.samples.begin; n < box.samples.end; ++n) {
    for (Count t = box.tokens.begin; t < box.tokens.end; ++t) {
      for (Count f = box.features.begin; f < box.features.end; ++f) fn(k++, n, t, f);
    }
  }
}

/// The part `box` of `src` (a copy); `src` must cover it.
[[nodiscard]] TokenBlock cut(const TokenBlock& src, const TokenBox& box);

/// Adds `src` into the same part of `dst`; `dst` must cover `src`.
void add_into(TokenBlock& dst, const TokenBlock& src);

/// `src` with its tokens in `parts` blocks (block(T, parts, k) of the whole T), packed
/// part after part, each [sample][token of the part][feature]: the order a reduce-scatter
/// over the tokens sends. `src` must hold all T tokens.
[[nodiscard]] std::vector<float> pack_token_blocks(const TokenBlock& src, Count total_tokens,
                                                   Count parts);

/// The inverse for one gathered buffer: `packed` holds, part after part, the tokens
/// block(T, parts, k) of `dst`'s samples and features; `dst` gets all T tokens.
void unpack_token_blocks(const float* packed, Count total_tokens, Count parts, TokenBlock& dst);

/// Features split over `parts`: the same for blocks of features.
[[nodiscard]] std::vector<float> pack_feature_blocks(const TokenBlock& src, Count total_features,
                                                     Count parts);
void unpack_feature_blocks(const float* packed, Count total_features, Count parts, TokenBlock& dst);

}  // namespace dnnsim::kernels
