#include "sim/engine/replay_record.hpp"

#include <algorithm>

namespace dnnsim {

void RankTimes::add(const Task& t, double duration) {
  if (t.type == TaskType::compute) {
    compute_s[t.layer] += duration;
  } else if (t.op == CollectiveOp::send || t.op == CollectiveOp::recv) {
    wait_s += duration;  // between pipeline stages: waiting, not a phase (docs/model.md)
  } else {
    phase_s[t.layer * kPhases + static_cast<int>(t.phase)] += duration;
  }
}

void ReplayRecord::merge(std::int64_t rank, double end_s, const RankTimes& times,
                         std::size_t rank_tasks) {
  if (end_s < spread.first_rank_s) {
    spread.first_rank_s = end_s;
    spread.first_rank = rank;
  }
  if (end_s >= spread.last_rank_s) {  // of ranks finishing together, the last to report
    spread.last_rank_s = end_s;
    spread.last_rank = rank;
  }
  for (std::size_t k = 0; k < times.phase_s.size(); ++k) {
    phase_s[k] = std::max(phase_s[k], times.phase_s[k]);
  }
  for (std::size_t k = 0; k < times.compute_s.size(); ++k) {
    compute_s[k] = std::max(compute_s[k], times.compute_s[k]);
  }
  most_busy_s = std::max(most_busy_s, end_s - times.wait_s);
  ++finished;
  tasks += static_cast<std::int64_t>(rank_tasks);
}

}  // namespace dnnsim
