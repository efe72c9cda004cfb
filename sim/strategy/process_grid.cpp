#include "sim/strategy/process_grid.hpp"

#include <charconv>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"

namespace dnnsim {
namespace {

std::optional<std::int64_t> parse_positive(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::string ProcessGrid::to_string() const {
  return fmt::format("{}x{}", pr, pc);
}

std::optional<ProcessGrid> parse_grid(std::string_view text) {
  const auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  const auto pr = parse_positive(text.substr(0, x));
  const auto pc = parse_positive(text.substr(x + 1));
  if (!pr || !pc) return std::nullopt;
  if (*pr > kMaxInteger || *pc > kMaxInteger / *pr) return std::nullopt;
  return ProcessGrid{*pr, *pc};
}

std::optional<PipelineGrid> parse_pipeline_grid(std::string_view text) {
  const auto last = text.rfind('x');
  if (last != std::string_view::npos && text.find('x') != last) {
    const auto grid = parse_grid(text.substr(0, last));
    const auto stages = parse_positive(text.substr(last + 1));
    if (!grid || !stages || *stages > kMaxInteger / grid->procs()) return std::nullopt;
    return PipelineGrid{*grid, *stages};
  }
  const auto grid = parse_grid(text);
  if (!grid) return std::nullopt;
  return PipelineGrid{*grid, 1};
}

std::vector<ProcessGrid> factorizations(std::int64_t procs) {
  std::vector<ProcessGrid> grids;
  std::vector<ProcessGrid> upper;
  for (std::int64_t pr = 1; pr * pr <= procs; ++pr) {
    if (procs % pr != 0) continue;
    grids.push_back({pr, procs / pr});
    if (pr * pr != procs) upper.push_back({procs / pr, pr});
  }
  grids.insert(grids.end(), upper.rbegin(), upper.rend());
  return grids;
}

}  // namespace dnnsim
