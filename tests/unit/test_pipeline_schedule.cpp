// Pipeline schedules (GPipe, 1F1B, Megatron-LM's interleaved 1F1B) and their timing by
// recurrence, against orders and times worked out by hand. Costs are binary fractions
// (t_f = 1, t_b = 2, halves and quarters of them), so the times compare exactly.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/model/pipeline_timing.hpp"
#include "sim/strategy/pipeline_schedule.hpp"

using namespace dnnsim;

namespace {

constexpr Schedule kGpipe{ScheduleKind::gpipe, 1};
constexpr Schedule k1f1b{ScheduleKind::one_f_one_b, 1};

Schedule interleaved(std::int64_t chunks) {
  return {ScheduleKind::interleaved, chunks};
}

/// "F0 F1 B0 ..." (with_chunk: "F0.1" is the forward of microbatch 0, chunk 1).
std::string order(const std::vector<PipelineOp>& ops, bool with_chunk = false) {
  std::string text;
  for (const PipelineOp& op : ops) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{}{}", op.pass == Pass::forward ? 'F' : 'B', op.microbatch);
    if (with_chunk) text += fmt::format(".{}", op.chunk);
  }
  return text;
}

/// Every virtual stage costs forward_s and backward_s; both sends cost send_s.
PipelineCosts uniform(std::int64_t virtual_stages, double forward_s, double backward_s,
                      double send_s = 0.0) {
  const auto n = static_cast<std::size_t>(virtual_stages);
  return {std::vector<double>(n, forward_s), std::vector<double>(n, backward_s),
          std::vector<double>(n - 1, send_s), std::vector<double>(n - 1, send_s)};
}

/// Uneven binary-fraction costs, so a mixed-up virtual stage shows and times stay exact.
PipelineCosts uneven(std::int64_t virtual_stages) {
  PipelineCosts c;
  for (std::int64_t k = 0; k < virtual_stages; ++k) {
    c.forward_s.push_back(0.5 + 0.25 * static_cast<double>(k % 3));
    c.backward_s.push_back(1.0 + 0.5 * static_cast<double>(k % 2));
    if (k + 1 == virtual_stages) break;
    c.send_forward_s.push_back(0.125 * static_cast<double>(k % 4));
    c.send_backward_s.push_back(0.25 * static_cast<double>((k + 1) % 3));
  }
  return c;
}

/// The recurrence the slow, obvious way, as the reference for time_schedule's worklist:
/// sweep the lists of stage_operations again and again, running each stage's next operation
/// while its input has ended, until a sweep runs nothing. Start times per stage.
std::vector<std::vector<double>> reference_starts(const Schedule& s, std::int64_t pp,
                                                  std::int64_t m, const PipelineCosts& c) {
  const std::int64_t last = pp * s.chunks - 1;
  std::map<std::tuple<Pass, std::int64_t, std::int64_t>, double> end;  // (pass, mb, k)
  std::vector<std::vector<double>> starts(static_cast<std::size_t>(pp));
  std::vector<double> free(static_cast<std::size_t>(pp), 0.0);
  for (bool ran = true; ran;) {
    ran = false;
    for (std::int64_t j = 0; j < pp; ++j) {
      const auto ops = stage_operations(s, pp, j, m);
      auto& mine = starts[static_cast<std::size_t>(j)];
      while (mine.size() < ops.size()) {
        const PipelineOp& op = ops[mine.size()];
        const std::int64_t k = op.chunk * pp + j;
        const auto ended = [&](Pass pass, std::int64_t at) -> std::optional<double> {
          const auto it = end.find({pass, op.microbatch, at});
          return it == end.end() ? std::nullopt : std::optional{it->second};
        };
        std::optional<double> ready;
        double duration = 0.0;
        if (op.pass == Pass::forward) {
          duration = c.forward_s[static_cast<std::size_t>(k)];
          if (k == 0) ready = 0.0;
          if (k > 0 && ended(Pass::forward, k - 1)) {
            ready =
                *ended(Pass::forward, k - 1) + c.send_forward_s[static_cast<std::size_t>(k - 1)];
          }
        } else {
          duration = c.backward_s[static_cast<std::size_t>(k)];
          if (k == last) ready = ended(Pass::forward, k);
          if (k < last && ended(Pass::backward, k + 1)) {
            ready = *ended(Pass::backward, k + 1) + c.send_backward_s[static_cast<std::size_t>(k)];
          }
        }
        if (!ready) break;
        double& stage_free = free[static_cast<std::size_t>(j)];
        mine.push_back(std::max(stage_free, *ready));
        stage_free = mine.back() + duration;
        end[{op.pass, op.microbatch, k}] = stage_free;
        ran = true;
      }
    }
  }
  return starts;
}

}  // namespace

