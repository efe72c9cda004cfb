#pragma once
// Halo geometry of a windowed layer split along the image height (docs/model.md, "Domain").

#include <algorithm>

#include "sim/workload/layer.hpp"

namespace dnnsim {

/// Input rows a process needs from a neighbour in the forward pass:
/// h = max(p_h, k_h - s_h - p_h, 0).
[[nodiscard]] inline Count forward_halo_rows(const Layer& layer) noexcept {
  const Pair& k = layer.kernel;
  const Pair& s = layer.stride;
  const Pair& p = layer.padding;
  return std::max({p.h, k.h - s.h - p.h, Count{0}});
}

/// Rows of dY a process needs from a neighbour in the backward pass:
/// h_b = max(floor((k_h - 1 - p_h) / s_h), ceil(p_h / s_h)).
[[nodiscard]] inline Count backward_halo_rows(const Layer& layer) noexcept {
  const Count k = layer.kernel.h;
  const Count s = layer.stride.h;
  const Count p = layer.padding.h;
  const Count below = std::max<Count>(k - 1 - p, 0) / s;  // k - 1 - p >= 0 as p <= k - 1
  const Count above = (p + s - 1) / s;
  return std::max(below, above);
}

}  // namespace dnnsim
