#include "sim/taskgraph/private_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

namespace dnnsim {
namespace {

// The messages from one member to another not yet taken by both: the k-th send meets the
// k-th receive, and travels once both are posted.
struct Pair {
  std::int64_t peer = 0;
  struct Message {
    double sent_s = -1.0;      ///< when the sender posted it (-1: not yet)
    double received_s = -1.0;  ///< when the receiver posted it
    int taken = 0;             ///< by how many of the two sides' steps
  };
  std::deque<Message> queue;
  std::size_t first = 0;  ///< number of the queue's front message
  std::size_t sends = 0;  ///< posted so far by each side
  std::size_t receives = 0;
};

// Each member's pairs, by the other member: a member talks to a few (two on a ring, log p
// otherwise), so a short list beats a p x p table, which a group of thousands cannot hold.
class Pairs {
 public:
  explicit Pairs(std::size_t p) : out_(p) {}
  Pair& get(std::int64_t from, std::int64_t to) {
    auto& list = out_[static_cast<std::size_t>(from)];
    for (Pair& pair : list) {
      if (pair.peer == to) return pair;
    }
    list.push_back(Pair{to, {}, 0, 0, 0});
    return list.back();
  }

 private:
  std::vector<std::vector<Pair>> out_;
};

Pair::Message& at(Pair& pair, std::size_t k) {
  while (pair.queue.size() <= k - pair.first) pair.queue.emplace_back();
  return pair.queue[k - pair.first];
}

void take(Pair& pair, std::size_t k) {
  ++at(pair, k).taken;
  while (!pair.queue.empty() && pair.queue.front().taken == 2) {
    pair.queue.pop_front();
    ++pair.first;
  }
}

// A ring: each member's schedule is one step, to the next member and from the previous,
// repeated alike. Its step j ends at c plus the latest end of step j - 1 among the member
// and its two neighbours, so after J steps at c plus the latest arrival within J members;
// a ring pass has J >= p - 1, so that is the latest arrival of all.
bool is_ring(const std::vector<CompactSchedule>& schedule) {
  const auto p = static_cast<std::int64_t>(schedule.size());
  for (std::int64_t k = 0; k < p; ++k) {
    const CompactSchedule& s = schedule[static_cast<std::size_t>(k)];
    if (s.steps.size() != 1 || s.steps[0].sends.size() != 1 || s.steps[0].recvs.size() != 1 ||
        s.steps[0].sends[0].peer != (k + 1) % p || s.steps[0].recvs[0].peer != (k - 1 + p) % p ||
        s.steps[0].sends[0].bytes != schedule[0].steps[0].sends[0].bytes ||
        s.repeats[0] != schedule[0].repeats[0] || 2 * s.repeats[0] + 1 < p) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool runs_on_private_links(CollectiveOp op, Algorithm algorithm, std::int64_t p) {
  if (op != CollectiveOp::allreduce && op != CollectiveOp::allgather &&
      op != CollectiveOp::reduce_scatter) {
    return false;
  }
  for (std::int64_t rank = 0; rank < p; ++rank) {
    for (const ScheduleStep& step : compact_schedule(op, algorithm, p, rank, 1.0).steps) {
      if (step.sends.size() > 1 || step.recvs.size() > 1) return false;
    }
  }
  return true;
}

std::vector<double> private_finish_times(CollectiveOp op, Algorithm algorithm,
                                         const std::vector<double>& arrival, double bytes,
                                         double latency_s, double bandwidth) {
  const std::size_t n = arrival.size();
  const auto p = static_cast<std::int64_t>(n);
  std::vector<CompactSchedule> schedule(n);
  std::vector<ScheduleCursor> cursor(n);
  for (std::size_t i = 0; i < n; ++i) {
    schedule[i] = compact_schedule(op, algorithm, p, static_cast<std::int64_t>(i), bytes);
    cursor[i] = ScheduleCursor(schedule[i]);
  }
  // SimGrid sizes are whole bytes (the replay's rounding).
  const auto travel = [&](double b) {
    return latency_s + static_cast<double>(std::llround(std::max(b, 1.0))) / bandwidth;
  };
  if (n > 1 && is_ring(schedule)) {
    // Step by step, as the clock of a replay adds them up.
    double end_s = *std::max_element(arrival.begin(), arrival.end());
    const double step_s = travel(schedule[0].steps[0].sends[0].bytes);
    for (std::int64_t j = 0; j < schedule[0].repeats[0]; ++j) end_s += step_s;
    return std::vector<double>(n, end_s);
  }
  Pairs pairs(n);
  std::vector<double> posted_s = arrival;         // when each posted its current step
  std::vector<std::vector<std::size_t>> slot(n);  // its messages' numbers in their pairs
  const auto post = [&](std::size_t i) {
    slot[i].clear();
    if (cursor[i].done()) return;
    const auto k = static_cast<std::int64_t>(i);
    for (const Message& m : cursor[i].step().sends) {
      Pair& pair = pairs.get(k, m.peer);
      slot[i].push_back(pair.sends);
      at(pair, pair.sends++).sent_s = posted_s[i];
    }
    for (const Message& m : cursor[i].step().recvs) {
      Pair& pair = pairs.get(m.peer, k);
      slot[i].push_back(pair.receives);
      at(pair, pair.receives++).received_s = posted_s[i];
    }
  };
  for (std::size_t i = 0; i < n; ++i) post(i);
  // When message k of `pair` arrives, or -1 while one side has not posted it.
  const auto arrives = [&](Pair& pair, std::size_t k, double b) {
    const Pair::Message& m = at(pair, k);
    if (m.sent_s < 0.0 || m.received_s < 0.0) return -1.0;
    return std::max(m.sent_s, m.received_s) + travel(b);
  };
  std::size_t unfinished = 0;
  for (std::size_t i = 0; i < n; ++i) unfinished += cursor[i].done() ? 0 : 1;
  while (unfinished > 0) {
    bool progress = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (cursor[i].done()) continue;
      const auto k = static_cast<std::int64_t>(i);
      const ScheduleStep& s = cursor[i].step();
      double end_s = posted_s[i];
      bool matched = true;
      std::size_t m = 0;
      for (const Message& msg : s.sends) {
        const double t = arrives(pairs.get(k, msg.peer), slot[i][m++], msg.bytes);
        matched = matched && t >= 0.0;
        end_s = std::max(end_s, t);
      }
      for (const Message& msg : s.recvs) {
        const double t = arrives(pairs.get(msg.peer, k), slot[i][m++], msg.bytes);
        matched = matched && t >= 0.0;
        end_s = std::max(end_s, t);
      }
      if (!matched) continue;
      m = 0;
      for (const Message& msg : s.sends) take(pairs.get(k, msg.peer), slot[i][m++]);
      for (const Message& msg : s.recvs) take(pairs.get(msg.peer, k), slot[i][m++]);
      posted_s[i] = end_s;
      cursor[i].next();
      if (cursor[i].done()) --unfinished;
      post(i);
      progress = true;
    }
    if (!progress) throw std::logic_error("private_finish_times: the schedules never match");
  }
  return posted_s;
}

}  // namespace dnnsim
