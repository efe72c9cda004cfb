#pragma once
// The options `analytic` and `simulate` share: workload, platform, batch, processes, grid,
// strategy or plan file, output format and file. Parsed by CLI11, then checked here once.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "sim/platform/platform.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

enum class Format { table, json, csv };

struct RunOptions {
  std::string workload;
  std::string platform;
  std::optional<std::int64_t> batch;
  std::optional<std::int64_t> procs;
  std::string grid;  ///< "PRxPC", "PRxPCxPP", "all" or empty
  std::string strategy;
  std::string plan_file;
  std::string format = "table";
  std::string output;     ///< empty: standard output
  std::string optimizer;  ///< empty: the workload's `optimizer:`
  bool sequence_parallel = false;
  std::optional<std::int64_t> microbatches;  ///< per replica and iteration (default 1)
  std::string schedule;                      ///< gpipe | 1f1b | interleaved:V (default 1f1b)
  std::optional<std::int64_t> zero;          ///< ZeRO stage 0-3 (default 0)
  std::string recompute;                     ///< none | selective | full (default none)
  std::optional<std::int64_t> bucket_bytes;  ///< gradient buckets (default 0: per layer)
  /// Set by the commands that replay in SimGrid: reads a SimGrid XML platform (which only
  /// SimGrid can read, and this library does not link). Unset: XML platforms are refused.
  std::function<Platform(const std::string&)> load_xml_platform;
};

/// Registers the shared options on a subcommand.
void add_run_options(CLI::App& command, RunOptions& options, bool platform_required = true);

/// The same without --platform: the workload, how to split it and the output options
/// (what `dnnsim-kernels` takes, which runs on the machine it is started on).
void add_plan_options(CLI::App& command, RunOptions& options);

/// What the options ask for, validated against the workload and platform.
struct RunRequest {
  Network network;
  Platform platform;
  std::int64_t batch = 0;
  Format format = Format::table;
  std::vector<Plan> plans;  ///< one, or one per factorization for `--grid all`
  bool grid_all = false;
};

/// Loads the inputs and builds the plans; throws InputError on any inconsistency.
[[nodiscard]] RunRequest make_request(const RunOptions& options);

/// The plans the options ask for on `network` (--plan, or --strategy with --grid or
/// --procs), exactly as make_request builds them; `grid_all` tells whether they are every
/// factorization of P. Throws InputError.
[[nodiscard]] std::vector<Plan> make_plans(const RunOptions& options, const Network& network,
                                           bool& grid_all);

[[nodiscard]] Format parse_format(const std::string& text);

/// `--schedule TEXT` and `--recompute TEXT`, read; throw InputError naming the option.
[[nodiscard]] Schedule schedule_option(const std::string& text);
[[nodiscard]] Recompute recompute_option(const std::string& text);

/// Refuses recomputation the network has nothing for: `full` without transformer blocks,
/// `selective` without attention. Throws InputError (key --recompute).
void check_recompute(const Network& network, Recompute recompute);

/// Applies `--optimizer NAME` to `network` (nothing when `name` is empty). Throws InputError.
void apply_optimizer(const std::string& name, Network& network);

/// Writes `text` to `path` through a temporary file renamed on success, or to stdout when
/// `path` is empty.
void emit(const std::string& path, const std::string& text);

}  // namespace dnnsim
