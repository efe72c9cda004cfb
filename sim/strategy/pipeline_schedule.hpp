#pragma once
// Pipeline parallelism's schedules as plain data: the order in which each of Pp stages runs
// the forward and backward passes of m microbatches (GPipe, 1F1B, and Megatron-LM's
// interleaved 1F1B with V model chunks per stage). Timing is sim/model/pipeline_timing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

enum class ScheduleKind : std::uint8_t { gpipe, one_f_one_b, interleaved };

struct Schedule {
  ScheduleKind kind = ScheduleKind::one_f_one_b;
  std::int64_t chunks = 1;  ///< V, model chunks per stage (interleaved; 1 otherwise)
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

/// "gpipe", "1f1b", "interleaved:V" (V >= 2 integer, at most kMaxInteger); nothing otherwise.
[[nodiscard]] std::optional<Schedule> parse_schedule(std::string_view text);

/// The spellings parse_schedule reads.
[[nodiscard]] std::string to_string(const Schedule& s);

enum class Pass : std::uint8_t { forward, backward };

struct PipelineOp {
  Pass pass = Pass::forward;
  std::int64_t microbatch = 0;
  /// The stage's local model chunk, 0..V-1; its virtual stage is chunk * Pp + stage.
  std::int64_t chunk = 0;
  friend bool operator==(const PipelineOp&, const PipelineOp&) = default;
};

/// Why a schedule cannot run (empty when it can): stages and microbatches >= 1; gpipe and
/// 1f1b run one chunk per stage; interleaved needs V >= 2, Pp >= 2 and m a multiple of Pp
/// (Megatron-LM's rule: its microbatches go through the chunks in groups of Pp).
[[nodiscard]] std::string schedule_problem(const Schedule& s, std::int64_t stages,
                                           std::int64_t microbatches);

/// The ordered operations stage `stage` (0-based) of `stages` runs for `microbatches`
/// microbatches.
/// gpipe: all forwards, then all backwards, both in microbatch order.
/// 1f1b: w = min(Pp - stage - 1, m) warm-up forwards, then m - w pairs (one forward, one
/// backward), then w backwards (PipeDream-Flush, Megatron-LM's non-interleaved schedule).
/// interleaved: Megatron-LM's interleaved 1F1B: the same three phases over m * V operations
/// per pass with w = min(2 (Pp - stage - 1) + (V - 1) Pp, m V); the k-th forward runs chunk
/// (k mod Pp V) / Pp of microbatch Pp (k / (Pp V)) + k mod Pp, the k-th backward the same
/// microbatch with the chunks in reverse (V - 1 - that chunk).
/// Throws std::invalid_argument when schedule_problem is not empty or `stage` is outside.
[[nodiscard]] std::vector<PipelineOp> stage_operations(const Schedule& s, std::int64_t stages,
                                                       std::int64_t stage,
                                                       std::int64_t microbatches);

/// What the three schedules share, and what stage_operations is made of: every stage runs
/// the same n = m V (microbatch, chunk) pairs per pass in the same order (pass_order), and
/// stage j runs w_j of its forwards ahead (warmup_forwards): w_j forwards, then n - w_j pairs
/// of the next forward and the next backward, then its last w_j backwards. Op i of stage j
/// is thus forward i (i < w), forward w + (i - w) / 2 or backward (i - w) / 2 (i - w even or
/// odd, i < 2n - w), or backward i - n: the timing walks it without building the lists.
/// gpipe: w = n; 1f1b: min(Pp - j - 1, n); interleaved: min(2 (Pp - j - 1) + (V - 1) Pp, n).
/// Both expect an empty schedule_problem and 0 <= stage < stages.
[[nodiscard]] std::int64_t warmup_forwards(const Schedule& s, std::int64_t stages,
                                           std::int64_t stage, std::int64_t microbatches);
[[nodiscard]] std::vector<PipelineOp> pass_order(const Schedule& s, std::int64_t stages,
                                                 std::int64_t microbatches, Pass pass);

/// The most (microbatch, chunk) pairs whose forward has run and backward has not, over the
/// stage's operation list: the activations a stage keeps. Expects each backward after its
/// forward, as stage_operations gives them.
[[nodiscard]] std::int64_t peak_in_flight(const std::vector<PipelineOp>& ops);

/// The same for stage `stage` without building its list: its w warm-up forwards, one more
/// when a steady pair follows, so min(w + 1, m V).
[[nodiscard]] std::int64_t peak_in_flight(const Schedule& s, std::int64_t stages,
                                          std::int64_t stage, std::int64_t microbatches);

}  // namespace dnnsim
