#pragma once
// Half-open index ranges and the block split used for every share of docs/model.md: samples
// over the Pc columns, weight rows over the Pr rows, output image rows over the Pr rows.
// Part k of n items over `parts` is [n*k/parts, n*(k+1)/parts): blocks differ by at most
// one item when `parts` does not divide n, and their mean is exactly n / parts.

#include <algorithm>

#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

struct Range {
  Count begin = 0;
  Count end = 0;

  [[nodiscard]] constexpr Count size() const noexcept { return end > begin ? end - begin : 0; }
  [[nodiscard]] constexpr bool empty() const noexcept { return end <= begin; }
  [[nodiscard]] constexpr bool contains(Count i) const noexcept { return i >= begin && i < end; }
  /// True when every index of `other` is in this range (an empty range is covered).
  [[nodiscard]] constexpr bool covers(Range other) const noexcept {
    return other.empty() || (other.begin >= begin && other.end <= end);
  }
  friend constexpr bool operator==(Range, Range) = default;
};

[[nodiscard]] constexpr Range intersect(Range a, Range b) noexcept {
  const Count begin = std::max(a.begin, b.begin);
  return {begin, std::max(begin, std::min(a.end, b.end))};
}

/// The smallest range holding both (an empty range adds nothing).
[[nodiscard]] constexpr Range hull(Range a, Range b) noexcept {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

/// Part k of n items split over `parts` contiguous blocks.
[[nodiscard]] constexpr Range block(Count n, Count parts, Count k) noexcept {
  return {n * k / parts, n * (k + 1) / parts};
}

/// floor(a / b) for b > 0 and any sign of a.
[[nodiscard]] constexpr Count floor_div(Count a, Count b) noexcept {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// ceil(a / b) for b > 0 and any sign of a.
[[nodiscard]] constexpr Count ceil_div(Count a, Count b) noexcept {
  return -floor_div(-a, b);
}

}  // namespace dnnsim::kernels
