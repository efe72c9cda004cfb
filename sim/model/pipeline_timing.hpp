#pragma once
// The analytic engine's exact timing of a pipeline schedule (sim/strategy/pipeline_schedule)
// by its recurrence: each stage runs its operations in order, each as soon as its stage is
// free and its input has arrived. No closed form: it holds for any per-chunk costs, and
// uniform costs give back the textbook bubbles.

#include <cstdint>
#include <vector>

#include "sim/strategy/pipeline_schedule.hpp"

namespace dnnsim {

/// Per virtual stage k = chunk * Pp + stage (k = 0 .. Pp V - 1, in model order): the time of
/// one microbatch's forward and backward of that chunk; per boundary between virtual stages
/// k and k + 1 the point-to-point time of the activation (forward) and of its gradient
/// (backward).
struct PipelineCosts {
  std::vector<double> forward_s;        ///< [Pp * V]
  std::vector<double> backward_s;       ///< [Pp * V]
  std::vector<double> send_forward_s;   ///< [Pp * V - 1], boundary k -> k+1
  std::vector<double> send_backward_s;  ///< [Pp * V - 1], boundary k+1 -> k
};

struct PipelineTiming {
  double end_s = 0.0;               ///< when the last operation of any stage ends
  std::vector<double> busy_s;       ///< per stage, the sum of its operations' durations
  std::vector<double> stage_end_s;  ///< per stage, when its last operation ends
  std::vector<std::vector<double>>
      op_start_s;  ///< per stage, per operation (stage_operations' order)
};

/// Each stage runs its operations in order; an operation starts when its stage is free and
/// its input has arrived: forward of (mb, k) needs forward of (mb, k - 1) ended plus
/// send_forward_s[k - 1] (k = 0: ready at 0); backward of (mb, k) needs backward of
/// (mb, k + 1) ended plus send_backward_s[k] (the last virtual stage: its own forward of mb
/// ended). A stage never waits for its own sends. Consecutive virtual stages on the same
/// physical stage (Pp = 1) still pay whatever send time the caller gives (it gives 0).
/// O(operations). Throws std::invalid_argument when schedule_problem is not empty or a cost
/// vector has the wrong size, std::logic_error when the schedule deadlocks (a bug).
/// `keep_starts` false leaves op_start_s empty (what a search needs not).
[[nodiscard]] PipelineTiming time_schedule(const Schedule& s, std::int64_t stages,
                                           std::int64_t microbatches, const PipelineCosts& costs,
                                           bool keep_starts = true);

}  // namespace dnnsim