TEST_CASE("a pipeline schedule's spelling parses back to the same schedule") {
  for (const Schedule& s : {kGpipe, k1f1b, interleaved(2), interleaved(3), interleaved(16)}) {
    const auto parsed = parse_schedule(to_string(s));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == s);
  }
  CHECK(to_string(kGpipe) == "gpipe");
  CHECK(to_string(k1f1b) == "1f1b");
  CHECK(to_string(interleaved(4)) == "interleaved:4");
}

TEST_CASE("texts that name no pipeline schedule parse to nothing") {
  for (const char* text :
       {"interleaved", "interleaved:", "interleaved:1", "interleaved:0", "interleaved:-2",
        "interleaved:x", "interleaved:2x", "1f2b", "GPipe", "", "gpipe ", "interleaved:2:3"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_schedule(text).has_value());
  }
}

TEST_CASE("schedule_problem names why a pipeline schedule cannot run") {
  CHECK(schedule_problem(k1f1b, 4, 6).empty());
  CHECK(schedule_problem(kGpipe, 1, 1).empty());
  CHECK(schedule_problem(interleaved(2), 4, 8).empty());
  // Megatron-LM's rule: the interleaved schedule takes microbatches in groups of Pp.
  const std::string problem = schedule_problem(interleaved(2), 4, 6);
  CHECK(problem.find('6') != std::string::npos);
  CHECK(problem.find('4') != std::string::npos);
  CHECK_FALSE(schedule_problem(interleaved(2), 1, 4).empty());  // one stage: nothing to interleave
  CHECK_FALSE(schedule_problem(interleaved(1), 2, 4).empty());
  CHECK_FALSE(schedule_problem(Schedule{ScheduleKind::gpipe, 2}, 2, 4).empty());
  CHECK_FALSE(schedule_problem(k1f1b, 0, 4).empty());
  CHECK_FALSE(schedule_problem(k1f1b, 4, 0).empty());
  CHECK_THROWS_AS((void)stage_operations(interleaved(2), 4, 0, 6), std::invalid_argument);
  CHECK_THROWS_AS((void)stage_operations(k1f1b, 4, 4, 8), std::invalid_argument);
}

TEST_CASE("every pipeline schedule runs each forward once, before its backward, and times right") {
  std::vector<std::pair<Schedule, std::int64_t>> cases;  // (schedule, stages)
  for (std::int64_t pp = 1; pp <= 4; ++pp) {
    cases.emplace_back(kGpipe, pp);
    cases.emplace_back(k1f1b, pp);
    if (pp >= 2) cases.emplace_back(interleaved(2), pp);
    if (pp >= 2) cases.emplace_back(interleaved(3), pp);
  }
  for (const auto& [s, pp] : cases) {
    for (std::int64_t m = 1; m <= 8; ++m) {
      if (!schedule_problem(s, pp, m).empty()) continue;  // interleaved: m a multiple of Pp
      CAPTURE(to_string(s));
      CAPTURE(pp);
      CAPTURE(m);
      for (std::int64_t j = 0; j < pp; ++j) {
        CAPTURE(j);
        std::set<std::pair<std::int64_t, std::int64_t>> forwarded;
        std::set<std::pair<std::int64_t, std::int64_t>> backwarded;
        const auto ops = stage_operations(s, pp, j, m);
        for (const PipelineOp& op : ops) {
          const std::pair key{op.microbatch, op.chunk};
          REQUIRE(op.microbatch >= 0);
          REQUIRE(op.microbatch < m);
          REQUIRE(op.chunk >= 0);
          REQUIRE(op.chunk < s.chunks);
          if (op.pass == Pass::forward) {
            CHECK(forwarded.insert(key).second);
          } else {
            CHECK(forwarded.contains(key));
            CHECK(backwarded.insert(key).second);
          }
        }
        CHECK(std::ssize(forwarded) == m * s.chunks);
        CHECK(std::ssize(backwarded) == m * s.chunks);
        CHECK(std::ssize(ops) == 2 * m * s.chunks);
      }
      // ... and the stages never wait on each other in a cycle, and start every operation
      // when the obvious sweep does.
      const PipelineCosts costs = uneven(pp * s.chunks);
      const PipelineTiming t = time_schedule(s, pp, m, costs);
      CHECK(t.op_start_s == reference_starts(s, pp, m, costs));
    }
  }
}

TEST_CASE("1f1b keeps at most Pp - j microbatches in flight on stage j, gpipe all m") {
  for (std::int64_t pp = 1; pp <= 4; ++pp) {
    for (std::int64_t m = 1; m <= 8; ++m) {
      for (std::int64_t j = 0; j < pp; ++j) {
        CAPTURE(pp);
        CAPTURE(m);
        CAPTURE(j);
        CHECK(peak_in_flight(stage_operations(k1f1b, pp, j, m)) == std::min(pp - j, m));
        CHECK(peak_in_flight(stage_operations(kGpipe, pp, j, m)) == m);
      }
    }
  }
}

