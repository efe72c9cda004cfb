// Collective schedules against costs and step patterns worked out by hand from docs/model.md
// ("Collectives", and the halo of "Domain"). Timing: alpha = 10 us, beta = 1 ns/byte.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/taskgraph/collective_schedule.hpp"

using namespace dnnsim;

namespace {

constexpr double kAlpha = 1.0e-5;
constexpr double kBeta = 1.0e-9;
constexpr double kN = 1.0e6;
constexpr double kFractionalN = 1'000'003.0 / 7.0;

// Group sizes and their ceil(log2 p), worked out by hand.
struct Size {
  std::int64_t p;
  int lg;
};
constexpr Size kSizes[] = {{1, 0}, {2, 1},  {3, 2},  {4, 2},  {5, 3},  {6, 3}, {7, 3},
                           {8, 3}, {12, 4}, {16, 4}, {17, 5}, {31, 5}, {64, 6}};

[[nodiscard]] bool same(double actual, double expected) {
  return std::abs(actual - expected) <= 1e-12 * std::max(std::abs(actual), std::abs(expected));
}

using Schedules = std::vector<RankSchedule>;

[[nodiscard]] Schedules all_ranks(CollectiveOp kind, Algorithm algorithm, std::int64_t p,
                                  double n) {
  Schedules out;
  for (std::int64_t r = 0; r < p; ++r) out.push_back(collective_schedule(kind, algorithm, p, r, n));
  return out;
}

// A message as one end sees it: the partner, the partner's step that matches it, the bytes.
struct Link {
  std::int64_t peer;
  std::size_t peer_step;
  double bytes;
};

struct Replay {
  std::string error;  ///< empty when every message matched and no rank deadlocked
  double time_s = 0.0;
};

// Pairs the k-th send of a to b with the k-th receive of b from a (in step order) and
// returns, per rank and step, the links of the step; records the first mismatch in `error`.
[[nodiscard]] std::vector<std::vector<std::vector<Link>>> match(const Schedules& s,
                                                                std::string& error) {
  const auto p = static_cast<std::int64_t>(s.size());
  struct End {
    std::size_t step;
    double bytes;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<End>> sends, recvs;
  for (std::int64_t r = 0; r < p; ++r) {
    for (std::size_t k = 0; k < s[r].size(); ++k) {
      for (const Message& m : s[r][k].sends) sends[{r, m.peer}].push_back({k, m.bytes});
      for (const Message& m : s[r][k].recvs) recvs[{m.peer, r}].push_back({k, m.bytes});
    }
  }
  std::vector<std::vector<std::vector<Link>>> links(s.size());
  for (std::int64_t r = 0; r < p; ++r) links[r].resize(s[r].size());
  const auto fail = [&error](const std::string& what) {
    if (error.empty()) error = what;
  };
  for (const auto& [pair, sent] : sends) {
    const auto [a, b] = pair;
    if (b < 0 || b >= p || b == a) fail("send to bad peer " + std::to_string(b));
    const auto it = recvs.find(pair);
    if (it == recvs.end() || it->second.size() != sent.size()) {
      fail("sends " + std::to_string(a) + "->" + std::to_string(b) + " unmatched");
      continue;
    }
    for (std::size_t i = 0; i < sent.size(); ++i) {
      const End& got = it->second[i];
      if (!same(got.bytes, sent[i].bytes))
        fail("bytes differ " + std::to_string(a) + "->" + std::to_string(b));
      links[a][sent[i].step].push_back({b, got.step, sent[i].bytes});
      links[b][got.step].push_back({a, sent[i].step, sent[i].bytes});
    }
  }
  for (const auto& [pair, got] : recvs) {
    if (!sends.contains(pair))
      fail("recv " + std::to_string(pair.first) + "->" + std::to_string(pair.second) +
           " never sent");
  }
  return links;
}

// Replays the schedules on a contention-free, full-duplex alpha-beta network. A step starts
// when the rank's previous step is done; a message starts once both its sender's and its
// receiver's steps have started and takes alpha + beta * bytes; a step ends with its last
// message. For the synchronous pairwise exchanges of recursive, Bruck and ring this is the
// per-rank sum of alpha + beta * max(sent, received) over the steps; unlike that sum it also
// charges a rank for waiting on its partners (binomial trees, MPICH's fold, the halo's
// second round) and reports a deadlock when no rank can make progress.
[[nodiscard]] Replay replay(const Schedules& s) {
  Replay out;
  const auto links = match(s, out.error);
  if (!out.error.empty()) return out;
  const std::size_t p = s.size();
  std::vector<std::size_t> next(p, 0);  // first step not yet done, per rank
  std::vector<std::vector<double>> end(p);
  const auto start = [&](std::size_t r, std::size_t k) { return k == 0 ? 0.0 : end[r][k - 1]; };
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t r = 0; r < p; ++r) {
      while (next[r] < s[r].size()) {
        const std::size_t k = next[r];
        const auto& step = links[r][k];
        const bool ready = std::all_of(step.begin(), step.end(), [&](const Link& l) {
          return next[static_cast<std::size_t>(l.peer)] >= l.peer_step;
        });
        if (!ready) break;
        double done = start(r, k);
        for (const Link& l : step) {
          const double begin =
              std::max(start(r, k), start(static_cast<std::size_t>(l.peer), l.peer_step));
          done = std::max(done, begin + kAlpha + kBeta * l.bytes);
        }
        end[r].push_back(done);
        ++next[r];
        progress = true;
      }
    }
  }
  for (std::size_t r = 0; r < p; ++r) {
    if (next[r] < s[r].size()) {
      out.error = "deadlock at rank " + std::to_string(r);
      return out;
    }
    if (!end[r].empty()) out.time_s = std::max(out.time_s, end[r].back());
  }
  return out;
}

