// `dnnsim calibrate`: measures this machine with the real kernels and writes a platform
// file the simulator takes. The measurements run in a child process,
// `mpirun -np 2 dnnsim-kernels --calibrate`, since `dnnsim` never links MPI.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "sim/cli/child_output.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/run_options.hpp"
#include "sim/common/error.hpp"
#include "sim/platform/platform_loader.hpp"

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

nlohmann::json measure(const CalibrateOptions& o) {
  std::vector<std::string> argv{o.mpirun, "-np", std::to_string(o.np)};
  if (geteuid() == 0) argv.emplace_back("--allow-run-as-root");
  if (o.np > sysconf(_SC_NPROCESSORS_ONLN)) argv.emplace_back("--oversubscribe");
  argv.insert(argv.end(), {find_kernels(o.kernels), "--calibrate", "--format", "json", "--batch",
                           std::to_string(o.batch)});
  for (const std::string& w : o.shapes_from) argv.insert(argv.end(), {"--shapes-from", w});
  const ChildOutput child = run_child(argv);
  if (child.status != 0) {
    throw InputError(
        "", std::nullopt, "calibrate",
        fmt::format("'{}' failed with exit status {}", fmt::join(argv, " "), child.status));
  }
  try {
    return nlohmann::json::parse(child.out);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("", std::nullopt, "calibrate",
                     fmt::format("dnnsim-kernels printed no measurements ({})", e.what()));
  }
}

std::string platform_yaml(const CalibrateOptions& o, const nlohmann::json& m) {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const double flops = m["gemm"]["flops_per_s"].get<double>();
  const double latency = m["pingpong"]["latency_s"].get<double>();
  const double bandwidth = m["pingpong"]["bandwidth_bytes_per_s"].get<double>();
  std::string workloads;
  for (const auto& s : m["gemm"]["shapes"]) {
    const std::string w = s["workload"].get<std::string>();
    if (workloads.find(w) == std::string::npos) workloads += (workloads.empty() ? "" : ", ") + w;
  }
  return fmt::format(
      "# This machine, measured by `dnnsim calibrate` on {:%Y-%m-%d %H:%M} (UTC) with the real\n"
      "# kernels (docs/kernels.md): {} cores, one process each.\n"
      "# node.flops: single-threaded OpenBLAS SGEMM, {} ranks computing at once, over the\n"
      "# products one training iteration of {} makes at batch {} ({:.1f} GFLOP/s;\n"
      "# efficiency 1: the measured rate is already what the kernels reach).\n"
      "# network: MPI ping-pong between two local ranks, median one-way times of messages of\n"
      "# 8 B to 8 MiB, one alpha-beta line fitted on relative error: latency {:.2f} us,\n# "
      "bandwidth {:.2f} GB/s (per-size medians in the measurements JSON).\n"
      "# Memory: MemTotal of /proc/meminfo.\n"
      "name: {}\n"
      "nodes: {}\n"
      "node: {{flops: {:.4e}, efficiency: 1.0, memory: {:.4e}}}\n"
      "network:\n"
      "  topology: crossbar\n"
      "  latency: {:.4e}\n"
      "  bandwidth: {:.4e}\n",
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()), cores,
      m["gemm"]["ranks"].get<int>(), workloads, m["gemm"]["batch"].get<std::int64_t>(), flops / 1e9,
      latency * 1e6, bandwidth / 1e9, o.name, cores, flops, memory_bytes(), latency, bandwidth);
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
  cmd->add_option("--np", o->np, "Ranks measured at once (the ping-pong uses two)")
      ->default_str("2")
      ->check(CLI::Range(2, 1 << 16));
  cmd->add_option("--batch,-B", o->batch, "Mini-batch of the GEMM shapes")
      ->default_str("64")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--shapes-from", o->shapes_from,
                  "Workloads whose GEMM shapes are timed (default: mlp, small-cnn)");
  cmd->add_option("--name", o->name, "The platform's name")->default_str("local");
  cmd->callback([o] {
    const nlohmann::json m = measure(*o);
    const std::string yaml = platform_yaml(*o, m);
    (void)parse_platform(YAML::Load(yaml), o->output.empty() ? "calibrate" : o->output);
    if (!o->measurements.empty()) emit(o->measurements, m.dump(2) + "\n");
    emit(o->output, yaml);
  });
}

}  // namespace dnnsim::cli