TEST_CASE("the 1f1b order of a 4-stage 8-microbatch pipeline, by hand") {
  // Stage 0 runs Pp - 0 - 1 = 3 forwards ahead, then alternates, then drains 3 backwards;
  // stage 3, the last, runs each backward right after its forward.
  CHECK(order(stage_operations(k1f1b, 4, 0, 8)) ==
        "F0 F1 F2 F3 B0 F4 B1 F5 B2 F6 B3 F7 B4 B5 B6 B7");
  CHECK(order(stage_operations(k1f1b, 4, 1, 8)) ==
        "F0 F1 F2 B0 F3 B1 F4 B2 F5 B3 F6 B4 F7 B5 B6 B7");
  CHECK(order(stage_operations(k1f1b, 4, 3, 8)) ==
        "F0 B0 F1 B1 F2 B2 F3 B3 F4 B4 F5 B5 F6 B6 F7 B7");
  // Fewer microbatches than the warm-up: all forwards, then all backwards.
  CHECK(order(stage_operations(k1f1b, 4, 0, 2)) == "F0 F1 B0 B1");
  CHECK(order(stage_operations(kGpipe, 3, 1, 3)) == "F0 F1 F2 B0 B1 B2");
}

TEST_CASE("the interleaved order of Pp = 2, V = 2, m = 4 follows Megatron-LM's rules") {
  // Megatron-LM's table takes microbatches in groups of Pp = 2 through chunk 0, then chunk 1:
  //   k-th forward:  k = 0..7 -> (mb.chunk) 0.0 1.0 0.1 1.1 2.0 3.0 2.1 3.1
  //   k-th backward: the same microbatches, chunks reversed: 0.1 1.1 0.0 1.0 2.1 3.1 2.0 3.0
  // Warm-up forwards: 2 (Pp - j - 1) + (V - 1) Pp: stage 0: 2 + 2 = 4, stage 1: 0 + 2 = 2.
  // Then forward 4 + i with backward i (stage 0, i = 0..3) or forward 2 + i with backward i
  // (stage 1, i = 0..5), then the remaining backwards: 4..7 (stage 0), 6..7 (stage 1).
  const auto stage0 = stage_operations(interleaved(2), 2, 0, 4);
  const auto stage1 = stage_operations(interleaved(2), 2, 1, 4);
  CHECK(order(stage0, true) ==
        "F0.0 F1.0 F0.1 F1.1 F2.0 B0.1 F3.0 B1.1 F2.1 B0.0 F3.1 B1.0 B2.1 B3.1 B2.0 B3.0");
  CHECK(order(stage1, true) ==
        "F0.0 F1.0 F0.1 B0.1 F1.1 B1.1 F2.0 B0.0 F3.0 B1.0 F2.1 B2.1 F3.1 B3.1 B2.0 B3.0");
  // Activations kept: the warm-up plus the forward of the first pair.
  CHECK(peak_in_flight(stage0) == 5);
  CHECK(peak_in_flight(stage1) == 3);
}

TEST_CASE("uniform gpipe and 1f1b pipelines with free communication take (m + Pp - 1)(t_f + t_b)") {
  for (const Schedule& s : {kGpipe, k1f1b}) {
    for (std::int64_t pp = 1; pp <= 4; ++pp) {
      for (std::int64_t m = 1; m <= 8; ++m) {
        CAPTURE(to_string(s));
        CAPTURE(pp);
        CAPTURE(m);
        const PipelineTiming t = time_schedule(s, pp, m, uniform(pp, 1.0, 2.0));
        CHECK(t.end_s == static_cast<double>(m + pp - 1) * 3.0);
      }
    }
  }
}

TEST_CASE("uniform interleaved with free communication takes (m + (Pp - 1)/V)(t_f + t_b)") {
  // Each of the V chunks of a stage costs t_f / V and t_b / V: the bubble shrinks V times.
  for (std::int64_t v : {2, 4}) {
    for (std::int64_t pp : {2, 4}) {
      for (std::int64_t m : {pp, 2 * pp, 4 * pp}) {
        CAPTURE(v);
        CAPTURE(pp);
        CAPTURE(m);
        const double chunk = 1.0 / static_cast<double>(v);
        const PipelineTiming t =
            time_schedule(interleaved(v), pp, m, uniform(pp * v, chunk, 2.0 * chunk));
        CHECK(t.end_s == (static_cast<double>(m) + static_cast<double>(pp - 1) * chunk) * 3.0);
      }
    }
  }
}

