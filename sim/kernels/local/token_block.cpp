#include "sim/kernels/local/token_block.hpp"

#include <algorithm>
#include <stdexcept>

namespace dnnsim::kernels {
namespace {

// Copies rows of features between two blocks over the samples and tokens of `box`:
// `to_box` reads src and writes dst at the same global positions.
template <typename Fn>
void for_each_row(const TokenBox& box, Fn&& fn) {
  for (Count n = box.samples.begin; n < box.samples.end; ++n) {
    for (Count t = box.tokens.begin; t < box.tokens.end; ++t) fn(n, t);
  }
}

std::size_t at(const TokenBox& b, Count n, Count t, Count f) {
  return static_cast<std::size_t>(((n - b.samples.begin) * b.tokens.size() + (t - b.tokens.begin)) *
                                      b.features.size() +
                                  (f - b.features.begin));
}

}  // namespace

TokenBlock cut(const TokenBlock& src, const TokenBox& box) {
  if (!src.box.covers(box)) throw std::logic_error("cut: the block does not hold the part");
  TokenBlock out = TokenBlock::zeros(box);
  const Count w = box.features.size();
  float* to = out.data.data();
  for_each_row(box, [&](Count n, Count t) {
    const float* from = src.data.data() + at(src.box, n, t, box.features.begin);
    std::copy(from, from + w, to);
    to += w;
  });
  return out;
}

void add_into(TokenBlock& dst, const TokenBlock& src) {
  if (!dst.box.covers(src.box)) throw std::logic_error("add_into: the block does not hold it");
  const Count w = src.box.features.size();
  const float* from = src.data.data();
  for_each_row(src.box, [&](Count n, Count t) {
    float* to = dst.data.data() + at(dst.box, n, t, src.box.features.begin);
    for (Count f = 0; f < w; ++f) to[f] += from[f];
    from += w;
  });
}

std::vector<float> pack_token_blocks(const TokenBlock& src, Count total_tokens, Count parts) {
  std::vector<float> out;
  out.reserve(src.data.size());
  for (Count k = 0; k < parts; ++k) {
    const TokenBlock part =
        cut(src, {src.box.samples, block(total_tokens, parts, k), src.box.features});
    out.insert(out.end(), part.data.begin(), part.data.end());
  }
  return out;
}

void unpack_token_blocks(const float* packed, Count total_tokens, Count parts, TokenBlock& dst) {
  dst.box.tokens = {0, total_tokens};
  dst.data.assign(dst.box.elements(), 0.0F);
  for (Count k = 0; k < parts; ++k) {
    TokenBlock part{{dst.box.samples, block(total_tokens, parts, k), dst.box.features}, {}};
    part.data.assign(packed, packed + part.box.elements());
    packed += part.box.elements();
    add_into(dst, part);
  }
}

std::vector<float> pack_feature_blocks(const TokenBlock& src, Count total_features, Count parts) {
  std::vector<float> out;
  out.reserve(src.data.size());
  for (Count k = 0; k < parts; ++k) {
    const TokenBlock part =
        cut(src, {src.box.samples, src.box.tokens, block(total_features, parts, k)});
    out.insert(out.end(), part.data.begin(), part.data.end());
  }
  return out;
}

void unpack_feature_blocks(const float* packed, Count total_features, Count parts,
                           TokenBlock& dst) {
  dst.box.features = {0, total_features};
  dst.data.assign(dst.box.elements(), 0.0F);
  for (Count k = 0; k < parts; ++k) {
    TokenBlock part{{dst.box.samples, dst.box.tokens, block(total_features, parts, k)}, {}};
    part.data.assign(packed, packed + part.box.elements());
    packed += part.box.elements();
    add_into(dst, part);
  }
}

}  // namespace dnnsim::kernels
