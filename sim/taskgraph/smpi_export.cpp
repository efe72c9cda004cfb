#include "sim/taskgraph/smpi_export.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/os.h>

#include "sim/common/error.hpp"

namespace dnnsim {

void write_smpi_traces(const TaskGraphCompiler& compiler, Algorithm algorithm,
                       const std::string& dir) {
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
    auto out = fmt::output_file((fs::path(dir) / name).string());
    out.print("{} init\n", rank);
    for (std::size_t v = 0; v < boost::num_vertices(rt.graph); ++v) {
      const Task& t = rt.graph[v];
      if (t.type == TaskType::compute) {
        if (t.flops > 0) out.print("{} compute {:.17g}\n", rank, t.flops);
        continue;
      }
      for (const ScheduleStep& step :
           collective_schedule(t.kind, algorithm, t.group_size, t.group_rank, t.bytes)) {
        // The same whole-byte rounding as the SimGrid engine; tag 0 keeps pairwise order.
        for (const Message& m : step.recvs) {
          out.print("{} irecv {} 0 {}\n", rank, t.member(m.peer),
                    std::llround(std::max(m.bytes, 1.0)));
        }
        for (const Message& m : step.sends) {
          out.print("{} isend {} 0 {}\n", rank, t.member(m.peer),
                    std::llround(std::max(m.bytes, 1.0)));
        }
        out.print("{} waitall\n", rank);
      }
    }
    out.print("{} finalize\n", rank);
  }
  std::ofstream(fs::path(dir) / "traces.txt") << list;
}

}  // namespace dnnsim
