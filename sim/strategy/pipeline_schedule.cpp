#include "sim/strategy/pipeline_schedule.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/bounds.hpp"

namespace dnnsim {
namespace {

constexpr std::string_view kInterleaved = "interleaved:";

}  // namespace

std::optional<Schedule> parse_schedule(std::string_view text) {
  if (text == "gpipe") return Schedule{ScheduleKind::gpipe, 1};
  if (text == "1f1b") return Schedule{ScheduleKind::one_f_one_b, 1};
  if (!text.starts_with(kInterleaved)) return std::nullopt;
  const std::string_view digits = text.substr(kInterleaved.size());
  std::int64_t chunks = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), chunks);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (chunks < 2 || chunks > kMaxInteger) return std::nullopt;
  return Schedule{ScheduleKind::interleaved, chunks};
}

std::string to_string(const Schedule& s) {
  switch (s.kind) {
    case ScheduleKind::gpipe:
      return "gpipe";
    case ScheduleKind::one_f_one_b:
      return "1f1b";
    case ScheduleKind::interleaved:
      return fmt::format("interleaved:{}", s.chunks);
  }
  return "1f1b";
}

std::string schedule_problem(const Schedule& s, std::int64_t stages, std::int64_t microbatches) {
  if (stages < 1) return fmt::format("a pipeline needs at least 1 stage, not {}", stages);
  if (microbatches < 1) {
    return fmt::format("a pipeline needs at least 1 microbatch, not {}", microbatches);
  }
  const bool interleaved = s.kind == ScheduleKind::interleaved;
  if (!interleaved && s.chunks != 1) {
    return fmt::format("{} runs 1 model chunk per stage, not {}", to_string(s), s.chunks);
  }
  if (interleaved && s.chunks < 2) {
    return fmt::format("the interleaved schedule needs at least 2 model chunks per stage, not {}",
                       s.chunks);
  }
  // Keeps the arithmetic on virtual stages and operations exact, far beyond real pipelines.
  if (s.chunks > kMaxCount / stages || s.chunks > kMaxCount / 2 / microbatches) {
    return fmt::format("{} stages, {} microbatches and {} chunks per stage are too many", stages,
                       microbatches, s.chunks);
  }
  if (!interleaved) return {};
  if (stages < 2) {
    return fmt::format("the interleaved schedule needs at least 2 pipeline stages, not {}", stages);
  }
  if (microbatches % stages != 0) {
    return fmt::format(
        "the interleaved schedule needs the microbatches ({}) to be a multiple of the pipeline "
        "stages ({})",
        microbatches, stages);
  }
  return {};
}

std::int64_t warmup_forwards(const Schedule& s, std::int64_t stages, std::int64_t stage,
                             std::int64_t microbatches) {
  // A stage j of 1F1B runs ahead by the Pp - j - 1 forwards the stages after it need before
  // the first gradient comes back. Interleaved first runs (V - 1) Pp forwards on every stage,
  // which brings the first group of Pp microbatches to the last chunk, then 2 (Pp - j - 1)
  // more, fewer on later stages (Megatron-LM's get_pp_rank_microbatches).
  const std::int64_t per_pass = microbatches * s.chunks;
  switch (s.kind) {
    case ScheduleKind::gpipe:
      return per_pass;
    case ScheduleKind::one_f_one_b:
      return std::min(stages - stage - 1, per_pass);
    case ScheduleKind::interleaved:
      return std::min(2 * (stages - stage - 1) + (s.chunks - 1) * stages, per_pass);
  }
  return per_pass;
}

std::vector<PipelineOp> pass_order(const Schedule& s, std::int64_t stages,
                                   std::int64_t microbatches, Pass pass) {
  // Megatron-LM's table: microbatches in groups of Pp, each group through chunk 0, then
  // chunk 1, ...; backwards walk the chunks in reverse, since the last chunk's gradient is
  // the first one ready. With V = 1 this is plain microbatch order.
  std::vector<PipelineOp> order;
  order.reserve(static_cast<std::size_t>(microbatches * s.chunks));
  for (std::int64_t first = 0; first < microbatches; first += stages) {
    const std::int64_t end = std::min(first + stages, microbatches);
    for (std::int64_t c = 0; c < s.chunks; ++c) {
      const std::int64_t chunk = pass == Pass::forward ? c : s.chunks - 1 - c;
      for (std::int64_t mb = first; mb < end; ++mb) order.push_back({pass, mb, chunk});
    }
  }
  return order;
}

std::vector<PipelineOp> stage_operations(const Schedule& s, std::int64_t stages, std::int64_t stage,
                                         std::int64_t microbatches) {
  if (auto problem = schedule_problem(s, stages, microbatches); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  if (stage < 0 || stage >= stages) {
    throw std::invalid_argument(
        fmt::format("stage {} is outside a {}-stage pipeline", stage, stages));
  }
  const std::vector<PipelineOp> forwards = pass_order(s, stages, microbatches, Pass::forward);
  const std::vector<PipelineOp> backwards = pass_order(s, stages, microbatches, Pass::backward);
  const std::int64_t n = std::ssize(forwards);
  const std::int64_t warmup = warmup_forwards(s, stages, stage, microbatches);
  std::vector<PipelineOp> ops;
  ops.reserve(forwards.size() + backwards.size());
  ops.insert(ops.end(), forwards.begin(), forwards.begin() + warmup);
  for (std::int64_t k = 0; k < n - warmup; ++k) {
    ops.push_back(forwards[static_cast<std::size_t>(warmup + k)]);
    ops.push_back(backwards[static_cast<std::size_t>(k)]);
  }
  ops.insert(ops.end(), backwards.begin() + (n - warmup), backwards.end());
  return ops;
}

std::int64_t peak_in_flight(const std::vector<PipelineOp>& ops) {
  std::int64_t in_flight = 0;
  std::int64_t peak = 0;
  for (const PipelineOp& op : ops) {
    in_flight += op.pass == Pass::forward ? 1 : -1;
    peak = std::max(peak, in_flight);
  }
  return peak;
}

std::int64_t peak_in_flight(const Schedule& s, std::int64_t stages, std::int64_t stage,
                            std::int64_t microbatches) {
  const std::int64_t n = microbatches * s.chunks;
  return std::min(warmup_forwards(s, stages, stage, microbatches) + 1, n);
}

}  // namespace dnnsim
