#pragma once
// Sweep specifications (docs/sweeps.md): the axes of a study, expanded into one
// configuration per row of the output CSV, in a fixed order that every shard agrees on.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/strategy/plan.hpp"

namespace dnnsim {

/// `optimized` runs the per-layer optimizer; the others are uniform strategies.
struct SweepStrategy {
  bool optimized = false;
  Strategy strategy = Strategy::batch;
};

struct SweepSpec {
  std::string file;
  std::vector<std::string> workloads;  ///< resolved paths
  std::vector<std::string> platforms;  ///< resolved paths
  std::vector<std::int64_t> procs;
  bool all_grids = true;
  std::vector<PipelineGrid> grids;  ///< when not all_grids (PRxPC: one stage)
  /// Pipeline stages Pp, for `grids: all` and for batch and model rows (default 1).
  std::vector<std::int64_t> stages{1};
  std::vector<std::int64_t> microbatches{1};
  std::vector<Schedule> schedules{Schedule{}};
  std::vector<int> zero{0};
  std::vector<Recompute> recompute{Recompute::none};
  std::vector<bool> sequence_parallel{false};
  std::vector<std::int64_t> bucket_bytes{0};
  std::vector<SweepStrategy> strategies;
  std::vector<std::int64_t> batches;  ///< empty: each workload's own
  std::vector<std::string> engines;   ///< "analytic" and / or "simgrid"
  std::vector<double> bandwidth_scales{1.0};
  std::vector<double> latency_scales{1.0};
  std::vector<double> flops_scales{1.0};
  std::vector<double> intra_bandwidth_scales{1.0};  ///< a hierarchical platform's node network
  // SimGrid options
  std::string collective = "auto";
  std::string placement = "column";
  bool overlap = true;
};

/// One row of the sweep.
struct SweepConfig {
  std::size_t index = 0;  ///< position in the full sweep (shards keep it)
  std::size_t workload = 0;
  std::size_t platform = 0;
  std::string engine;
  std::int64_t batch = 0;  ///< 0: the workload's own
  std::int64_t procs = 0;
  ProcessGrid grid;  ///< each stage's Pr x Pc
  std::int64_t stages = 1;
  SweepStrategy strategy;
  std::int64_t microbatches = 1;
  Schedule schedule;
  int zero = 0;
  Recompute recompute = Recompute::none;
  bool sequence_parallel = false;
  std::int64_t bucket_bytes = 0;
  double bandwidth_scale = 1.0;
  double latency_scale = 1.0;
  double flops_scale = 1.0;
  double intra_bandwidth_scale = 1.0;
};

/// Turns a workload or platform name (`kind` is "workloads" or "platforms") into a path;
/// throws InputError when there is none.
using PresetResolver = std::function<std::string(const std::string&, std::string_view)>;

/// Parses and validates a sweep file; `resolve(name, kind)` turns preset names into paths.
/// Throws InputError.
[[nodiscard]] SweepSpec load_sweep_spec(const std::string& path, const PresetResolver& resolve);

/// The same from parsed YAML; `path` names it in messages.
[[nodiscard]] SweepSpec parse_sweep_spec(const YAML::Node& root, const std::string& path,
                                         const PresetResolver& resolve);

/// The most configurations one sweep may hold.
inline constexpr std::size_t kMaxSweepRows = 1'000'000;

/// Every configuration in order: workload, platform, batch, procs, strategy, stages and grid,
/// microbatches, schedule, ZeRO stage, recomputation, sequence parallelism, bucket bytes,
/// engine, bandwidth, latency, flops and intra-node bandwidth scale (the last varies fastest).
/// More than kMaxSweepRows is an InputError (sim/sweep/sweep_expand.cpp).
[[nodiscard]] std::vector<SweepConfig> expand(const SweepSpec& spec);

/// The header of the sweep CSV (docs/sweeps.md).
[[nodiscard]] std::string_view sweep_csv_header();

/// "K/N" -> {K, N} with 0 <= K < N, or nothing.
[[nodiscard]] std::optional<std::pair<int, int>> parse_shard(std::string_view text);

}  // namespace dnnsim
