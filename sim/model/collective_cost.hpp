#pragma once
// Costs of collectives among p processes with payload n bytes on a contention-free network
// (docs/model.md, "Collectives"). All are zero when p = 1.

#include <bit>
#include <cstdint>

#include "sim/strategy/layer_comm.hpp"
#include "sim/strategy/process_grid.hpp"

namespace dnnsim {

/// lg(p) = ceil(log2 p).
[[nodiscard]] inline int ceil_log2(std::int64_t p) noexcept {
  return p <= 1 ? 0 : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(p - 1)));
}

/// True when every group of kind `group` (the processes of a grid column, of a grid row,
/// or all P) lies inside one node of `accelerators` consecutive ranks (docs/model.md,
/// "Collectives inside a node"): a column of Pr when Pr divides the accelerators, a row or
/// all P when P fits in one node.
[[nodiscard]] inline bool group_in_one_node(Group group, ProcessGrid grid,
                                            std::int64_t accelerators) noexcept {
  switch (group) {
    case Group::column:
      return grid.pr <= accelerators && accelerators % grid.pr == 0;
    case Group::row:
    case Group::all:
      return grid.procs() <= accelerators;
  }
  return false;
}

struct LinkCost {
  double alpha_s = 0.0;          ///< latency of one message
  double beta_s_per_byte = 0.0;  ///< seconds per byte

  /// alpha * lg(p) + beta * (p-1)/p * n
  [[nodiscard]] double allgather_s(std::int64_t p, double n) const noexcept {
    if (p <= 1) return 0.0;
    const double pd = static_cast<double>(p);
    return alpha_s * ceil_log2(p) + beta_s_per_byte * (pd - 1.0) / pd * n;
  }
  /// Same as the all-gather.
  [[nodiscard]] double reduce_scatter_s(std::int64_t p, double n) const noexcept {
    return allgather_s(p, n);
  }
  /// 2 * alpha * lg(p) + 2 * beta * (p-1)/p * n
  [[nodiscard]] double allreduce_s(std::int64_t p, double n) const noexcept {
    return 2.0 * allgather_s(p, n);
  }
  /// alpha + beta * n
  [[nodiscard]] double p2p_s(double n) const noexcept { return alpha_s + beta_s_per_byte * n; }
};

}  // namespace dnnsim
