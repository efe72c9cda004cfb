// `dnnsim taskgraph`: one rank's task graph as JSON or Graphviz DOT.

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.hpp"
#include "sim/cli/forwarded_signals.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/platform/platform_xml.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/run_options.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/strategy/placement.hpp"
#include "sim/taskgraph/smpi_export.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim::cli {
namespace {

struct TaskGraphOptions {
  std::int64_t rank = 0;
  std::string collective = "auto";
  std::vector<std::string> export_args;  ///< {"smpi", DIR}
};

void write_smpi_files(const RunRequest& req, const TaskGraphCompiler& compiler, Algorithm algorithm,
                      const std::string& dir, const std::function<void()>& after_rank);

// Writes DIR/{rank-*.txt, traces.txt, platform.xml, hostfile, run.sh}: everything
// `smpirun -replay` needs to replay the iteration on the same machine. The files are
// written in DIR/.dnnsim-export and moved into DIR once all are written: a failed or
// interrupted (SIGINT, SIGTERM, SIGHUP) export leaves nothing behind.
void export_smpi(const RunRequest& req, const TaskGraphCompiler& compiler, Algorithm algorithm,
                 const std::string& dir) {
  namespace fs = std::filesystem;
  if (req.plans.front().pipeline.active()) {
    throw InputError("", std::nullopt, "--export",
                     "pipeline stages send without waiting (docs/model.md), which SMPI's "
                     "time-independent traces cannot say; export a plan without stages or "
                     "microbatches");
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw InputError(dir, std::nullopt, "--export", "is a file; expected a directory");
  }
  const bool existed = fs::exists(dir, ec);
  const fs::path staging = fs::path(dir) / ".dnnsim-export";
  ForwardedSignals signals;
  const auto stop_if_interrupted = [&] {
    if (const int signal = signals.received(); signal != 0) {
      throw InputError(
          dir, std::nullopt, "--export",
          fmt::format("export interrupted by {}; nothing written", signal_name(signal)));
    }
  };
  try {
    fs::remove_all(staging, ec);
    write_smpi_files(req, compiler, algorithm, staging.string(), stop_if_interrupted);
    stop_if_interrupted();
    for (const auto& entry : fs::directory_iterator(staging)) {
      fs::rename(entry.path(), fs::path(dir) / entry.path().filename());
    }
    fs::remove(staging);
  } catch (...) {
    fs::remove_all(existed ? staging : fs::path(dir), ec);
    throw;
  }
}

void write_smpi_files(const RunRequest& req, const TaskGraphCompiler& compiler, Algorithm algorithm,
                      const std::string& dir, const std::function<void()>& after_rank) {
  if (req.platform.name == "none" || !req.platform.simgrid_xml.empty()) {
    throw InputError("", std::nullopt, "--export",
                     "the SMPI export writes the platform as SimGrid XML: give --platform a YAML "
                     "platform");
  }
  const Plan& plan = req.plans.front();
  const std::string xml = simgrid_platform_xml(req.platform, plan.procs);
  write_smpi_traces(compiler, algorithm, dir, after_rank);
  emit((std::filesystem::path(dir) / "platform.xml").string(), xml);
  std::string hosts;
  for (std::int64_t rank = 0; rank < plan.procs; ++rank) {
    hosts += fmt::format("host{}\n", host_of(rank, plan.grid, Placement::column));
  }
  emit((std::filesystem::path(dir) / "hostfile").string(), hosts);
  // -no-privatize: the program replayed is SMPI's own smpireplaymain, which keeps no
  // per-rank globals; privatizing them copies the program once per rank (a quarter of the
  // replay's wall time at P = 64, on this machine).
  emit((std::filesystem::path(dir) / "run.sh").string(),
       fmt::format("#!/bin/sh\n# Replays {} on {} ({} processes, grid {}) with SMPI.\n"
                   "cd \"$(dirname \"$0\")\" && exec smpirun -np {} -platform platform.xml "
                   "-hostfile hostfile -no-privatize -replay traces.txt --cfg=network/model:CM02 "
                   "--cfg=network/crosstraffic:0 --cfg=network/TCP-gamma:0 "
                   "--cfg=smpi/display-timing:1 \"$@\"\n",
                   req.network.name, req.platform.name, plan.procs, plan.grid.to_string(),
                   plan.procs));
  std::filesystem::permissions(std::filesystem::path(dir) / "run.sh",
                               std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
}

std::string label(const Network& net, const Task& t) {
  const std::string& layer = net.layers[t.layer].name;
  if (t.type == TaskType::compute) return fmt::format("{} {}", layer, to_string(t.compute));
  return fmt::format("{} {} {} ({} of {})", layer, to_string(t.phase), to_string(t.op),
                     to_string(t.group), t.group_size);
}

// the cost model's count for this rank: n per collective, n per round it takes in a halo.
double counted(const Task& t) {
  if (t.op != CollectiveOp::halo) return t.bytes;
  const auto steps = collective_schedule(CollectiveOp::halo, Algorithm::automatic, t.group_size,
                                         t.group_rank, t.bytes);
  return t.bytes * static_cast<double>(steps.size());
}

std::string render_json(const Network& net, const Plan& plan, const RankTasks& rt) {
  const TaskGraph& g = rt.graph;
  nlohmann::ordered_json j;
  j["workload"] = net.name;
  j["procs"] = plan.procs;
  j["grid"] = {{"pr", plan.grid.pr}, {"pc", plan.grid.pc}, {"pp", plan.pipeline.stages}};
  j["strategy"] = std::string(to_string(plan.strategy));
  j["rank"] = rt.rank;
  std::vector<double> bytes(net.layers.size(), 0.0);
  auto& tasks = j["tasks"] = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    const Task& t = g[v];
    nlohmann::ordered_json task;
    task["id"] = v;
    task["name"] = label(net, t);
    task["layer"] = net.layers[t.layer].name;
    task["pass"] = t.backward_pass ? "backward" : "forward";
    if (t.type == TaskType::compute) {
      task["type"] = "compute";
      task["compute"] = std::string(to_string(t.compute));
      task["flops"] = t.flops;
    } else {
      task["type"] = "collective";
      task["collective_id"] = t.order;
      task["phase"] = std::string(to_string(t.phase));
      task["collective"] = std::string(to_string(t.op));
      task["group"] = std::string(to_string(t.group));
      task["group_size"] = t.group_size;
      task["group_rank"] = t.group_rank;
      std::vector<std::int64_t> members;
      for (std::int64_t k = 0; k < t.group_size; ++k) members.push_back(t.member(k));
      task["members"] = members;
      task["bytes"] = t.bytes;
      bytes[t.layer] += counted(t);
    }
    std::vector<std::size_t> deps;
    for (const auto e : boost::make_iterator_range(boost::in_edges(v, g))) {
      deps.push_back(boost::source(e, g));
    }
    task["deps"] = deps;
    tasks.push_back(std::move(task));
  }
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    layers.push_back({{"name", net.layers[i].name}, {"comm_bytes", bytes[i]}});
  }
  return j.dump(2) + "\n";
}

