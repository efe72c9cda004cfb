// `dnnsim calibrate`: measures this machine with the real kernels and writes a platform
// file the simulator takes. The measurements run in a child process,
// `mpirun -np 2 dnnsim-kernels --calibrate`, since `dnnsim` never links MPI. With
// --kernel-efficiency it also times one process running the workloads' whole layers and
// sets node.efficiency to the share of the GEMM rate they reach (docs/kernels.md).

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.hpp"
#include "sim/cli/program_run.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/request/run_options.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::cli {
namespace {

struct CalibrateOptions {
  std::string output;
  std::string measurements;
  std::string kernels;
  std::string mpirun = "mpirun";
  std::string name = "local";
  int np = 2;
  std::int64_t batch = 64;
  std::vector<std::string> shapes_from;
  bool kernel_efficiency = false;
  int iterations = 10;
};

// dnnsim-kernels next to this program: in the build tree, or installed beside it.
std::string find_kernels(const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!given.empty()) {
    if (!fs::exists(given, ec)) {
      throw InputError(given, std::nullopt, "--kernels", "no such program");
    }
    return given;
  }
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {self.parent_path() / "sim" / "kernels" / "dnnsim-kernels",
                                      self.parent_path() / "dnnsim-kernels"}) {
      if (fs::exists(candidate, ec)) return candidate.string();
    }
  }
  throw InputError("", std::nullopt, "--kernels",
                   "cannot find dnnsim-kernels beside dnnsim; build it (target dnnsim-kernels) "
                   "or pass --kernels PATH");
}

// MemTotal of /proc/meminfo, in bytes.
double memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0.0;
  while (meminfo >> key) {
    if (key == "MemTotal:") {
      meminfo >> kib;
      return kib * 1024.0;
    }
    meminfo.ignore(1 << 10, '\n');
  }
  throw InputError("/proc/meminfo", std::nullopt, "MemTotal", "cannot read this machine's memory");
}

// A workload calibrate times: its file, resolved once, is what every run it starts gets
// (the name inside a file is no preset name in general), and its network is what the
// analytic engine prices.
struct Workload {
  std::string file;     ///< absolute, so that mpirun's working directory does not matter
  bool preset = false;  ///< named as a preset (`mlp`) rather than by its file
  Network network;
};

// --shapes-from, or the default mlp and small-cnn; each loaded here, so that a bad file is
// refused before any measurement. A file named twice is timed once.
std::vector<Workload> load_workloads(const std::vector<std::string>& given) {
  namespace fs = std::filesystem;
  const std::vector<std::string> names =
      given.empty() ? std::vector<std::string>{"mlp", "small-cnn"} : given;
  std::vector<Workload> out;
  for (const std::string& name : names) {
    const std::string resolved = resolve_preset(name, "workloads");
    std::error_code ec;
    fs::path path = fs::absolute(resolved, ec);
    if (!ec) path = fs::weakly_canonical(path, ec);
    const std::string file = ec ? resolved : path.string();
    if (std::any_of(out.begin(), out.end(), [&](const Workload& w) { return w.file == file; })) {
      continue;
    }
    out.push_back({file, resolved != name, load_network(resolved)});
  }
  return out;
}

// How the platform's header names a workload: a preset by its name, a file by both.
std::string label(const Workload& w) {
  return w.preset ? w.network.name : fmt::format("{} ({})", w.network.name, w.file);
}

std::vector<std::string> mpirun_argv(const CalibrateOptions& o, int np) {
  std::vector<std::string> argv{o.mpirun, "-np", std::to_string(np)};
  if (geteuid() == 0) argv.emplace_back("--allow-run-as-root");
  if (np > sysconf(_SC_NPROCESSORS_ONLN)) argv.emplace_back("--oversubscribe");
  argv.push_back(find_kernels(o.kernels));
  return argv;
}

