#include "sim/optimizer/split_ranking.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sim/common/units.hpp"

namespace dnnsim {

std::string why_loses(const SplitOutcome& other, const SplitOutcome& best,
                      std::optional<double> memory_limit_bytes) {
  if (!other.limit.empty()) return "cannot run: " + other.limit;
  if (!other.fits) {
    return fmt::format("needs {} per process, over the {} of memory",
                       human_bytes(other.memory_bytes),
                       human_bytes(memory_limit_bytes.value_or(0.0)));
  }
  const double dt = other.iteration_s - best.iteration_s;
  if (dt <= 0.0) {
    return fmt::format("as fast, with more memory ({} against {})", human_bytes(other.memory_bytes),
                       human_bytes(best.memory_bytes));
  }
  // What grows most: compute (recomputation, redundant work), communication, or waiting
  // (the pipeline's bubble and the sends between stages).
  const double waiting = other.iteration_s - other.compute_s - other.comm_s;
  const double best_waiting = best.iteration_s - best.compute_s - best.comm_s;
  const double dcompute = other.compute_s - best.compute_s;
  const double dcomm = other.comm_s - best.comm_s;
  const double dwait = waiting - best_waiting;
  std::string what = "more compute";
  double most = dcompute;
  if (dcomm > most) {
    what = "more communication";
    most = dcomm;
  }
  if (dwait > most) {
    what = "more waiting (pipeline bubble)";
    most = dwait;
  }
  return fmt::format("+{:.1f} % time: {} (+{})", 100.0 * dt / best.iteration_s, what,
                     human_seconds(most));
}

std::string_view to_string(SplitAxis axis) noexcept {
  switch (axis) {
    case SplitAxis::grid:
      return "strategy, grid";
    case SplitAxis::microbatches:
      return "microbatches";
    case SplitAxis::schedule:
      return "schedule";
    case SplitAxis::zero:
      return "ZeRO";
    case SplitAxis::recompute:
      return "recompute";
    case SplitAxis::sequence_parallel:
      return "sequence parallel";
  }
  return "";
}

std::vector<RunnerUp> runners_up(const SplitSearch& search, std::size_t per_axis) {
  std::vector<RunnerUp> out;
  if (!search.best) return out;
  const Split& best = search.outcomes[*search.best].split;
  // A key per value of each choice (the strategy goes with the grid).
  const auto key = [](SplitAxis axis, const Split& s) -> std::string {
    switch (axis) {
      case SplitAxis::grid:
        return fmt::format("{} {}x{}", to_string(s.strategy), s.grid.grid.to_string(),
                           s.grid.stages);
      case SplitAxis::microbatches:
        return std::to_string(s.microbatches);
      case SplitAxis::schedule:
        return to_string(s.schedule);
      case SplitAxis::zero:
        return std::to_string(s.zero);
      case SplitAxis::recompute:
        return std::string(to_string(s.recompute));
      case SplitAxis::sequence_parallel:
        return s.sequence_parallel ? "on" : "off";
    }
    return {};
  };
  for (const SplitAxis axis :
       {SplitAxis::grid, SplitAxis::microbatches, SplitAxis::schedule, SplitAxis::zero,
        SplitAxis::recompute, SplitAxis::sequence_parallel}) {
    const std::string mine = key(axis, best);
    std::map<std::string, std::size_t> best_of;
    for (std::size_t k = 0; k < search.outcomes.size(); ++k) {
      const std::string value = key(axis, search.outcomes[k].split);
      if (value == mine) continue;
      const auto it = best_of.find(value);
      if (it == best_of.end()) {
        best_of.emplace(value, k);
      } else if (better(search.outcomes[k], search.outcomes[it->second])) {
        it->second = k;
      }
    }
    std::vector<std::size_t> values;
    for (const auto& [value, k] : best_of) values.push_back(k);
    std::sort(values.begin(), values.end(), [&](std::size_t a, std::size_t b) {
      return better(search.outcomes[a], search.outcomes[b]) ||
             (!better(search.outcomes[b], search.outcomes[a]) && a < b);
    });
    if (values.size() > per_axis) values.resize(per_axis);
    for (const std::size_t k : values) out.push_back({axis, k});
  }
  return out;
}

}  // namespace dnnsim