// The replayed time of a collective, failing the test on a mismatch or deadlock.
[[nodiscard]] double time_of(CollectiveOp kind, Algorithm algorithm, std::int64_t p, double n) {
  const Replay r = replay(all_ranks(kind, algorithm, p, n));
  INFO(to_string(kind), " ", to_string(algorithm), " p=", p, ": ", r.error);
  CHECK(r.error.empty());
  return r.time_s;
}

[[nodiscard]] double bytes_sent(const RankSchedule& schedule) {
  double total = 0.0;
  for (const ScheduleStep& step : schedule) {
    for (const Message& m : step.sends) total += m.bytes;
  }
  return total;
}

// Peers and sizes of a step that swaps `bytes` with one peer in both directions.
void check_swap(const ScheduleStep& step, std::int64_t peer, double bytes) {
  REQUIRE(step.sends.size() == 1);
  REQUIRE(step.recvs.size() == 1);
  CHECK(step.sends[0].peer == peer);
  CHECK(step.recvs[0].peer == peer);
  CHECK(same(step.sends[0].bytes, bytes));
  CHECK(same(step.recvs[0].bytes, bytes));
}

}  // namespace

TEST_CASE("collective names round-trip and 'rabenseifner' means recursive") {
  for (const Algorithm a : {Algorithm::automatic, Algorithm::recursive, Algorithm::bruck,
                            Algorithm::ring, Algorithm::binomial, Algorithm::rabenseifner_mpich}) {
    CHECK(algorithm_from_string(to_string(a)) == a);
  }
  CHECK(to_string(Algorithm::automatic) == "auto");
  CHECK(to_string(Algorithm::rabenseifner_mpich) == "rabenseifner-mpich");
  CHECK(algorithm_from_string("rabenseifner") == Algorithm::recursive);
  CHECK_FALSE(algorithm_from_string("automatic"));
  CHECK_FALSE(algorithm_from_string("Ring"));
  CHECK(to_string(CollectiveOp::allgather) == "allgather");
  CHECK(to_string(CollectiveOp::reduce_scatter) == "reduce-scatter");
  CHECK(to_string(CollectiveOp::allreduce) == "allreduce");
  CHECK(to_string(CollectiveOp::broadcast) == "broadcast");
  CHECK(to_string(CollectiveOp::reduce) == "reduce");
  CHECK(to_string(CollectiveOp::halo) == "halo");
}

