#include "sim/taskgraph/collective_schedule.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace dnnsim {
namespace {

[[nodiscard]] ScheduleStep exchange(std::int64_t to, double sent, std::int64_t from,
                                    double received) {
  return {{{to, sent}}, {{from, received}}};
}
[[nodiscard]] ScheduleStep send_only(std::int64_t to, double bytes) {
  return {{{to, bytes}}, {}};
}
[[nodiscard]] ScheduleStep recv_only(std::int64_t from, double bytes) {
  return {{}, {{from, bytes}}};
}

[[nodiscard]] bool is_power_of_two(std::int64_t p) noexcept {
  return std::has_single_bit(static_cast<std::uint64_t>(p));
}

// The power-of-two core of a recursive all-reduce, in virtual ranks. MPICH folds the first
// 2 * rem real ranks pairwise onto their odd member, so virtual rank v < rem is real rank
// 2v + 1 and the others are shifted by rem; with rem = 0 virtual and real ranks coincide.
struct Core {
  std::int64_t pof2 = 1;
  std::int64_t rem = 0;
  [[nodiscard]] std::int64_t real(std::int64_t v) const noexcept {
    return v < rem ? 2 * v + 1 : v + rem;
  }
};

// Recursive halving reduce-scatter in MPICH's order (allreduce-rab-rdb): distance 1 first,
// each step swapping half of what the rank still reduces, so the largest message (n/2) goes
// to the nearest rank. Step at distance d swaps n / (2d) each way.
void recursive_halving(const Core& core, std::int64_t v, double bytes, RankSchedule& out) {
  for (std::int64_t d = 1; d < core.pof2; d *= 2) {
    const std::int64_t peer = core.real(v ^ d);
    const double half = bytes / static_cast<double>(2 * d);
    out.push_back(exchange(peer, half, peer, half));
  }
}

// Recursive doubling all-gather, the mirror of recursive_halving: farthest distance first
// with one block n / pof2, the largest message (n/2) to the nearest rank last.
void recursive_doubling(const Core& core, std::int64_t v, double bytes, RankSchedule& out) {
  for (std::int64_t d = core.pof2 / 2; d >= 1; d /= 2) {
    const std::int64_t peer = core.real(v ^ d);
    const double held = bytes / static_cast<double>(2 * d);
    out.push_back(exchange(peer, held, peer, held));
  }
}

// Blocks of n/p that Bruck's step at distance d moves: it doubles what a rank holds until
// the last step, which only fills the remaining p - d blocks. The blocks sum to p - 1.
[[nodiscard]] double bruck_bytes(std::int64_t p, std::int64_t d, double bytes) noexcept {
  return static_cast<double>(std::min(d, p - d)) * bytes / static_cast<double>(p);
}

// Bruck's all-gather: ceil(log2 p) steps for any p, step k at distance 2^k sends to
// r - 2^k and receives from r + 2^k.
void bruck_allgather(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  for (std::int64_t d = 1; d < p; d *= 2) {
    const double moved = bruck_bytes(p, d, bytes);
    out.push_back(exchange((rank - d + p) % p, moved, (rank + d) % p, moved));
  }
}

// The dual of Bruck's all-gather: the same steps in reverse order, data flowing the other
// way, so partial sums travel towards their owner.
void bruck_reduce_scatter(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  for (auto d = static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(p - 1)));
       d >= 1; d /= 2) {
    const double moved = bruck_bytes(p, d, bytes);
    out.push_back(exchange((rank + d) % p, moved, (rank - d + p) % p, moved));
  }
}

// One pass around the ring: p - 1 steps, each passing one block of n/p to the right. The
// all-gather and the reduce-scatter move the same sizes between the same ranks.
void ring_pass(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  const double block = bytes / static_cast<double>(p);
  for (std::int64_t step = 0; step + 1 < p; ++step) {
    out.push_back(exchange((rank + 1) % p, block, (rank - 1 + p) % p, block));
  }
}

// The subtree a rank roots in the binomial tree of root 0: its lowest set bit, or the whole
// (rounded-up) group for the root.
[[nodiscard]] std::int64_t binomial_span(std::int64_t p, std::int64_t rank) noexcept {
  if (rank == 0) return static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(p)));
  return rank & -rank;
}

// MPICH's binomial broadcast: receive from the parent, then send to the children, the
// largest subtree first, so the tree is done after ceil(log2 p) steps of n.
void binomial_broadcast(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  const std::int64_t span = binomial_span(p, rank);
  if (rank != 0) out.push_back(recv_only(rank - span, bytes));
  for (std::int64_t m = span / 2; m >= 1; m /= 2) {
    if (rank + m < p) out.push_back(send_only(rank + m, bytes));
  }
}

