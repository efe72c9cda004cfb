#include "sim/model/pipeline_timing.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace dnnsim {
namespace {

constexpr double kNotYet = -1.0;  // every time is >= 0

void check_costs(std::string_view name, const std::vector<double>& costs, std::int64_t size) {
  if (std::cmp_not_equal(costs.size(), size)) {
    throw std::invalid_argument(
        fmt::format("pipeline costs: {} has {} entries, not {}", name, costs.size(), size));
  }
  for (const double c : costs) {
    if (!(c >= 0.0)) {
      throw std::invalid_argument(fmt::format("pipeline costs: {} holds {}", name, c));
    }
  }
}

}  // namespace

PipelineTiming time_schedule(const Schedule& s, std::int64_t stages, std::int64_t microbatches,
                             const PipelineCosts& costs, bool keep_starts) {
  if (auto problem = schedule_problem(s, stages, microbatches); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  const std::int64_t virtual_stages = stages * s.chunks;  // s.chunks is 1 but for interleaved
  check_costs("forward_s", costs.forward_s, virtual_stages);
  check_costs("backward_s", costs.backward_s, virtual_stages);
  check_costs("send_forward_s", costs.send_forward_s, virtual_stages - 1);
  check_costs("send_backward_s", costs.send_backward_s, virtual_stages - 1);

  // Each stage's operations, walked by index as pipeline_schedule.hpp describes them rather
  // than built: at 16,384 ranks the lists would be most of the work.
  const auto n_stages = static_cast<std::size_t>(stages);
  const std::vector<PipelineOp> forwards = pass_order(s, stages, microbatches, Pass::forward);
  const std::vector<PipelineOp> backwards = pass_order(s, stages, microbatches, Pass::backward);
  const std::size_t n = forwards.size();
  std::vector<std::size_t> warmup(n_stages);
  PipelineTiming t;
  t.busy_s.assign(n_stages, 0.0);
  t.stage_end_s.assign(n_stages, 0.0);
  if (keep_starts) t.op_start_s.resize(n_stages);
  std::vector<std::size_t> done(n_stages, 0);  // operations run, per stage
  for (std::size_t j = 0; j < n_stages; ++j) {
    warmup[j] = static_cast<std::size_t>(
        warmup_forwards(s, stages, static_cast<std::int64_t>(j), microbatches));
    if (keep_starts) t.op_start_s[j].reserve(2 * n);
  }
  const auto op_at = [&](std::size_t j, std::size_t i) -> const PipelineOp& {
    const std::size_t w = warmup[j];
    if (i < w) return forwards[i];
    if (i >= 2 * n - w) return backwards[i - n];
    return (i - w) % 2 == 0 ? forwards[w + (i - w) / 2] : backwards[(i - w) / 2];
  };

  // When the forward and the backward of (mb, k) end, at [k m + mb]; kNotYet until they ran.
  const auto cells = static_cast<std::size_t>(virtual_stages * microbatches);
  const auto m = static_cast<std::size_t>(microbatches);
  const auto last = static_cast<std::size_t>(virtual_stages - 1);
  std::vector<double> forward_end(cells, kNotYet);
  std::vector<double> backward_end(cells, kNotYet);

  // Each stage runs until its next operation (the count of its start times) waits for an
  // input not known yet; the one operation that input comes from wakes it up again. So each
  // operation is looked at O(1) times, and the order stages are visited in changes no time.
  std::vector<std::size_t> work(n_stages);
  std::iota(work.begin(), work.end(), std::size_t{0});
  std::vector<char> queued(n_stages, 1);
  while (!work.empty()) {
    const std::size_t j = work.back();
    work.pop_back();
    queued[j] = 0;
    double free = t.stage_end_s[j];
    double busy = t.busy_s[j];
    std::size_t& i = done[j];
    for (; i < 2 * n; ++i) {
      const PipelineOp& op = op_at(j, i);
      const auto k = static_cast<std::size_t>(op.chunk) * n_stages + j;
      const std::size_t cell = k * m + static_cast<std::size_t>(op.microbatch);
      const bool forward = op.pass == Pass::forward;
      double ready = 0.0;
      std::size_t wakes = j;  // the stage that may be waiting for this operation
      if (forward) {
        if (k > 0) {
          if (forward_end[cell - m] == kNotYet) break;
          ready = forward_end[cell - m] + costs.send_forward_s[k - 1];
        }
        if (k < last) wakes = j + 1 == n_stages ? 0 : j + 1;
      } else {
        const double from = k == last ? forward_end[cell] : backward_end[cell + m];
        if (from == kNotYet) break;
        ready = k == last ? from : from + costs.send_backward_s[k];
        if (k > 0) wakes = j == 0 ? n_stages - 1 : j - 1;
      }
      const double duration = forward ? costs.forward_s[k] : costs.backward_s[k];
      const double start = std::max(free, ready);
      if (keep_starts) t.op_start_s[j].push_back(start);
      busy += duration;
      free = start + duration;
      (forward ? forward_end : backward_end)[cell] = free;
      if (wakes != j && queued[wakes] == 0) {
        queued[wakes] = 1;
        work.push_back(wakes);
      }
    }
    t.stage_end_s[j] = free;
    t.busy_s[j] = busy;
  }

  for (std::size_t j = 0; j < n_stages; ++j) {
    if (done[j] < 2 * n) {
      const PipelineOp& op = op_at(j, done[j]);
      throw std::logic_error(fmt::format(
          "the {} schedule of {} stages and {} microbatches deadlocks: stage {} waits to run the "
          "{} of microbatch {}, chunk {} (a schedule bug)",
          to_string(s), stages, microbatches, j, op.pass == Pass::forward ? "forward" : "backward",
          op.microbatch, op.chunk));
    }
  }
  t.end_s = *std::max_element(t.stage_end_s.begin(), t.stage_end_s.end());
  return t;
}

}  // namespace dnnsim
