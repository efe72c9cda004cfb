#pragma once
// Which image rows each process row of a grid column holds and needs, layer by layer
// (docs/model.md, "Domain" and "Layouts and changing them"). Pure arithmetic, the same on every
// process, so all of them agree on every halo before any message moves.

#include <vector>

#include "sim/kernels/local/range.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

/// Per process row r of the layer's grid (index r of each vector).
struct RowLayout {
  std::vector<Range> in_held;   ///< input rows r holds when the layer starts (after any gather)
  std::vector<Range> in_fetch;  ///< input rows r computes from: held plus the forward halo
  std::vector<Range> out_rows;  ///< output rows r computes and keeps
  std::vector<Range> dy_fetch;  ///< output-gradient rows r needs: its own plus the backward halo
};

/// The input slabs of a domain-parallel layer (docs/model.md: output block times the stride),
/// the first from row 0 and the last to the bottom of the image, so they split it.
[[nodiscard]] std::vector<Range> input_slabs(const Layer& layer,
                                             const std::vector<Range>& out_rows);

/// Row layouts of every layer. Throws LimitError when a halo would need rows from a
/// process that is not a direct neighbour.
[[nodiscard]] std::vector<RowLayout> row_layouts(const Network& network,
                                                 const std::vector<LayerExec>& execs);

}  // namespace dnnsim::kernels
