#pragma once
// What the ranks of a replay report, merged as they finish (docs/design.md, "The SimGrid
// engine"). Plain data: the simulation is single-threaded.

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/engine/collective_instances.hpp"
#include "sim/engine/trace.hpp"
#include "sim/result/result.hpp"
#include "sim/taskgraph/task_graph.hpp"

namespace dnnsim {

inline constexpr int kPhases = 5;  // Phase::forward .. Phase::redistribute

/// What one rank measures: its time in each layer's computations and phases, and its waits.
struct RankTimes {
  explicit RankTimes(std::size_t layers) : phase_s(layers * kPhases, 0.0), compute_s(layers, 0.0) {}

  /// Charges task `t`, which took `duration` seconds.
  void add(const Task& t, double duration);

  std::vector<double> phase_s;    ///< per (layer, phase)
  std::vector<double> compute_s;  ///< per layer
  double wait_s = 0.0;            ///< for another stage's data, or for partners
};

/// What the ranks report, merged as they finish (the simulation is single-threaded).
struct ReplayRecord {
  explicit ReplayRecord(std::size_t layers)
      : phase_s(layers * kPhases, 0.0), compute_s(layers, 0.0) {}

  // Per-layer times: the max over ranks. A collective counts from the moment its last
  // member started it, so that a rank that arrives early and waits for its partners is not
  // charged for their lateness (docs/model.md prices the collective, not the skew).
  std::vector<double> phase_s;    ///< per (layer, phase)
  std::vector<double> compute_s;  ///< per layer
  CollectiveInstances instances;
  RankSpread spread{std::numeric_limits<double>::infinity(), 0.0, 0, 0};
  std::int64_t finished = 0;
  std::vector<TraceSpan> spans;
  /// Pipelines: the most any rank was busy, its end less its waits for another stage's
  /// activations or gradients and for the partners of its collectives (docs/model.md,
  /// "Pipeline parallelism": the bubble).
  double most_busy_s = 0.0;
  // What was replayed (the benchmark reports it).
  std::int64_t tasks = 0;
  std::int64_t compute_runs = 0;  ///< runs of computations (StageProgram)
  std::int64_t messages = 0;
  std::int64_t private_collectives = 0;  ///< collectives timed on private links, per member

  /// Merges what rank `rank`, which ended at `end_s` after `rank_tasks` tasks, measured.
  void merge(std::int64_t rank, double end_s, const RankTimes& times, std::size_t rank_tasks);
};

}  // namespace dnnsim