nlohmann::json run_kernels(const std::vector<std::string>& argv) {
  ForwardedSignals signals;
  const ProgramRun child =
      run_program(argv, current_environment(), signals, {.capture_stdout = true});
  if (child.interrupted != 0) {
    throw InputError(
        "", std::nullopt, "calibrate",
        fmt::format("interrupted by {}; nothing written", signal_name(child.interrupted)));
  }
  if (!WIFEXITED(child.status) || WEXITSTATUS(child.status) != 0) {
    throw InputError("", std::nullopt, "calibrate",
                     fmt::format("'{}' failed with {}", fmt::join(argv, " "),
                                 WIFEXITED(child.status)
                                     ? fmt::format("exit status {}", WEXITSTATUS(child.status))
                                     : signal_name(WTERMSIG(child.status))));
  }
  try {
    return nlohmann::json::parse(child.out);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("", std::nullopt, "calibrate",
                     fmt::format("dnnsim-kernels printed no measurements ({})", e.what()));
  }
}

nlohmann::json measure(const CalibrateOptions& o, const std::vector<Workload>& workloads) {
  std::vector<std::string> argv = mpirun_argv(o, o.np);
  argv.insert(argv.end(), {"--calibrate", "--format", "json", "--batch", std::to_string(o.batch)});
  for (const Workload& w : workloads) argv.insert(argv.end(), {"--shapes-from", w.file});
  return run_kernels(argv);
}

// node.efficiency (docs/model.md, Compute: compute_s divides by node.flops * node.efficiency):
// the model prices only the FLOPs of conv2d and linear layers, at the GEMM rate, while the
// kernels also spend time in im2col, col2im, pooling, ReLU and in GEMMs of shapes slower
// than the average. One process runs each workload's training iteration (grid 1x1, the
// median of `iterations`); the efficiency is the analytic compute time at efficiency 1
// over the measured compute time, summed over the workloads (at most 1).
nlohmann::json measure_efficiency(const CalibrateOptions& o, const std::vector<Workload>& workloads,
                                  const Platform& platform) {
  nlohmann::json runs = nlohmann::json::array();
  double predicted = 0.0;
  double measured = 0.0;
  for (const Workload& w : workloads) {
    std::vector<std::string> argv = mpirun_argv(o, 1);
    argv.insert(argv.end(),
                {w.file, "--grid", "1x1", "--strategy", "batch", "--batch", std::to_string(o.batch),
                 "--iterations", std::to_string(o.iterations), "--format", "json"});
    const nlohmann::json run = run_kernels(argv);
    AnalyticModel model(w.network, platform);
    const double p_s =
        model.run(uniform_plan(w.network, Strategy::batch, {1, 1}), o.batch).compute_s;
    const double m_s = run.at("compute_s").get<double>();
    if (!(m_s > 0.0) || !(p_s > 0.0)) {
      throw InputError(w.file, std::nullopt, "--kernel-efficiency",
                       fmt::format("workload '{}' has no compute to time ({} s measured, {} s "
                                   "predicted)",
                                   w.network.name, m_s, p_s));
    }
    runs.push_back({{"workload", w.network.name},
                    {"file", w.file},
                    {"measured_compute_s", m_s},
                    {"predicted_compute_s", p_s}});
    predicted += p_s;
    measured += m_s;
  }
  return {{"ranks", 1},
          {"iterations", o.iterations},
          {"runs", runs},
          {"efficiency", std::min(1.0, predicted / measured)}};
}