// The broadcast reversed: gather the children's partial results, smallest subtree first,
// then pass the sum to the parent.
void binomial_reduce(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  const std::int64_t span = binomial_span(p, rank);
  for (std::int64_t m = 1; m < span; m *= 2) {
    if (rank + m < p) out.push_back(recv_only(rank + m, bytes));
  }
  if (rank != 0) out.push_back(send_only(rank - span, bytes));
}

// MPICH's Rabenseifner all-reduce (allreduce-rab-rdb): with pof2 the largest power of two
// <= p and rem = p - pof2, each even rank below 2 * rem hands its whole vector to the next
// rank, waits for the power-of-two core, then gets the result back.
void mpich_allreduce(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  const auto pof2 = static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(p)));
  const Core core{pof2, p - pof2};
  const bool folded = rank < 2 * core.rem;
  if (folded && rank % 2 == 0) {
    out.push_back(send_only(rank + 1, bytes));
    out.push_back(recv_only(rank + 1, bytes));
    return;
  }
  const std::int64_t v = folded ? rank / 2 : rank - core.rem;
  if (folded) out.push_back(recv_only(rank - 1, bytes));
  recursive_halving(core, v, bytes, out);
  recursive_doubling(core, v, bytes, out);
  if (folded) out.push_back(send_only(rank - 1, bytes));
}

// The model's halo (docs/model.md, "Domain"): round 1 pairs (0,1), (2,3), ...;
// round 2 pairs (1,2), (3,4), ...; a rank without a partner in a round skips it.
void halo(std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  for (const std::int64_t round : {0, 1}) {
    const std::int64_t peer = (rank + round) % 2 == 0 ? rank + 1 : rank - 1;
    if (peer >= 0 && peer < p) out.push_back(exchange(peer, bytes, peer, bytes));
  }
}

[[noreturn]] void no_such(CollectiveOp op, Algorithm algorithm, std::int64_t p) {
  throw std::invalid_argument(fmt::format("no '{}' {} for a group of {} processes",
                                          to_string(algorithm), to_string(op), p));
}

// The algorithm that actually runs, or an exception when the combination does not exist.
[[nodiscard]] Algorithm resolve(CollectiveOp op, Algorithm algorithm, std::int64_t p) {
  switch (op) {
    case CollectiveOp::halo:
    case CollectiveOp::send:
    case CollectiveOp::recv:
      return algorithm;  // a single pattern: the choice is ignored
    case CollectiveOp::broadcast:
    case CollectiveOp::reduce:
      if (algorithm == Algorithm::automatic || algorithm == Algorithm::binomial) {
        return Algorithm::binomial;
      }
      no_such(op, algorithm, p);
    case CollectiveOp::allgather:
    case CollectiveOp::regrid:
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::allreduce:
      break;
  }
  // The default meets the costs of docs/model.md, "Collectives", exactly for every p.
  if (algorithm == Algorithm::automatic) {
    return is_power_of_two(p) ? Algorithm::recursive : Algorithm::bruck;
  }
  const bool allreduce = op == CollectiveOp::allreduce;
  const bool exists = (algorithm == Algorithm::recursive && is_power_of_two(p)) ||
                      algorithm == Algorithm::bruck || algorithm == Algorithm::ring ||
                      (allreduce && (algorithm == Algorithm::binomial ||
                                     algorithm == Algorithm::rabenseifner_mpich));
  if (!exists) no_such(op, algorithm, p);
  return algorithm;
}

void allgather(Algorithm a, std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  if (a == Algorithm::recursive) recursive_doubling(Core{p, 0}, rank, bytes, out);
  if (a == Algorithm::bruck) bruck_allgather(p, rank, bytes, out);
  if (a == Algorithm::ring) ring_pass(p, rank, bytes, out);
}

void reduce_scatter(Algorithm a, std::int64_t p, std::int64_t rank, double bytes,
                    RankSchedule& out) {
  if (a == Algorithm::recursive) recursive_halving(Core{p, 0}, rank, bytes, out);
  if (a == Algorithm::bruck) bruck_reduce_scatter(p, rank, bytes, out);
  if (a == Algorithm::ring) ring_pass(p, rank, bytes, out);
}

void allreduce(Algorithm a, std::int64_t p, std::int64_t rank, double bytes, RankSchedule& out) {
  switch (a) {
    case Algorithm::rabenseifner_mpich:  // equals `recursive` on a power of two (rem = 0)
    case Algorithm::recursive:
      mpich_allreduce(p, rank, bytes, out);
      return;
    case Algorithm::binomial:
      binomial_reduce(p, rank, bytes, out);
      binomial_broadcast(p, rank, bytes, out);
      return;
    case Algorithm::automatic:  // resolved before
    case Algorithm::bruck:
    case Algorithm::ring:
      reduce_scatter(a, p, rank, bytes, out);
      allgather(a, p, rank, bytes, out);
      return;
  }
}

}  // namespace