TEST_CASE("a 2-stage 2-microbatch 1f1b pipeline with point-to-point time 0.5, by hand") {
  // t_f = 1, t_b = 2, c = 0.5. Stage 0 runs F0 F1 B0 B1, stage 1 runs F0 B0 F1 B1.
  //   stage 0 F0: 0 -> 1          stage 0 F1: 1 -> 2
  //   stage 1 F0: 1 + c = 1.5 -> 2.5
  //   stage 1 B0: its own F0 ended, 2.5 -> 4.5
  //   stage 1 F1: input at 2 + c = 2.5, stage free at 4.5: 4.5 -> 5.5
  //   stage 1 B1: 5.5 -> 7.5
  //   stage 0 B0: gradient at 4.5 + c = 5, 5 -> 7
  //   stage 0 B1: gradient at 7.5 + c = 8, 8 -> 10
  const PipelineTiming t = time_schedule(k1f1b, 2, 2, uniform(2, 1.0, 2.0, 0.5));
  CHECK(t.op_start_s ==
        std::vector<std::vector<double>>{{0.0, 1.0, 5.0, 8.0}, {1.5, 2.5, 4.5, 5.5}});
  CHECK(t.stage_end_s == std::vector<double>{10.0, 7.5});
  CHECK(t.busy_s == std::vector<double>{6.0, 6.0});
  CHECK(t.end_s == 10.0);
}

TEST_CASE("a pipeline stage's busy time is the sum of its chunks' costs over all microbatches") {
  // Pp = 2, V = 2, m = 2: stage 0 holds virtual stages 0 and 2, stage 1 holds 1 and 3.
  const PipelineCosts costs{
      {1.0, 2.0, 3.0, 4.0}, {2.0, 4.0, 6.0, 8.0}, {0.25, 0.25, 0.25}, {0.5, 0.5, 0.5}};
  const PipelineTiming t = time_schedule(interleaved(2), 2, 2, costs);
  CHECK(t.busy_s == std::vector<double>{2 * (1.0 + 3.0 + 2.0 + 6.0), 2 * (2.0 + 4.0 + 4.0 + 8.0)});
  CHECK(t.end_s >= 36.0);
  CHECK(t.end_s == std::max(t.stage_end_s[0], t.stage_end_s[1]));
  CHECK(t.op_start_s[0].size() == 8);
  CHECK(t.op_start_s[1].size() == 8);
}

TEST_CASE("a 1-stage pipeline runs its microbatches back to back (gradient accumulation)") {
  // m = 5 microbatches of t_f + t_b = 3 each, no bubble: 15.
  for (const Schedule& s : {kGpipe, k1f1b}) {
    const PipelineTiming t = time_schedule(s, 1, 5, uniform(1, 1.0, 2.0));
    CHECK(t.end_s == 15.0);
    CHECK(t.busy_s == std::vector<double>{15.0});
  }
  CHECK(order(stage_operations(k1f1b, 1, 0, 3)) == "F0 B0 F1 B1 F2 B2");
}

TEST_CASE("pipeline timing refuses costs of the wrong size or sign") {
  PipelineCosts costs = uniform(4, 1.0, 2.0);
  CHECK_THROWS_AS((void)time_schedule(k1f1b, 2, 2, costs), std::invalid_argument);
  costs = uniform(2, 1.0, 2.0);
  costs.backward_s[1] = -1.0;
  CHECK_THROWS_AS((void)time_schedule(k1f1b, 2, 2, costs), std::invalid_argument);
  CHECK_THROWS_AS((void)time_schedule(interleaved(2), 2, 3, uniform(4, 1.0, 2.0)),
                  std::invalid_argument);
}

TEST_CASE("an interleaved pipeline of 64 stages, 4 chunks and 1536 microbatches times exactly") {
  // 786,432 operations, the size of configuration evaluated in bulk.
  const PipelineTiming t = time_schedule(interleaved(4), 64, 1536, uniform(256, 0.25, 0.5));
  CHECK(t.end_s == (1536.0 + 63.0 / 4.0) * 3.0);
}

TEST_CASE("the in-flight count without the list equals the list's for every schedule") {
  for (std::int64_t pp = 1; pp <= 5; ++pp) {
    for (std::int64_t m = 1; m <= 10; ++m) {
      std::vector<Schedule> schedules{kGpipe, k1f1b};
      if (pp >= 2 && m % pp == 0) {
        schedules.push_back(interleaved(2));
        schedules.push_back(interleaved(3));
      }
      for (const Schedule& s : schedules) {
        for (std::int64_t j = 0; j < pp; ++j) {
          CAPTURE(to_string(s));
          CAPTURE(pp);
          CAPTURE(m);
          CAPTURE(j);
          CHECK(peak_in_flight(s, pp, j, m) == peak_in_flight(stage_operations(s, pp, j, m)));
        }
      }
    }
  }
}
