#include "sim/workload/block_repeat.hpp"

#include <algorithm>
#include <string_view>

#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

// Everything of a layer that shapes its costs: all but its name, line and input names
// (its inputs are compared as offsets by the caller).
bool same_definition(const Layer& a, const Layer& b) {
  return a.type == b.type && a.out_channels == b.out_channels && a.out_features == b.out_features &&
         a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding &&
         a.output_size == b.output_size && a.groups == b.groups && a.bias == b.bias &&
         a.ceil_mode == b.ceil_mode && a.shape == b.shape && a.axes == b.axes &&
         a.keepdim == b.keepdim && a.slice_dim == b.slice_dim && a.slice_start == b.slice_start &&
         a.slice_end == b.slice_end && a.squeeze == b.squeeze && a.vocab == b.vocab &&
         a.heads == b.heads && a.kv_heads == b.kv_heads && a.causal == b.causal &&
         a.flash == b.flash && a.dropout == b.dropout && a.in_shape == b.in_shape &&
         a.out_shape == b.out_shape && a.d_in == b.d_in && a.d_out == b.d_out &&
         a.params == b.params && a.flops_per_sample == b.flops_per_sample &&
         a.inputs.size() == b.inputs.size();
}

}  // namespace

std::optional<BlockRepeat> repeated_blocks(const Network& network) {
  const std::size_t n = network.layers.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (network.topo_order[i] != i) return std::nullopt;
  }
  // Blocks must be numbered 0, 1, ... in contiguous runs of equal length.
  BlockRepeat r;
  std::size_t i = 0;
  while (i < n && !transformer_block(network.layers[i].name)) ++i;
  r.first = i;
  std::int64_t expected = 0;
  while (i < n) {
    const auto block = transformer_block(network.layers[i].name);
    if (!block) break;
    if (*block != expected) return std::nullopt;
    std::size_t j = i;
    while (j < n && transformer_block(network.layers[j].name) == block) ++j;
    if (r.length == 0) r.length = j - i;
    if (j - i != r.length) return std::nullopt;
    ++r.count;
    ++expected;
    i = j;
  }
  if (r.count < 4) return std::nullopt;
  for (std::size_t k = i; k < n; ++k) {
    if (transformer_block(network.layers[k].name)) return std::nullopt;
  }

  const std::size_t end = r.start(r.count);
  const std::size_t last = r.start(r.count - 1);
  for (std::size_t k = 0; k < n; ++k) {
    const Layer& layer = network.layers[k];
    const bool in_blocks = k >= r.first && k < end;
    if (in_blocks && (layer.is_tied() || layer.tied != static_cast<std::size_t>(-1))) {
      return std::nullopt;
    }
    if (layer.is_tied() && layer.tied >= r.first && layer.tied < end) return std::nullopt;
    if (in_blocks) continue;
    for (const std::size_t input : layer.inputs) {
      if (input >= r.first && input < last) return std::nullopt;  // only the last block is read
    }
  }
  // Block b (b >= 2) against block 1, layer by layer.
  for (std::size_t o = 0; o < r.length; ++o) {
    const std::size_t one = r.start(1) + o;
    for (const std::size_t input : network.layers[one].inputs) {
      if (input < r.start(1)) {
        if (input < r.start(0)) return std::nullopt;  // block 1 reads only block 0
        r.outside_reads.push_back(input - r.start(0));
      }
    }
    for (std::size_t b = 2; b < r.count; ++b) {
      const std::size_t k = r.start(b) + o;
      const Layer& a = network.layers[one];
      const Layer& l = network.layers[k];
      if (!same_definition(a, l) || network.params_upstream[one] != network.params_upstream[k]) {
        return std::nullopt;
      }
      for (std::size_t q = 0; q < a.inputs.size(); ++q) {
        if (one - a.inputs[q] != k - l.inputs[q]) return std::nullopt;
      }
    }
  }
  std::sort(r.outside_reads.begin(), r.outside_reads.end());
  r.outside_reads.erase(std::unique(r.outside_reads.begin(), r.outside_reads.end()),
                        r.outside_reads.end());
  // What block 1 reads of block 0 must be what block 2 reads of block 1.
  for (const std::size_t o : r.outside_reads) {
    if (!same_definition(network.layers[r.start(0) + o], network.layers[r.start(1) + o])) {
      return std::nullopt;
    }
  }
  return r;
}

}  // namespace dnnsim
