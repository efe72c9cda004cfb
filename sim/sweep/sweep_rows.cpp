#include "sim/sweep/sweep_rows.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/report/csv.hpp"

namespace dnnsim {
namespace {

std::string row_prefix(const SweepConfig& c, RowNames names, std::int64_t batch) {
  const std::string strategy =
      c.strategy.optimized ? "optimized" : std::string(to_string(c.strategy.strategy));
  return fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", csv_field(names.workload),
      csv_field(names.platform), c.engine, batch, c.procs, c.grid.pr, c.grid.pc, c.stages, strategy,
      c.microbatches, to_string(c.schedule), c.zero, to_string(c.recompute),
      c.sequence_parallel ? "true" : "false", c.bucket_bytes, csv_number(c.bandwidth_scale),
      csv_number(c.latency_scale), csv_number(c.flops_scale), csv_number(c.intra_bandwidth_scale));
}

}  // namespace

std::string sweep_result_row(const SweepConfig& c, RowNames names, std::int64_t batch,
                             const Result& r) {
  double phases[5] = {0, 0, 0, 0, 0};
  for (const LayerResult& l : r.layers) {
    phases[0] += l.forward_s;
    phases[1] += l.backward_s;
    phases[2] += l.gradient_s;
    phases[3] += l.halo_s;
    phases[4] += l.redistribute_s;
  }
  SweepConfig shown = c;
  shown.grid = r.grid;
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},\n", row_prefix(shown, names, batch),
                     csv_number(r.iteration_s), csv_number(r.compute_s), csv_number(r.comm_s),
                     csv_number(phases[0]), csv_number(phases[1]), csv_number(phases[2]),
                     csv_number(phases[3]), csv_number(phases[4]),
                     csv_number(std::ceil(r.memory_bytes_per_proc)), r.exceeds_memory(),
                     csv_number(r.pipeline ? r.pipeline->bubble_s : 0.0), csv_number(r.mfu()));
}

std::string sweep_error_row(const SweepConfig& c, RowNames names, std::int64_t batch,
                            std::string error) {
  std::replace(error.begin(), error.end(), '\n', ' ');  // one line per row
  return fmt::format("{},,,,,,,,,,,,,{}\n", row_prefix(c, names, batch), csv_field(error));
}

}  // namespace dnnsim
