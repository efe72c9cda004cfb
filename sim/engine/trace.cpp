#include "sim/engine/trace.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"

namespace dnnsim {

void write_trace(const std::string& path, const std::vector<TraceSpan>& spans,
                 const std::string& title) {
  nlohmann::json events = nlohmann::json::array();
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", 0}, {"args", {{"name", title}}}});
  std::int64_t max_rank = -1;
  for (const TraceSpan& s : spans) max_rank = std::max(max_rank, s.rank);
  for (std::int64_t r = 0; r <= max_rank; ++r) {
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", 0},
                      {"tid", r},
                      {"args", {{"name", "rank " + std::to_string(r)}}}});
  }
  for (const TraceSpan& s : spans) {
    // Trace Event Format times are microseconds.
    events.push_back({{"name", s.name},
                      {"cat", s.category},
                      {"ph", "X"},
                      {"pid", 0},
                      {"tid", s.rank},
                      {"ts", s.start_s * 1e6},
                      {"dur", (s.end_s - s.start_s) * 1e6}});
  }
  const nlohmann::json doc = {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
  write_atomically(path, doc.dump() + "\n", "--trace");
}

std::string trace_name(const Network& network, const Task& t) {
  const std::string& layer = network.layers[t.layer].name;
  if (t.type == TaskType::compute) return fmt::format("{} {}", layer, to_string(t.compute));
  if (t.phase == Phase::halo) {
    return fmt::format("{} {} halo", layer, t.backward_pass ? "backward" : "forward");
  }
  if (t.phase == Phase::redistribute) return fmt::format("{} redistribute", layer);
  return fmt::format("{} {} {}", layer, to_string(t.phase), to_string(t.op));
}

}  // namespace dnnsim