std::string render_dot(const Network& net, const RankTasks& rt) {
  const TaskGraph& g = rt.graph;
  std::ostringstream out;
  fmt::print(out, "digraph rank{} {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n", rt.rank);
  for (std::size_t v = 0; v < boost::num_vertices(g); ++v) {
    const Task& t = g[v];
    const bool compute = t.type == TaskType::compute;
    fmt::print(out, "  t{} [label=\"{}\", shape={}, style=filled, fillcolor=\"{}\"];\n", v,
               label(net, t), compute ? "box" : "ellipse",
               compute ? "#cfe2ff" : (t.backward_pass ? "#ffe5b4" : "#d1f2d1"));
  }
  for (const auto e : boost::make_iterator_range(boost::edges(g))) {
    fmt::print(out, "  t{} -> t{};\n", boost::source(e, g), boost::target(e, g));
  }
  out << "}\n";
  return out.str();
}

}  // namespace

void add_taskgraph_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto tg = std::make_shared<TaskGraphOptions>();
  CLI::App* cmd = app.add_subcommand("taskgraph", "Dump one rank's task graph (JSON or DOT)");
  add_run_options(*cmd, *options, /*platform_required=*/false);
  add_integer_option(*cmd, "--rank", tg->rank, "The rank whose graph to print", 0)
      ->default_str("0");
  cmd->add_option("--collective", tg->collective, "Collective algorithm of the SMPI export")
      ->default_str("auto");
  cmd->add_option("--export", tg->export_args,
                  "smpi DIR: write every rank's graph as SMPI time-independent traces, with the "
                  "platform as SimGrid XML, for smpirun -replay")
      ->expected(2);
  cmd->callback([options, tg] {
    RunOptions o = *options;
    // taskgraph prints JSON (also the default, "table") or DOT.
    constexpr std::array<std::string_view, 2> kFormats{"json", "dot"};
    if (o.format != "table" && o.format != "json" && o.format != "dot") {
      throw InputError("", std::nullopt, "--format", unknown_name("format", o.format, kFormats));
    }
    const bool dot = o.format == "dot";
    if (dot || o.format == "table") o.format = "json";
    const auto algorithm = algorithm_from_string(tg->collective);
    if (!algorithm) {
      throw InputError("", std::nullopt, "--collective",
                       unknown_name("algorithm", tg->collective, kAlgorithmNames));
    }
    const RunRequest req = make_request(o);
    if (req.grid_all) throw InputError("", std::nullopt, "--grid", "pick one grid, not 'all'");
    const Plan& plan = req.plans.front();
    if (tg->rank < 0 || tg->rank >= plan.procs) {
      throw InputError("", std::nullopt, "--rank",
                       fmt::format("expected a rank in [0, {}), got {}", plan.procs, tg->rank));
    }
    TaskGraphCompiler compiler(req.network, plan, req.batch, req.platform);
    require_within_limits(req.network, compiler.execs(), static_cast<double>(req.batch));
    if (!tg->export_args.empty()) {
      if (tg->export_args.size() != 2 || tg->export_args[0] != "smpi") {
        throw InputError("", std::nullopt, "--export", "expected: --export smpi DIR");
      }
      export_smpi(req, compiler, *algorithm, tg->export_args[1]);
      return;
    }
    const RankTasks rt = compiler.compile_rank(tg->rank);
    emit(options->output, dot ? render_dot(req.network, rt) : render_json(req.network, plan, rt));
  });
}

}  // namespace dnnsim::cli
