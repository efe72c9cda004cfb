#include "sim/taskgraph/smpi_export.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"

namespace dnnsim {

void write_smpi_traces(const TaskGraphCompiler& compiler, Algorithm algorithm,
                       const std::string& dir, const std::function<void()>& after_rank) {
  require_schedules(compiler.compile_rank(0), algorithm);
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir, std::nullopt, "--export", "cannot create this directory");
  std::string list;
  for (std::int64_t rank = 0; rank < compiler.procs(); ++rank) {
    const RankTasks rt = compiler.compile_rank(rank);
    const std::string name = fmt::format("rank-{}.txt", rank);
    list += name + "\n";
    fmt::memory_buffer text;
    const auto out = std::back_inserter(text);
    fmt::format_to(out, "{} init\n", rank);
    for (std::size_t v = 0; v < boost::num_vertices(rt.graph); ++v) {
      const Task& t = rt.graph[v];
      if (t.type == TaskType::compute) {
        if (t.flops > 0) fmt::format_to(out, "{} compute {:.17g}\n", rank, t.flops);
        continue;
      }
      for (const ScheduleStep& step :
           collective_schedule(t.op, algorithm, t.group_size, t.group_rank, t.bytes)) {
        // The same whole-byte rounding as the SimGrid engine; tag 0 keeps pairwise order.
        for (const Message& m : step.recvs) {
          fmt::format_to(out, "{} irecv {} 0 {}\n", rank, t.member(m.peer),
                         std::llround(std::max(m.bytes, 1.0)));
        }
        for (const Message& m : step.sends) {
          fmt::format_to(out, "{} isend {} 0 {}\n", rank, t.member(m.peer),
                         std::llround(std::max(m.bytes, 1.0)));
        }
        fmt::format_to(out, "{} waitall\n", rank);
      }
    }
    fmt::format_to(out, "{} finalize\n", rank);
    write_atomically((fs::path(dir) / name).string(), std::string_view(text.data(), text.size()),
                     "--export");
    if (after_rank) after_rank();
  }
  write_atomically((fs::path(dir) / "traces.txt").string(), list, "--export");
}

}  // namespace dnnsim