std::string platform_yaml(const CalibrateOptions& o, const std::vector<Workload>& calibrated,
                          const nlohmann::json& m) {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const double flops = m["gemm"]["flops_per_s"].get<double>();
  const double latency = m["pingpong"]["latency_s"].get<double>();
  const double bandwidth = m["pingpong"]["bandwidth_bytes_per_s"].get<double>();
  std::vector<std::string> labels;
  for (const Workload& w : calibrated) labels.push_back(label(w));
  const std::string workloads = fmt::format("{}", fmt::join(labels, ", "));
  double efficiency = 1.0;
  std::string efficiency_note =
      "# efficiency 1: the measured rate is already what the kernels reach).\n";
  if (m.contains("kernel_efficiency")) {
    const nlohmann::json& k = m["kernel_efficiency"];
    efficiency = k["efficiency"].get<double>();
    std::string runs;
    for (const auto& r : k["runs"]) {
      runs +=
          fmt::format("\n#   {}: {:.2f} ms measured, {:.2f} ms at the GEMM rate",
                      r["workload"].get<std::string>(), r["measured_compute_s"].get<double>() * 1e3,
                      r["predicted_compute_s"].get<double>() * 1e3);
    }
    efficiency_note = fmt::format(
        "# node.efficiency: the share of that rate one process running the training iteration\n"
        "# of these workloads reaches (im2col, pooling, ReLU and all GEMMs; dnnsim-kernels,\n"
        "# grid 1x1, median of {} iterations), compute time:{}).\n",
        k["iterations"].get<int>(), runs);
  }
  return fmt::format(
      "# This machine, measured by `dnnsim calibrate` on {:%Y-%m-%d %H:%M} (UTC) with the real\n"
      "# kernels (docs/kernels.md): {} cores, one process each.\n"
      "# node.flops: single-threaded OpenBLAS SGEMM, {} ranks computing at once, over the\n"
      "# products one training iteration of {} makes at batch {} ({:.1f} GFLOP/s;\n"
      "{}"
      "# network: MPI ping-pong between two local ranks, median one-way times of messages of\n"
      "# 8 B to 8 MiB, one alpha-beta line fitted on relative error: latency {:.2f} us,\n# "
      "bandwidth {:.2f} GB/s (per-size medians in the measurements JSON).\n"
      "# Memory: MemTotal of /proc/meminfo.\n"
      "name: {}\n"
      "nodes: {}\n"
      "node: {{flops: {:.4e}, efficiency: {:.4f}, memory: {:.4e}}}\n"
      "network:\n"
      "  topology: crossbar\n"
      "  latency: {:.4e}\n"
      "  bandwidth: {:.4e}\n",
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()), cores,
      m["gemm"]["ranks"].get<int>(), workloads, m["gemm"]["batch"].get<std::int64_t>(), flops / 1e9,
      efficiency_note, latency * 1e6, bandwidth / 1e9, o.name, cores, flops, efficiency,
      memory_bytes(), latency, bandwidth);
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Measure this machine (GEMM rate, MPI latency and bandwidth) with the real kernels and "
      "write a platform file");
  cmd->add_option("--output,-o", o->output, "Platform YAML to write (default: stdout)");
  cmd->add_option("--measurements", o->measurements, "Also write the raw measurements (JSON)");
  cmd->add_option("--kernels", o->kernels, "The dnnsim-kernels program (default: beside dnnsim)");
  cmd->add_option("--mpirun", o->mpirun, "The MPI launcher")->default_str("mpirun");
  add_integer_option(*cmd, "--np", o->np, "Ranks measured at once (the ping-pong uses two)", 2,
                     1 << 16)
      ->default_str("2");
  add_integer_option(*cmd, "--batch,-B", o->batch, "Mini-batch of the GEMM shapes")
      ->default_str("64");
  cmd->add_option(
      "--shapes-from", o->shapes_from,
      "Workloads (presets or files) whose GEMM shapes are timed (default: mlp, small-cnn)");
  cmd->add_option("--name", o->name, "The platform's name")->default_str("local");
  cmd->add_flag("--kernel-efficiency", o->kernel_efficiency,
                "Also time one process running the workloads' whole training iteration and set "
                "node.efficiency to the share of the GEMM rate it reaches");
  add_integer_option(*cmd, "--iterations", o->iterations,
                     "Iterations timed per workload by --kernel-efficiency (the median counts)", 1,
                     1000)
      ->default_str("10");
  cmd->callback([o] {
    const std::string file = o->output.empty() ? "calibrate" : o->output;
    const std::vector<Workload> workloads = load_workloads(o->shapes_from);
    nlohmann::json m = measure(*o, workloads);
    std::string yaml = platform_yaml(*o, workloads, m);
    const Platform platform = parse_platform(YAML::Load(yaml), file);
    if (o->kernel_efficiency) {
      m["kernel_efficiency"] = measure_efficiency(*o, workloads, platform);
      yaml = platform_yaml(*o, workloads, m);
      (void)parse_platform(YAML::Load(yaml), file);
    }
    if (!o->measurements.empty()) emit(o->measurements, m.dump(2) + "\n");
    emit(o->output, yaml);
  });
}

}  // namespace dnnsim::cli
