#pragma once
// Where a batch of activations lies over a grid's processes: which samples and image rows
// each holds. Pure arithmetic, shared by the all-to-all that moves a batch between layouts
// (redistribute.hpp) and by the memory estimate, which sizes its buffers before the run.

#include <vector>

#include "sim/kernels/local/range.hpp"
#include "sim/strategy/process_grid.hpp"

namespace dnnsim::kernels {

/// On `grid`, process (row r, column c) holds the samples of column c and rows[r] of the
/// image. When every process of a column holds the whole image they are replicas, and
/// each sends only its row's block of the column's samples.
struct BandLayout {
  ProcessGrid grid;
  std::vector<Range> rows;  ///< per grid row
  Count height = 1;

  [[nodiscard]] bool replicated() const noexcept;
  /// Samples world rank k holds.
  [[nodiscard]] Range samples(Count batch, int k) const noexcept;
  /// Samples world rank k is the one to send.
  [[nodiscard]] Range owned_samples(Count batch, int k) const noexcept;
  [[nodiscard]] Range rows_of(int k) const noexcept;
};

}  // namespace dnnsim::kernels
