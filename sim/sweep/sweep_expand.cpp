// The configurations of a sweep (sim/sweep/sweep_spec.hpp, expand), in the order every
// shard agrees on.

#include <functional>
#include <map>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace dnnsim {
namespace {

/// One axis of the sweep after its grid: how many values, and how the k-th is set.
struct Axis {
  std::size_t size = 0;
  std::function<void(SweepConfig&, std::size_t)> set;
};

template <typename T, typename Field>
Axis axis(const std::vector<T>& values, Field field) {
  return {values.size(), [&values, field](SweepConfig& c, std::size_t k) { c.*field = values[k]; }};
}

/// Calls `visit` once per combination of `axes`' values set on `c`, the last axis varying
/// fastest (an odometer).
void for_each_combination(const std::vector<Axis>& axes, SweepConfig& c,
                          const std::function<void()>& visit) {
  for (const Axis& a : axes) {
    if (a.size == 0) return;
  }
  std::vector<std::size_t> at(axes.size(), 0);
  for (std::size_t k = 0; k < axes.size(); ++k) axes[k].set(c, 0);
  while (true) {
    visit();
    std::size_t k = axes.size();
    while (k > 0 && ++at[k - 1] == axes[k - 1].size) {
      at[k - 1] = 0;
      axes[k - 1].set(c, 0);
      --k;
    }
    if (k == 0) return;
    axes[k - 1].set(c, at[k - 1]);
  }
}

}  // namespace

std::vector<SweepConfig> expand(const SweepSpec& spec) {
  // After the grid, in this order: the choices of pipelines, sharding and recomputation,
  // the engine, then the what-if scales.
  const std::vector<Axis> inner{
      axis(spec.microbatches, &SweepConfig::microbatches),
      axis(spec.schedules, &SweepConfig::schedule),
      axis(spec.zero, &SweepConfig::zero),
      axis(spec.recompute, &SweepConfig::recompute),
      axis(spec.sequence_parallel, &SweepConfig::sequence_parallel),
      axis(spec.bucket_bytes, &SweepConfig::bucket_bytes),
      axis(spec.engines, &SweepConfig::engine),
      axis(spec.bandwidth_scales, &SweepConfig::bandwidth_scale),
      axis(spec.latency_scales, &SweepConfig::latency_scale),
      axis(spec.flops_scales, &SweepConfig::flops_scale),
      axis(spec.intra_bandwidth_scales, &SweepConfig::intra_bandwidth_scale)};
  std::vector<SweepConfig> out;
  const std::vector<std::int64_t> batches =
      spec.batches.empty() ? std::vector<std::int64_t>{0} : spec.batches;
  // Every grid of each P / Pp, worked out once (P may be up to 2^40: a million trial
  // divisions).
  std::map<std::int64_t, std::vector<ProcessGrid>> every_grid;
  const auto grids_of = [&](std::int64_t procs) -> const std::vector<ProcessGrid>& {
    auto it = every_grid.find(procs);
    if (it == every_grid.end()) it = every_grid.emplace(procs, factorizations(procs)).first;
    return it->second;
  };
  SweepConfig c;
  for (c.workload = 0; c.workload < spec.workloads.size(); ++c.workload) {
    for (c.platform = 0; c.platform < spec.platforms.size(); ++c.platform) {
      for (const std::int64_t batch : batches) {
        c.batch = batch;
        for (std::size_t k = 0; k < spec.procs.size(); ++k) {
          const std::int64_t procs = spec.procs[k];
          c.procs = procs;
          for (const SweepStrategy& s : spec.strategies) {
            c.strategy = s;
            std::vector<PipelineGrid> grids;
            if (s.optimized) {
              grids.push_back({{1, procs}, 1});  // the optimizer's plan: one stage
            } else if (!spec.all_grids && s.strategy != Strategy::batch &&
                       s.strategy != Strategy::model) {
              for (const PipelineGrid& g : spec.grids) {
                if (g.procs() == procs) grids.push_back(g);
              }
            } else {
              for (const std::int64_t pp : spec.stages) {
                if (procs % pp != 0) continue;
                const std::int64_t q = procs / pp;
                if (s.strategy == Strategy::batch) {
                  grids.push_back({{1, q}, pp});
                } else if (s.strategy == Strategy::model) {
                  grids.push_back({{q, 1}, pp});
                } else {
                  for (const ProcessGrid& g : grids_of(q)) grids.push_back({g, pp});
                }
              }
            }
            for (const PipelineGrid& g : grids) {
              c.grid = g.grid;
              c.stages = g.stages;
              for_each_combination(inner, c, [&] {
                c.index = out.size();
                if (out.size() == kMaxSweepRows) {
                  throw InputError(spec.file, std::nullopt, "",
                                   fmt::format("the sweep has more than {} configurations; "
                                               "split it into several sweeps",
                                               kMaxSweepRows));
                }
                out.push_back(c);
              });
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace dnnsim