TEST_CASE("the schedule replay catches unmatched messages and deadlocks") {
  // Rank 0 sends 8 bytes that rank 1 expects as 4.
  CHECK_FALSE(replay({{{{{1, 8.0}}, {}}}, {{{}, {{0, 4.0}}}}}).error.empty());
  // Rank 1 never receives.
  CHECK_FALSE(replay({{{{{1, 8.0}}, {}}}, {}}).error.empty());
  // Both ranks wait for the other's second step before sending.
  const RankSchedule waits_first{{{}, {{1, 1.0}}}, {{{1, 1.0}}, {}}};
  const RankSchedule waits_too{{{}, {{0, 1.0}}}, {{{0, 1.0}}, {}}};
  CHECK(replay({waits_first, waits_too}).error.find("deadlock") == 0);
  // One message: alpha + beta * n.
  const Replay one = replay({{{{{1, kN}}, {}}}, {{{}, {{0, kN}}}}});
  CHECK(one.error.empty());
  CHECK(same(one.time_s, kAlpha + kBeta * kN));
}

TEST_CASE("default collectives meet the cost model's costs exactly for every group size") {
  for (const double n : {kN, kFractionalN}) {
    for (const auto [p, lg] : kSizes) {
      CAPTURE(p);
      CAPTURE(n);
      const double pd = static_cast<double>(p);
      const double expected = kAlpha * lg + kBeta * (pd - 1.0) / pd * n;
      const auto a = Algorithm::automatic;
      CHECK(same(time_of(CollectiveOp::allgather, a, p, n), expected));
      CHECK(same(time_of(CollectiveOp::reduce_scatter, a, p, n), expected));
      CHECK(same(time_of(CollectiveOp::allreduce, a, p, n), 2.0 * expected));
      CHECK(all_ranks(CollectiveOp::allgather, a, p, n)[0].size() == static_cast<std::size_t>(lg));
    }
  }
}

TEST_CASE("all-gather collectives send (p-1)/p of the result per rank with every algorithm") {
  for (const auto [p, lg] : kSizes) {
    const double pd = static_cast<double>(p);
    std::vector<Algorithm> algorithms{Algorithm::automatic, Algorithm::bruck, Algorithm::ring};
    if ((p & (p - 1)) == 0) algorithms.push_back(Algorithm::recursive);
    for (const Algorithm a : algorithms) {
      const Schedules s = all_ranks(CollectiveOp::allgather, a, p, kFractionalN);
      for (std::int64_t r = 0; r < p; ++r) {
        CAPTURE(p);
        CAPTURE(r);
        CHECK(same(bytes_sent(s[r]), (pd - 1.0) / pd * kFractionalN));
      }
    }
  }
}

TEST_CASE("ring collectives take p-1 steps of n/p per pass") {
  for (const auto [p, lg] : kSizes) {
    CAPTURE(p);
    const double pd = static_cast<double>(p);
    const double pass = (pd - 1.0) * (kAlpha + kBeta * kN / pd);
    CHECK(same(time_of(CollectiveOp::allgather, Algorithm::ring, p, kN), pass));
    CHECK(same(time_of(CollectiveOp::reduce_scatter, Algorithm::ring, p, kN), pass));
    CHECK(same(time_of(CollectiveOp::allreduce, Algorithm::ring, p, kN), 2.0 * pass));
    CHECK(all_ranks(CollectiveOp::allreduce, Algorithm::ring, p, kN)[0].size() ==
          static_cast<std::size_t>(2 * (p - 1)));
  }
  const RankSchedule r2 = collective_schedule(CollectiveOp::allgather, Algorithm::ring, 5, 2, kN);
  REQUIRE(r2.size() == 4);
  REQUIRE(r2[0].sends.size() == 1);
  CHECK(r2[0].sends[0].peer == 3);
  CHECK(r2[0].recvs[0].peer == 1);
  CHECK(r2[0].sends[0].bytes == kN / 5.0);
}

