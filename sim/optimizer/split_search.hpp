#pragma once
// The search over every way to split a network over P processes (docs/sweeps.md, "dnnsim
// optimize"): the grid Pr x Pc x Pp, a uniform strategy on each stage's Pr x Pc grid, the
// microbatches, the pipeline schedule, the ZeRO stage, recomputation and sequence
// parallelism. Every configuration is timed by the analytic engine; the answer is the
// fastest that fits in the device's memory.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/platform/platform.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/strategy/process_grid.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim {

/// One configuration: everything but per-layer kinds.
struct Split {
  Strategy strategy = Strategy::batch;  ///< uniform, on each stage's Pr x Pc grid
  PipelineGrid grid;
  std::int64_t microbatches = 1;
  Schedule schedule;
  int zero = 0;
  Recompute recompute = Recompute::none;
  bool sequence_parallel = false;
};

/// The uniform strategies worth listing on a grid, each once by what it is: on 1 x P every
/// strategy is batch parallelism, and integrated on P x 1 is model parallelism.
[[nodiscard]] std::vector<Strategy> distinct_strategies(ProcessGrid grid);

/// Those the split search tries on a stage grid: on a network with transformer blocks,
/// Pr > 1 means Megatron-LM's tensor parallelism only.
[[nodiscard]] std::vector<Strategy> split_strategies(const Network& network, ProcessGrid grid);

/// "tensor 8x16x8, 96 microbatches, interleaved:2, ZeRO 1, recompute selective, sequence
/// parallel" (the defaults are left out: "batch 1x64").
[[nodiscard]] std::string describe(const Split& split);

/// Gives `plan`, laid out on one stage's grid, the stages, microbatches, schedule, ZeRO
/// stage and recomputation of `split`, and gradient buckets. Throws InputError when the
/// pipeline cannot run (stage cuts, schedule). `pieces`, when given, are the stage cuts
/// of split's Pp x V pieces, already computed and its schedule already checked (the
/// search cuts each Pp x V once).
void apply_split(const Network& network, const Split& split, double bucket_bytes, Plan& plan,
                 const std::vector<std::int64_t>* pieces = nullptr);

/// The plan of `split` on `network`: its uniform strategy, then apply_split. Throws
/// InputError when it cannot run (stage cuts, schedule, strategy and grid).
[[nodiscard]] Plan split_plan(const Network& network, const Split& split,
                              double bucket_bytes = 0.0);

/// What a configuration gives.
struct SplitOutcome {
  Split split;
  std::string limit;  ///< not empty: it cannot run, and why (the option or layer, the limit)
  double iteration_s = 0.0;
  double compute_s = 0.0;
  double comm_s = 0.0;
  double bubble_s = 0.0;
  double memory_bytes = 0.0;
  double mfu = 0.0;
  bool fits = false;  ///< runs, and within the device's memory (if it states one)
};

/// The values each choice may take; an axis left empty is searched over every value that
/// makes sense for the network (docs/sweeps.md lists them).
struct SplitAxes {
  std::optional<PipelineGrid> grid;          ///< Pr x Pc x Pp (a 2-factor grid: Pp = 1)
  std::optional<std::int64_t> microbatches;  ///< m
  std::optional<Schedule> schedule;
  std::optional<int> zero;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
  double bucket_bytes = 0.0;  ///< not searched: applied to every configuration
};

/// Every configuration of the space on `procs` processes at mini-batch `batch`, in the
/// order searched: Pp, then Pr ascending, strategy, sequence parallelism, m, schedule,
/// recomputation, ZeRO (consecutive ZeRO stages 0-2 time the same schedule).
[[nodiscard]] std::vector<Split> split_space(const Network& network, std::int64_t procs,
                                             std::int64_t batch, const SplitAxes& axes);

struct SplitSearch {
  std::vector<SplitOutcome> outcomes;  ///< one per configuration, in split_space's order
  std::optional<std::size_t> best;     ///< the fastest that fits (ties: less memory first)
};

/// Called as the search goes, with the configurations done and in all.
using SplitProgress = std::function<void(std::size_t done, std::size_t total)>;

[[nodiscard]] SplitSearch search_splits(const Network& network, const Platform& platform,
                                        std::int64_t procs, std::int64_t batch,
                                        const SplitAxes& axes, const SplitProgress& progress = {});

/// Ranks two outcomes: the one that fits, then the faster, then the one using less memory.
[[nodiscard]] bool better(const SplitOutcome& a, const SplitOutcome& b) noexcept;

}  // namespace dnnsim
