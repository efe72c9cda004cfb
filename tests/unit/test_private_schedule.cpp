// A collective on links of its own, timed without SimGrid (docs/design.md, "Private
// collectives"), against times worked out by hand: alpha = 1 us, beta = 1 GB/s.

#include <doctest/doctest.h>

#include <vector>

#include "sim/taskgraph/private_schedule.hpp"

using namespace dnnsim;
using doctest::Approx;

TEST_CASE("a pair's all-reduce is two exchanges of half the vector, from the later arrival") {
  // Recursive halving then doubling on 2: n / 2 each way, twice.
  const double step = 1e-6 + 1000.0 / 1e9;
  const auto together = private_finish_times(CollectiveOp::allreduce, Algorithm::recursive,
                                             {0.0, 0.0}, 2000.0, 1e-6, 1e9);
  CHECK(together[0] == Approx(2 * step).epsilon(1e-12));
  CHECK(together[1] == Approx(2 * step).epsilon(1e-12));
  const auto late = private_finish_times(CollectiveOp::allreduce, Algorithm::recursive, {0.0, 1e-5},
                                         2000.0, 1e-6, 1e9);
  CHECK(late[0] == Approx(1e-5 + 2 * step).epsilon(1e-12));
  CHECK(late[1] == Approx(1e-5 + 2 * step).epsilon(1e-12));
}

TEST_CASE("a ring all-gather waits at each step for the neighbours still behind") {
  // Four members pass n / 4 to the next; member 2 comes at T. Step 1 ends at c for member
  // 0 (its messages do not touch member 2) but the others wait for T; from step 2 on, every
  // step waits for a neighbour that finished the last at T + k c: all end at T + 3 c.
  const double c = 1e-6 + 1000.0 / 1e9;
  const double t = 1e-4;
  const auto end = private_finish_times(CollectiveOp::allgather, Algorithm::ring,
                                        {0.0, 0.0, t, 0.0}, 4000.0, 1e-6, 1e9);
  for (const double e : end) CHECK(e == Approx(t + 3 * c).epsilon(1e-12));
  const auto even = private_finish_times(CollectiveOp::allgather, Algorithm::ring,
                                         {0.0, 0.0, 0.0, 0.0}, 4000.0, 1e-6, 1e9);
  for (const double e : even) CHECK(e == Approx(3 * c).epsilon(1e-12));
}

TEST_CASE("messages travel in whole bytes, at least one, as the replay sends them") {
  const auto end = private_finish_times(CollectiveOp::allgather, Algorithm::recursive, {0.0, 0.0},
                                        0.6, 1e-6, 1e9);
  CHECK(end[0] == Approx(1e-6 + 1.0 / 1e9).epsilon(1e-12));  // 0.3 B rounds up to one
}

TEST_CASE("only collectives that need everyone and send one message each way per step qualify") {
  CHECK(runs_on_private_links(CollectiveOp::allreduce, Algorithm::automatic, 8));
  CHECK(runs_on_private_links(CollectiveOp::allgather, Algorithm::ring, 6));
  CHECK(runs_on_private_links(CollectiveOp::reduce_scatter, Algorithm::bruck, 6));
  // A broadcast's leaves do not wait for everyone; a halo is pairs; a send is one-sided.
  CHECK_FALSE(runs_on_private_links(CollectiveOp::broadcast, Algorithm::binomial, 8));
  CHECK_FALSE(runs_on_private_links(CollectiveOp::halo, Algorithm::automatic, 4));
  CHECK_FALSE(runs_on_private_links(CollectiveOp::send, Algorithm::automatic, 2));
}

TEST_CASE("a ring of thousands ends together, its steps after the latest arrival") {
  // 4,096 members pass 2 (p - 1) blocks of n / p: everyone ends at the latest arrival plus
  // 8,190 steps of alpha + beta n / p (a 1 MB vector: 244.140625 B per block, 244 sent).
  const std::int64_t p = 4096;
  std::vector<double> arrival(p, 0.0);
  arrival[1234] = 5e-3;
  const auto end =
      private_finish_times(CollectiveOp::allreduce, Algorithm::ring, arrival, 1e6, 1e-6, 1e9);
  REQUIRE(end.size() == 4096);
  const double expected = 5e-3 + 8190 * (1e-6 + 244.0 / 1e9);
  CHECK(end.front() == Approx(expected).epsilon(1e-12));
  CHECK(end.back() == Approx(expected).epsilon(1e-12));
}

TEST_CASE("a compact ring schedule is the expanded one, one step repeated") {
  for (const CollectiveOp op :
       {CollectiveOp::allreduce, CollectiveOp::allgather, CollectiveOp::regrid}) {
    const CompactSchedule compact = compact_schedule(op, Algorithm::ring, 6, 4, 600.0);
    const RankSchedule full = collective_schedule(op, Algorithm::ring, 6, 4, 600.0);
    REQUIRE(compact.steps.size() == 1);
    CHECK(compact.repeats[0] == static_cast<std::int64_t>(full.size()));
    std::size_t k = 0;
    for (ScheduleCursor c(compact); !c.done(); c.next(), ++k) {
      CHECK(c.step().sends[0].peer == full[k].sends[0].peer);
      CHECK(c.step().sends[0].bytes == full[k].sends[0].bytes);
      CHECK(c.step().recvs[0].peer == full[k].recvs[0].peer);
    }
    CHECK(k == full.size());
  }
}
