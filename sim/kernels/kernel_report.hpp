#pragma once
// What a kernel run reports: per layer the bytes of each phase (counted as docs/model.md counts
// them), the time measured, and the error against the single-process run.

#include <array>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/kernels/traffic.hpp"
#include "sim/strategy/layout.hpp"
#include "sim/strategy/plan.hpp"
#include "sim/workload/network.hpp"

namespace dnnsim::kernels {

struct LayerReport {
  Kind kind = Kind::integrated;
  /// Per Account: the cost model's n summed over the layer's collectives, averaged over the
  /// parallel groups (halos: the busiest process of each column).
  std::array<double, kAccounts> bytes{};
  double busiest_rank_bytes = 0.0;  ///< the most any one process counted (docs/model.md phases)
  double compute_s = 0.0;
  double comm_s = 0.0;
  double max_rel_error = 0.0;

  /// The five phases of docs/model.md; the unmodelled backward changes are not in it.
  [[nodiscard]] double comm_bytes() const noexcept {
    double sum = 0.0;
    for (std::size_t a = 0; a < kAccounts; ++a) {
      if (static_cast<Account>(a) != Account::unmodelled) sum += bytes[a];
    }
    return sum;
  }
};

struct KernelReport {
  std::string workload;
  Count batch = 0;
  std::int64_t procs = 0;
  ProcessGrid grid;
  Strategy strategy = Strategy::integrated;
  bool sequence_parallel = false;
  int iterations = 0;
  double iteration_s = 0.0;
  double compute_s = 0.0;
  double comm_s = 0.0;
  double max_rel_error = 0.0;
  std::vector<LayerReport> layers;
};

[[nodiscard]] nlohmann::ordered_json to_json(const KernelReport& report, const Network& network);
void write_table(std::ostream& out, const KernelReport& report, const Network& network);

}  // namespace dnnsim::kernels
