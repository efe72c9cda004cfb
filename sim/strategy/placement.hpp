#pragma once
// Which host each rank runs on (rank r sits at grid.row_of(r), grid.column_of(r)).
// `column` placement packs a grid column (the Pr processes that split a layer's features or
// image rows) into consecutive hosts, hence inside a node on hierarchical machines; `row`
// packs a grid row (the Pc processes that split the batch).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/strategy/process_grid.hpp"

namespace dnnsim {

enum class Placement : std::uint8_t { column, row };

[[nodiscard]] std::string_view to_string(Placement placement) noexcept;
[[nodiscard]] std::optional<Placement> placement_from_string(std::string_view name) noexcept;
/// Every name placement_from_string takes, for messages.
inline constexpr std::array<std::string_view, 2> kPlacementNames{"column", "row"};

/// Host index of `rank` on a grid placed as `placement` (a permutation of 0..P-1).
[[nodiscard]] inline std::int64_t host_of(std::int64_t rank, ProcessGrid grid,
                                          Placement placement) noexcept {
  if (placement == Placement::column) return rank;
  return grid.row_of(rank) * grid.pc + grid.column_of(rank);
}

}  // namespace dnnsim
