#pragma once
// The Pr x Pc grid of docs/model.md: Pr splits features (model) or image height (domain), Pc
// splits the batch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

/// Rank r sits at row r % Pr and column r / Pr: the processes of a grid column (those that
/// split a layer's features or image rows) are consecutive ranks.
struct ProcessGrid {
  std::int64_t pr = 1;
  std::int64_t pc = 1;

  [[nodiscard]] std::int64_t procs() const noexcept { return pr * pc; }
  [[nodiscard]] std::int64_t row_of(std::int64_t rank) const noexcept { return rank % pr; }
  [[nodiscard]] std::int64_t column_of(std::int64_t rank) const noexcept { return rank / pr; }
  [[nodiscard]] std::int64_t rank_at(std::int64_t row, std::int64_t column) const noexcept {
    return column * pr + row;
  }
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ProcessGrid&, const ProcessGrid&) = default;
};

/// "8x64" -> {8, 64}; nothing when the text is not two positive integers joined by 'x' or
/// when their product is beyond kMaxInteger (sim/common/bounds.hpp).
[[nodiscard]] std::optional<ProcessGrid> parse_grid(std::string_view text);

/// A grid with pipeline stages, PRxPCxPP (docs/model.md, "Pipeline parallelism"): P = Pr x Pc
/// x Pp, each stage on its own Pr x Pc grid.
struct PipelineGrid {
  ProcessGrid grid;
  std::int64_t stages = 1;
  [[nodiscard]] std::int64_t procs() const noexcept { return grid.procs() * stages; }
};

/// "8x64" -> {{8, 64}, 1}, "8x16x8" -> {{8, 16}, 8}; nothing for anything else, or when
/// the product is beyond kMaxInteger.
[[nodiscard]] std::optional<PipelineGrid> parse_pipeline_grid(std::string_view text);

/// Every Pr x Pc = P, Pr ascending (1 x P, pure batch, first; P x 1, pure model, last).
/// P is at most kMaxInteger.
[[nodiscard]] std::vector<ProcessGrid> factorizations(std::int64_t procs);

}  // namespace dnnsim
