// The configurations of a sweep (sim/sweep/sweep_spec.hpp, expand), in the order every
// shard agrees on.

#include <map>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace dnnsim {

std::vector<SweepConfig> expand(const SweepSpec& spec) {
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
              for (const std::int64_t m : spec.microbatches) {
                c.microbatches = m;
                for (const Schedule& schedule : spec.schedules) {
                  c.schedule = schedule;
                  for (const int zero : spec.zero) {
                    c.zero = zero;
                    for (const Recompute recompute : spec.recompute) {
                      c.recompute = recompute;
                      for (const bool sp : spec.sequence_parallel) {
                        c.sequence_parallel = sp;
                        for (const std::int64_t bucket : spec.bucket_bytes) {
                          c.bucket_bytes = bucket;
                          for (const auto& engine : spec.engines) {
                            c.engine = engine;
                            for (const double bw : spec.bandwidth_scales) {
                              c.bandwidth_scale = bw;
                              for (const double lat : spec.latency_scales) {
                                c.latency_scale = lat;
                                for (const double fl : spec.flops_scales) {
                                  c.flops_scale = fl;
                                  for (const double intra : spec.intra_bandwidth_scales) {
                                    c.intra_bandwidth_scale = intra;
                                    c.index = out.size();
                                    if (out.size() == kMaxSweepRows) {
                                      throw InputError(
                                          spec.file, std::nullopt, "",
                                          fmt::format("the sweep has more than {} configurations; "
                                                      "split it into several sweeps",
                                                      kMaxSweepRows));
                                    }
                                    out.push_back(c);
                                  }
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace dnnsim