TEST_CASE("binomial collectives: broadcast and reduce take ceil(log2 p) steps of n from root 0") {
  for (const auto [p, lg] : kSizes) {
    CAPTURE(p);
    const double tree = lg * (kAlpha + kBeta * kN);
    CHECK(same(time_of(CollectiveOp::broadcast, Algorithm::binomial, p, kN), tree));
    CHECK(same(time_of(CollectiveOp::broadcast, Algorithm::automatic, p, kN), tree));
    CHECK(same(time_of(CollectiveOp::reduce, Algorithm::automatic, p, kN), tree));
    CHECK(same(time_of(CollectiveOp::allreduce, Algorithm::binomial, p, kN), 2.0 * tree));
  }
  // p = 6: root 0 sends to 4, 2, 1; rank 2 receives from 0 then sends to 3; rank 5 from 4.
  const auto bcast = all_ranks(CollectiveOp::broadcast, Algorithm::binomial, 6, kN);
  REQUIRE(bcast[0].size() == 3);
  CHECK(bcast[0][0].sends[0].peer == 4);
  CHECK(bcast[0][1].sends[0].peer == 2);
  CHECK(bcast[0][2].sends[0].peer == 1);
  REQUIRE(bcast[2].size() == 2);
  CHECK(bcast[2][0].recvs[0].peer == 0);
  CHECK(bcast[2][1].sends[0].peer == 3);
  REQUIRE(bcast[5].size() == 1);
  CHECK(bcast[5][0].recvs[0].peer == 4);
  CHECK(bcast[5][0].recvs[0].bytes == kN);
}

TEST_CASE("recursive schedules follow MPICH's order: largest message to the nearest rank") {
  // p = 8, rank 0: reduce-scatter at distances 1, 2, 4 swapping n/2, n/4, n/8; the all-gather
  // mirrors it; the all-reduce is the two in sequence (SMPI's allreduce-rab-rdb).
  const RankSchedule rs =
      collective_schedule(CollectiveOp::reduce_scatter, Algorithm::recursive, 8, 0, kN);
  REQUIRE(rs.size() == 3);
  check_swap(rs[0], 1, kN / 2);
  check_swap(rs[1], 2, kN / 4);
  check_swap(rs[2], 4, kN / 8);
  const RankSchedule ag =
      collective_schedule(CollectiveOp::allgather, Algorithm::recursive, 8, 0, kN);
  REQUIRE(ag.size() == 3);
  check_swap(ag[0], 4, kN / 8);
  check_swap(ag[1], 2, kN / 4);
  check_swap(ag[2], 1, kN / 2);
  const RankSchedule ar =
      collective_schedule(CollectiveOp::allreduce, Algorithm::recursive, 8, 5, kN);
  REQUIRE(ar.size() == 6);
  check_swap(ar[0], 4, kN / 2);
  check_swap(ar[1], 7, kN / 4);
  check_swap(ar[2], 1, kN / 8);
  check_swap(ar[3], 1, kN / 8);
  check_swap(ar[4], 7, kN / 4);
  check_swap(ar[5], 4, kN / 2);
  // The default on a power of two is exactly this schedule.
  const RankSchedule dflt =
      collective_schedule(CollectiveOp::allreduce, Algorithm::automatic, 8, 5, kN);
  REQUIRE(dflt.size() == ar.size());
  for (std::size_t k = 0; k < ar.size(); ++k)
    check_swap(dflt[k], ar[k].sends[0].peer, ar[k].sends[0].bytes);
}