std::string_view to_string(Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Algorithm::automatic:
      return "auto";
    case Algorithm::recursive:
      return "recursive";
    case Algorithm::bruck:
      return "bruck";
    case Algorithm::ring:
      return "ring";
    case Algorithm::binomial:
      return "binomial";
    case Algorithm::rabenseifner_mpich:
      return "rabenseifner-mpich";
  }
  return "auto";
}

std::optional<Algorithm> algorithm_from_string(std::string_view name) noexcept {
  for (const Algorithm a : {Algorithm::automatic, Algorithm::recursive, Algorithm::bruck,
                            Algorithm::ring, Algorithm::binomial, Algorithm::rabenseifner_mpich}) {
    if (name == to_string(a)) return a;
  }
  // `recursive` is Rabenseifner's all-reduce on the power-of-two groups it accepts.
  if (name == "rabenseifner") return Algorithm::recursive;
  return std::nullopt;
}

namespace {

// Checks the arguments; returns the algorithm that runs.
Algorithm checked(CollectiveOp op, Algorithm algorithm, std::int64_t p, std::int64_t rank,
                  double bytes) {
  if (p < 1) throw std::invalid_argument(fmt::format("group size {} is below 1", p));
  if (rank < 0 || rank >= p) {
    throw std::invalid_argument(fmt::format("rank {} is outside a group of {}", rank, p));
  }
  if (!std::isfinite(bytes) || bytes < 0.0) {
    throw std::invalid_argument(fmt::format("payload {} bytes is not a size", bytes));
  }
  return resolve(op, algorithm, p);
}

}  // namespace

CompactSchedule compact_schedule(CollectiveOp op, Algorithm algorithm, std::int64_t p,
                                 std::int64_t rank, double bytes) {
  const bool passes = op == CollectiveOp::allgather || op == CollectiveOp::reduce_scatter ||
                      op == CollectiveOp::allreduce || op == CollectiveOp::regrid;
  CompactSchedule out;
  if (checked(op, algorithm, p, rank, bytes) == Algorithm::ring && passes && p > 1) {
    // ring_pass's step, p - 1 times (twice over for an all-reduce).
    const double pd = static_cast<double>(p);
    const double block = (op == CollectiveOp::regrid ? bytes * pd / (pd - 1.0) : bytes) / pd;
    out.steps.push_back(exchange((rank + 1) % p, block, (rank - 1 + p) % p, block));
    out.repeats.push_back(op == CollectiveOp::allreduce ? 2 * (p - 1) : p - 1);
    return out;
  }
  for (ScheduleStep& step : collective_schedule(op, algorithm, p, rank, bytes)) {
    out.steps.push_back(std::move(step));
    out.repeats.push_back(1);
  }
  return out;
}

RankSchedule collective_schedule(CollectiveOp op, Algorithm algorithm, std::int64_t p,
                                 std::int64_t rank, double bytes) {
  const Algorithm a = checked(op, algorithm, p, rank, bytes);
  RankSchedule out;
  if (p == 1) return out;
  switch (op) {
    case CollectiveOp::allgather:
      allgather(a, p, rank, bytes, out);
      break;
    case CollectiveOp::regrid: {
      // The model's grid change, alpha * lg(P) + beta * n (docs/model.md, "Layouts and
      // changing them"): an all-gather in which every process receives n bytes, i.e. of a
      // whole of n * P / (P - 1).
      const double pd = static_cast<double>(p);
      allgather(a, p, rank, bytes * pd / (pd - 1.0), out);
      break;
    }
    case CollectiveOp::reduce_scatter:
      reduce_scatter(a, p, rank, bytes, out);
      break;
    case CollectiveOp::allreduce:
      allreduce(a, p, rank, bytes, out);
      break;
    case CollectiveOp::broadcast:
      binomial_broadcast(p, rank, bytes, out);
      break;
    case CollectiveOp::reduce:
      binomial_reduce(p, rank, bytes, out);
      break;
    case CollectiveOp::halo:
      halo(p, rank, bytes, out);
      break;
    case CollectiveOp::send:  // to member 1 - rank of the pair
      out.push_back({{{1 - rank, bytes}}, {}});
      break;
    case CollectiveOp::recv:
      out.push_back({{}, {{1 - rank, bytes}}});
      break;
  }
  return out;
}

}  // namespace dnnsim
