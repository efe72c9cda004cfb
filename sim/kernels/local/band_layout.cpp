#include "sim/kernels/local/band_layout.hpp"

namespace dnnsim::kernels {

bool BandLayout::replicated() const noexcept {
  for (const Range& r : rows) {
    if (!(r == Range{0, height})) return false;
  }
  return true;
}

Range BandLayout::samples(Count batch, int k) const noexcept {
  return block(batch, grid.pc, grid.column_of(k));
}

Range BandLayout::owned_samples(Count batch, int k) const noexcept {
  const Range all = samples(batch, k);
  if (!replicated()) return all;
  const Range part = block(all.size(), grid.pr, grid.row_of(k));
  return {all.begin + part.begin, all.begin + part.end};
}

Range BandLayout::rows_of(int k) const noexcept {
  return rows[static_cast<std::size_t>(grid.row_of(k))];
}

}  // namespace dnnsim::kernels