TEST_CASE("Bruck's schedules: the all-gather and its dual reduce-scatter on five ranks") {
  // ceil(log2 5) = 3 steps at distances 1, 2, 4 moving 1, 2, min(4, 1) = 1 blocks of n/5.
  const double block = kN / 5.0;
  const RankSchedule ag = collective_schedule(CollectiveOp::allgather, Algorithm::bruck, 5, 0, kN);
  REQUIRE(ag.size() == 3);
  const std::int64_t to[] = {4, 3, 1};
  const std::int64_t from[] = {1, 2, 4};
  const double blocks[] = {1, 2, 1};
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(ag[k].sends[0].peer == to[k]);
    CHECK(ag[k].recvs[0].peer == from[k]);
    CHECK(same(ag[k].sends[0].bytes, blocks[k] * block));
    CHECK(same(ag[k].recvs[0].bytes, blocks[k] * block));
  }
  // The dual: the same steps reversed, data flowing the other way.
  const RankSchedule rs =
      collective_schedule(CollectiveOp::reduce_scatter, Algorithm::bruck, 5, 0, kN);
  REQUIRE(rs.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(rs[k].sends[0].peer == ag[2 - k].recvs[0].peer);
    CHECK(rs[k].recvs[0].peer == ag[2 - k].sends[0].peer);
    CHECK(same(rs[k].sends[0].bytes, blocks[2 - k] * block));
  }
  // Bruck also runs (and meets the cost) on a power of two.
  CHECK(same(time_of(CollectiveOp::allreduce, Algorithm::bruck, 8, kN),
             2.0 * (3 * kAlpha + kBeta * 7.0 / 8.0 * kN)));
}

TEST_CASE("MPICH's Rabenseifner schedule folds the extra ranks of a non-power-of-two group") {
  // p = 6: pof2 = 4, rem = 2; ranks 0 and 2 hand their vector to 1 and 3 and get it back.
  const double core = 2.0 * (2 * kAlpha + kBeta * 3.0 / 4.0 * kN);
  const double fold = 2.0 * (kAlpha + kBeta * kN);
  CHECK(same(time_of(CollectiveOp::allreduce, Algorithm::rabenseifner_mpich, 6, kN), core + fold));
  const auto s = all_ranks(CollectiveOp::allreduce, Algorithm::rabenseifner_mpich, 6, kN);
  REQUIRE(s[0].size() == 2);
  CHECK(s[0][0].sends[0].peer == 1);
  CHECK(s[0][0].sends[0].bytes == kN);
  CHECK(s[0][1].recvs[0].peer == 1);
  CHECK(s[0][1].recvs[0].bytes == kN);
  // Rank 1 (virtual 0): fold in, swap with virtual 1 = rank 3, virtual 2 = rank 4, back.
  REQUIRE(s[1].size() == 6);
  CHECK(s[1][0].recvs[0].peer == 0);
  check_swap(s[1][1], 3, kN / 2);
  check_swap(s[1][2], 4, kN / 4);
  check_swap(s[1][3], 4, kN / 4);
  check_swap(s[1][4], 3, kN / 2);
  CHECK(s[1][5].sends[0].peer == 0);
  // Rank 4 (virtual 2) and rank 5 (virtual 3) are not folded.
  REQUIRE(s[4].size() == 4);
  check_swap(s[4][0], 5, kN / 2);
  check_swap(s[4][1], 1, kN / 4);
  // On a power of two it is `recursive`.
  for (std::int64_t r = 0; r < 8; ++r) {
    const auto mpich =
        collective_schedule(CollectiveOp::allreduce, Algorithm::rabenseifner_mpich, 8, r, kN);
    const auto rec = collective_schedule(CollectiveOp::allreduce, Algorithm::recursive, 8, r, kN);
    REQUIRE(mpich.size() == rec.size());
    for (std::size_t k = 0; k < rec.size(); ++k)
      check_swap(mpich[k], rec[k].sends[0].peer, rec[k].sends[0].bytes);
  }
  CHECK(same(time_of(CollectiveOp::allreduce, Algorithm::rabenseifner_mpich, 17, kN),
             2.0 * (kAlpha + kBeta * kN) + 2.0 * (4 * kAlpha + kBeta * 15.0 / 16.0 * kN)));
}

