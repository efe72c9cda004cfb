#pragma once
// The Pr x Pc grid of docs/model.md: Pr splits features (model) or image height (domain), Pc
// splits the batch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

struct ProcessGrid {
  std::int64_t pr = 1;
  std::int64_t pc = 1;

  [[nodiscard]] std::int64_t procs() const noexcept { return pr * pc; }
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ProcessGrid&, const ProcessGrid&) = default;
};

/// "8x64" -> {8, 64}; nothing when the text is not two positive integers joined by 'x' or
/// when their product is beyond kMaxInteger (sim/common/bounds.hpp).
[[nodiscard]] std::optional<ProcessGrid> parse_grid(std::string_view text);

/// Every Pr x Pc = P, Pr ascending (1 x P, pure batch, first; P x 1, pure model, last).
/// P is at most kMaxInteger.
[[nodiscard]] std::vector<ProcessGrid> factorizations(std::int64_t procs);

}  // namespace dnnsim
