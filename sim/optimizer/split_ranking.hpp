#pragma once
// Why the split search picked its best (docs/sweeps.md, "dnnsim optimize"): per choice, the
// best configuration with each other value of it, and what makes each lose.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/optimizer/split_search.hpp"

namespace dnnsim {

/// Why `other` loses to `best`: the limit it breaks, the memory it lacks, or what makes it
/// slower (compute, communication or the pipeline bubble), in words.
[[nodiscard]] std::string why_loses(const SplitOutcome& other, const SplitOutcome& best,
                                    std::optional<double> memory_limit_bytes);

/// The choices a runner-up differs from the best in.
enum class SplitAxis : std::uint8_t {
  grid,
  microbatches,
  schedule,
  zero,
  recompute,
  sequence_parallel
};
[[nodiscard]] std::string_view to_string(SplitAxis axis) noexcept;

struct RunnerUp {
  SplitAxis axis = SplitAxis::grid;
  std::size_t outcome = 0;  ///< index into SplitSearch::outcomes
};

/// For each choice, the best configuration with each other value of it (the others free),
/// at most `per_axis` values per choice, best first: why the search did not pick them.
[[nodiscard]] std::vector<RunnerUp> runners_up(const SplitSearch& search, std::size_t per_axis);

}  // namespace dnnsim
