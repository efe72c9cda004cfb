#include "sim/engine/replay_record.hpp"

#include <algorithm>

namespace dnnsim {

void ReplayRecord::merge(std::int64_t rank, double end_s, const std::vector<double>& rank_phase_s,
                         const std::vector<double>& rank_compute_s, double wait_s,
                         std::size_t rank_tasks) {
  if (end_s < spread.first_rank_s) {
    spread.first_rank_s = end_s;
    spread.first_rank = rank;
  }
  if (end_s >= spread.last_rank_s) {  // of ranks finishing together, the last to report
    spread.last_rank_s = end_s;
    spread.last_rank = rank;
  }
  for (std::size_t k = 0; k < rank_phase_s.size(); ++k) {
    phase_s[k] = std::max(phase_s[k], rank_phase_s[k]);
  }
  for (std::size_t k = 0; k < rank_compute_s.size(); ++k) {
    compute_s[k] = std::max(compute_s[k], rank_compute_s[k]);
  }
  most_busy_s = std::max(most_busy_s, end_s - wait_s);
  ++finished;
  tasks += static_cast<std::int64_t>(rank_tasks);
}

}  // namespace dnnsim
