#include "sim/taskgraph/private_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dnnsim {
namespace {

// When the messages posted between an ordered pair of members (sender, receiver) left each
// side: the k-th send meets the k-th receive.
struct PairQueue {
  std::vector<double> sent_s;      ///< when the sender posted each
  std::vector<double> received_s;  ///< when the receiver posted each
};

}  // namespace

bool runs_on_private_links(CollectiveOp op, Algorithm algorithm, std::int64_t p) {
  if (op != CollectiveOp::allreduce && op != CollectiveOp::allgather &&
      op != CollectiveOp::reduce_scatter) {
    return false;
  }
  for (std::int64_t rank = 0; rank < p; ++rank) {
    for (const ScheduleStep& step : collective_schedule(op, algorithm, p, rank, 1.0)) {
      if (step.sends.size() > 1 || step.recvs.size() > 1) return false;
    }
  }
  return true;
}

std::vector<double> private_finish_times(CollectiveOp op, Algorithm algorithm,
                                         const std::vector<double>& arrival, double bytes,
                                         double latency_s, double bandwidth) {
  const auto p = static_cast<std::int64_t>(arrival.size());
  const auto n = static_cast<std::size_t>(p);
  std::vector<RankSchedule> schedule(n);
  for (std::int64_t k = 0; k < p; ++k) {
    schedule[static_cast<std::size_t>(k)] = collective_schedule(op, algorithm, p, k, bytes);
  }
  std::vector<PairQueue> pairs(n * n);  // [sender * p + receiver]
  const auto pair = [&](std::int64_t from, std::int64_t to) -> PairQueue& {
    return pairs[static_cast<std::size_t>(from * p + to)];
  };
  // Where each member's current step's messages sit in their pairs' queues.
  std::vector<std::size_t> step(n, 0);
  std::vector<double> posted_s = arrival;
  std::vector<std::vector<std::size_t>> slot(n);
  const auto post = [&](std::int64_t k) {
    const auto i = static_cast<std::size_t>(k);
    slot[i].clear();
    if (step[i] >= schedule[i].size()) return;
    const ScheduleStep& s = schedule[i][step[i]];
    for (const Message& m : s.sends) {
      PairQueue& q = pair(k, m.peer);
      slot[i].push_back(q.sent_s.size());
      q.sent_s.push_back(posted_s[i]);
    }
    for (const Message& m : s.recvs) {
      PairQueue& q = pair(m.peer, k);
      slot[i].push_back(q.received_s.size());
      q.received_s.push_back(posted_s[i]);
    }
  };
  for (std::int64_t k = 0; k < p; ++k) post(k);
  // SimGrid sizes are whole bytes (the replay's rounding).
  const auto travel = [&](double b) {
    return latency_s + static_cast<double>(std::llround(std::max(b, 1.0))) / bandwidth;
  };
  std::size_t unfinished = 0;
  for (std::size_t i = 0; i < n; ++i) unfinished += schedule[i].empty() ? 0 : 1;
  while (unfinished > 0) {
    bool progress = false;
    for (std::int64_t k = 0; k < p; ++k) {
      const auto i = static_cast<std::size_t>(k);
      if (step[i] >= schedule[i].size()) continue;
      const ScheduleStep& s = schedule[i][step[i]];
      double end_s = posted_s[i];
      bool matched = true;
      std::size_t m = 0;
      for (const Message& msg : s.sends) {
        const PairQueue& q = pair(k, msg.peer);
        const std::size_t at = slot[i][m++];
        if (at >= q.received_s.size()) {
          matched = false;
          break;
        }
        end_s = std::max(end_s, std::max(q.sent_s[at], q.received_s[at]) + travel(msg.bytes));
      }
      for (std::size_t r = 0; matched && r < s.recvs.size(); ++r) {
        const Message& msg = s.recvs[r];
        const PairQueue& q = pair(msg.peer, k);
        const std::size_t at = slot[i][m++];
        if (at >= q.sent_s.size()) {
          matched = false;
          break;
        }
        end_s = std::max(end_s, std::max(q.sent_s[at], q.received_s[at]) + travel(msg.bytes));
      }
      if (!matched) continue;
      posted_s[i] = end_s;
      ++step[i];
      if (step[i] >= schedule[i].size()) --unfinished;
      post(k);
      progress = true;
    }
    if (!progress) throw std::logic_error("private_finish_times: the schedules never match");
  }
  return posted_s;
}

}  // namespace dnnsim