TEST_CASE("halo schedules run in the cost model's two rounds") {
  CHECK(collective_schedule(CollectiveOp::halo, Algorithm::automatic, 1, 0, kN).empty());
  // p = 2: one round, pair (0,1).
  const auto two = all_ranks(CollectiveOp::halo, Algorithm::automatic, 2, kN);
  REQUIRE(two[0].size() == 1);
  REQUIRE(two[1].size() == 1);
  check_swap(two[0][0], 1, kN);
  check_swap(two[1][0], 0, kN);
  CHECK(same(time_of(CollectiveOp::halo, Algorithm::automatic, 2, kN), kAlpha + kBeta * kN));
  // p = 3: (0,1) then (1,2).
  const auto three = all_ranks(CollectiveOp::halo, Algorithm::automatic, 3, kN);
  REQUIRE(three[0].size() == 1);
  REQUIRE(three[1].size() == 2);
  REQUIRE(three[2].size() == 1);
  check_swap(three[0][0], 1, kN);
  check_swap(three[1][0], 0, kN);
  check_swap(three[1][1], 2, kN);
  check_swap(three[2][0], 1, kN);
  // p = 5: (0,1), (2,3) then (1,2), (3,4); the algorithm is ignored.
  const auto five = all_ranks(CollectiveOp::halo, Algorithm::ring, 5, kN);
  const std::vector<std::vector<std::int64_t>> peers{{1}, {0, 2}, {3, 1}, {2, 4}, {3}};
  for (std::size_t r = 0; r < 5; ++r) {
    CAPTURE(r);
    REQUIRE(five[r].size() == peers[r].size());
    for (std::size_t k = 0; k < peers[r].size(); ++k) check_swap(five[r][k], peers[r][k], kN);
  }
  CHECK(
      same(time_of(CollectiveOp::halo, Algorithm::recursive, 5, kN), 2.0 * (kAlpha + kBeta * kN)));
}

TEST_CASE("collectives that do not exist or bad arguments throw invalid_argument") {
  using K = CollectiveOp;
  using A = Algorithm;
  for (const K k : {K::allgather, K::reduce_scatter, K::allreduce}) {
    CHECK_THROWS_AS((void)collective_schedule(k, A::recursive, 6, 0, kN), std::invalid_argument);
    CHECK_NOTHROW((void)collective_schedule(k, A::recursive, 8, 0, kN));
  }
  for (const K k : {K::allgather, K::reduce_scatter}) {
    CHECK_THROWS_AS((void)collective_schedule(k, A::binomial, 4, 0, kN), std::invalid_argument);
    CHECK_THROWS_AS((void)collective_schedule(k, A::rabenseifner_mpich, 4, 0, kN),
                    std::invalid_argument);
  }
  for (const K k : {K::broadcast, K::reduce}) {
    for (const A a : {A::recursive, A::bruck, A::ring, A::rabenseifner_mpich}) {
      CHECK_THROWS_AS((void)collective_schedule(k, a, 4, 0, kN), std::invalid_argument);
    }
  }
  CHECK_THROWS_AS((void)collective_schedule(K::allgather, A::ring, 4, 4, kN),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)collective_schedule(K::allgather, A::ring, 4, -1, kN),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)collective_schedule(K::allgather, A::ring, 0, 0, kN),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)collective_schedule(K::allgather, A::ring, 4, 0, -1.0),
                  std::invalid_argument);
  CHECK_THROWS_AS((void)collective_schedule(K::allgather, A::ring, 4, 0,
                                            std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
  // p = 1 is empty for every collective that exists.
  for (const K k :
       {K::allgather, K::reduce_scatter, K::allreduce, K::broadcast, K::reduce, K::halo}) {
    CHECK(collective_schedule(k, A::automatic, 1, 0, kN).empty());
  }
}
