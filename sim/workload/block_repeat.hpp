#pragma once
// Identical repeated blocks (a transformer's `block<i>.*`): what lets the analytic engine
// price one block and reuse it for the others (docs/model.md, "Repeated blocks"), exactly.

#include <cstddef>
#include <optional>
#include <vector>

#include "sim/workload/network.hpp"

namespace dnnsim {

/// Blocks 0 .. count - 1 of `length` consecutive layers from layer `first`. Every block
/// after the first has the same layers as block 1 but for their names: the same
/// definitions and shapes, inputs at the same offsets, reading from outside itself only
/// the previous block, at the offsets `outside_reads` (relative to that block's start).
/// Nothing outside the blocks reads a block but the last one; no block layer is tied.
struct BlockRepeat {
  std::size_t first = 0;
  std::size_t length = 0;
  std::size_t count = 0;
  std::vector<std::size_t> outside_reads;

  [[nodiscard]] std::size_t start(std::size_t block) const noexcept {
    return first + block * length;
  }
};

/// The network's repeated blocks, when it has at least four (the first, the last, and
/// copies of block 1 in between) and its file order is topological; nothing otherwise.
[[nodiscard]] std::optional<BlockRepeat> repeated_blocks(const Network& network);

}  // namespace dnnsim
