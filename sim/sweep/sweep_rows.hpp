#pragma once
// The rows of a sweep's CSV (docs/sweeps.md): one per configuration, with its result or the
// reason it could not run, in the columns of sweep_csv_header().

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/result/result.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace dnnsim {

/// The names a row shows for its workload and platform.
struct RowNames {
  std::string_view workload;
  std::string_view platform;
};

/// A configuration's result. Optimized rows report their plan's default grid.
[[nodiscard]] std::string sweep_result_row(const SweepConfig& c, RowNames names, std::int64_t batch,
                                           const Result& r);

/// A configuration that could not run, and why (one line).
[[nodiscard]] std::string sweep_error_row(const SweepConfig& c, RowNames names, std::int64_t batch,
                                          std::string error);

}  // namespace dnnsim
