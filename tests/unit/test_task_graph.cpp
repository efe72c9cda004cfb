#include <doctest/doctest.h>

#include <map>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/pipeline_plan.hpp"
#include "sim/taskgraph/task_graph.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

// Pointers into `rt`: keep it alive while they are used.
std::vector<const Task*> tasks_of(const RankTasks& rt) {
  std::vector<const Task*> out;
  for (std::size_t v = 0; v < boost::num_vertices(rt.graph); ++v) out.push_back(&rt.graph[v]);
  return out;
}
// The pointers point into `rt`: it must outlive them (a temporary would dangle).
std::vector<const Task*> tasks_of(RankTasks&&) = delete;

}  // namespace

TEST_CASE("an integrated 2x2 MLP rank has the cost model's tasks in forward then backward order") {
  const Network net = test::network_from(test::kTinyMlp);
  const TaskGraphCompiler compiler(net, uniform_plan(net, Strategy::integrated, {2, 2}), 16,
                                   test::simple_platform());
  const RankTasks rt = compiler.compile_rank(3);  // row 1, column 1
  const auto tasks = tasks_of(rt);
  // fwd: fc1 compute, fc1 gather, fc2 compute, fc2 gather;
  // bwd fc2: dX compute, dX all-reduce, dW compute, dW all-reduce; fc1: dW compute, all-reduce.
  REQUIRE(tasks.size() == 10);
  CHECK(tasks[0]->type == TaskType::compute);
  CHECK(tasks[0]->flops == Approx(16.0 * 64 / 4));  // B * flops / P
  CHECK(tasks[1]->phase == Phase::forward);
  CHECK(tasks[1]->op == CollectiveOp::allgather);
  CHECK(tasks[1]->group == Group::column);
  CHECK(tasks[1]->member(0) == 2);  // column 1 holds ranks 2 and 3
  CHECK(tasks[1]->member(1) == 3);
  CHECK(tasks[1]->group_rank == 1);
  CHECK(tasks[1]->bytes == Approx(256.0));
  CHECK(tasks[4]->compute == ComputePart::input_gradient);
  CHECK(tasks[5]->phase == Phase::backward);
  CHECK(tasks[5]->op == CollectiveOp::allreduce);
  CHECK(tasks[6]->compute == ComputePart::weight_gradient);
  CHECK(tasks[7]->phase == Phase::gradient);
  CHECK(tasks[7]->group == Group::row);
  CHECK(tasks[7]->member(0) == 1);  // row 1 holds ranks 1 and 3
  CHECK(tasks[7]->member(1) == 3);
  CHECK(tasks[7]->bytes == Approx(36.0));  // 4 * 18 / Pr
  CHECK(tasks[8]->compute == ComputePart::weight_gradient);
  CHECK(tasks[9]->layer == 0);
  // Every dependency points backwards in the global order.
  for (const auto e : boost::make_iterator_range(boost::edges(rt.graph))) {
    CHECK(boost::source(e, rt.graph) < boost::target(e, rt.graph));
  }
  // The weight-gradient chain hangs off dY, not off the input-gradient all-reduce.
  CHECK_FALSE(boost::edge(5, 6, rt.graph).second);
  CHECK(boost::edge(3, 4, rt.graph).second);  // fc2's backward starts after its gather
}

TEST_CASE("every rank's collective payloads add up to the analytic comm_bytes") {
  const Network net = load_network(test::preset("workloads", "alexnet"));
  const Platform platform = test::simple_platform();
  for (const ProcessGrid grid :
       {ProcessGrid{1, 16}, ProcessGrid{4, 4}, ProcessGrid{16, 1}, ProcessGrid{3, 5}}) {
    const Plan plan = uniform_plan(net, Strategy::integrated, grid);
    AnalyticModel model(net, platform);
    const Result r = model.run(plan, 64);
    const TaskGraphCompiler compiler(net, plan, 64, test::simple_platform());
    for (std::int64_t rank = 0; rank < grid.procs(); ++rank) {
      std::vector<double> bytes(net.layers.size(), 0.0);
      const RankTasks rt = compiler.compile_rank(rank);
      for (const Task* t : tasks_of(rt)) {
        if (t->type == TaskType::collective) bytes[t->layer] += t->bytes;
      }
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        CHECK(bytes[i] == Approx(r.layers[i].comm_bytes));
      }
    }
  }
}

TEST_CASE("a grid change is an all-gather that brings each process n bytes") {
  const Network net = test::network_from(test::kTinyMlp);
  Plan plan = uniform_plan(net, Strategy::integrated, {2, 2});
  plan.layers[2] = {Kind::batch, {1, 4}};
  const TaskGraphCompiler compiler(net, plan, 16, test::simple_platform());
  const RankTasks rt = compiler.compile_rank(0);
  const auto tasks = tasks_of(rt);
  const auto regrid = std::find_if(tasks.begin(), tasks.end(), [](const Task* t) {
    return t->type == TaskType::collective && t->phase == Phase::redistribute;
  });
  REQUIRE(regrid != tasks.end());
  CHECK((*regrid)->group_size == 4);
  CHECK((*regrid)->op == CollectiveOp::regrid);
  CHECK((*regrid)->bytes == Approx(128.0));  // 4 * 16/4 * 8: what each process receives
}

TEST_CASE("domain ranks exchange halos in their column and reduce dW over all P") {
  const Network net = test::network_from(R"(
name: cnn
batch: 4
input: {channels: 2, height: 8, width: 8}
layers:
  - {name: c1, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
  - {name: c2, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
)");
  const TaskGraphCompiler compiler(net, uniform_plan(net, Strategy::domain, {2, 2}), 4,
                                   test::simple_platform());
  std::map<std::pair<std::uint32_t, Phase>, int> count;
  const RankTasks rt = compiler.compile_rank(2);
  for (const Task* t : tasks_of(rt)) {
    if (t->type != TaskType::collective) continue;
    ++count[{t->layer, t->phase}];
    if (t->phase == Phase::halo) {
      CHECK(t->group == Group::column);
      CHECK(t->member(0) == 2);
    }
    if (t->phase == Phase::gradient) CHECK(t->group_size == 4);
  }
  CHECK(count[{0, Phase::halo}] == 1);  // first weighted layer: forward halo only
  CHECK(count[{1, Phase::halo}] == 2);
  CHECK(count[{0, Phase::gradient}] == 1);
}

namespace {

// Every rank's graph is its stage's first rank's, but for where the rank sits in each
// collective: what lets the SimGrid replay share one graph per stage.
void check_stage_graphs_shared(const Network& net, const Plan& plan, std::int64_t batch) {
  const TaskGraphCompiler compiler(net, plan, batch, test::simple_platform());
  const std::int64_t size = plan.stage_procs();
  for (std::int64_t rank = 0; rank < plan.procs; ++rank) {
    CAPTURE(rank);
    const RankTasks shared = compiler.compile_rank(rank / size * size);
    const RankTasks own = compiler.compile_rank(rank);
    REQUIRE(boost::num_vertices(own.graph) == boost::num_vertices(shared.graph));
    REQUIRE(boost::num_edges(own.graph) == boost::num_edges(shared.graph));
    for (const auto e : boost::make_iterator_range(boost::edges(own.graph))) {
      CHECK(boost::edge(boost::source(e, own.graph), boost::target(e, own.graph), shared.graph)
                .second);
    }
    for (std::size_t v = 0; v < boost::num_vertices(own.graph); ++v) {
      const Task& a = own.graph[v];
      const Task& b = shared.graph[v];
      CHECK(a.type == b.type);
      CHECK(a.layer == b.layer);
      CHECK(a.op == b.op);
      CHECK(a.flops == b.flops);
      CHECK(a.bytes == b.bytes);
      CHECK(a.group_size == b.group_size);
      if (a.type != TaskType::collective) continue;
      const Seat seat = compiler.seat(b, rank);
      CHECK(seat.rank == a.group_rank);
      CHECK(seat.first == a.group_first);
      CHECK(seat.stride == a.group_stride);
      // compile_rank seats its collectives with seat() too: check the seat against the
      // grid itself. The rank sits where the seat says, and its partners are its grid
      // column's, row's or stage's (across stages: the same place in another stage).
      CHECK(seat.member(seat.rank) == rank);
      const std::int64_t offset = rank / size * size;
      const ProcessGrid grid = compiler.execs()[b.layer].grid;
      for (std::int64_t k = 0; k < b.group_size; ++k) {
        const std::int64_t member = seat.member(k);
        if (b.across_stages) {
          CHECK(member % size == rank % size);
          continue;
        }
        const std::int64_t local = member - offset;
        REQUIRE(local >= 0);
        REQUIRE(local < size);
        if (b.group == Group::column) CHECK(grid.column_of(local) == grid.column_of(rank - offset));
        if (b.group == Group::row) CHECK(grid.row_of(local) == grid.row_of(rank - offset));
        if (b.group == Group::all) CHECK(local == k);
      }
    }
  }
}

const char* kSmallGpt =
    "name: g\nbatch: 8\ntransformer: {style: gpt, layers: 6, hidden: 64, heads: 4, seq: 16, "
    "vocab: 96}\n";

}  // namespace

TEST_CASE("a stage's ranks share one task graph and differ only in their collectives' seats") {
  SUBCASE("an integrated 2x2 MLP") {
    const Network net = test::network_from(test::kTinyMlp);
    check_stage_graphs_shared(net, uniform_plan(net, Strategy::integrated, {2, 2}), 16);
  }
  SUBCASE("a domain-parallel CNN exchanging halos") {
    const Network net = load_network(test::preset("workloads", "alexnet"));
    check_stage_graphs_shared(net, uniform_plan(net, Strategy::domain, {4, 2}), 16);
    check_stage_graphs_shared(net, uniform_plan(net, Strategy::integrated, {3, 2}), 12);
  }
  SUBCASE("a sequence-parallel GPT with ZeRO-3 gathers and gradient buckets") {
    const Network net = test::network_from(kSmallGpt);
    Plan plan = uniform_plan(net, Strategy::tensor, {2, 2}, true);
    plan.zero = 3;
    plan.bucket_bytes = 1 << 16;
    check_stage_graphs_shared(net, plan, 8);
  }
  SUBCASE("a tensor-parallel GPT in three stages with its embedding tied across them") {
    const Network net = test::network_from(kSmallGpt);
    for (const char* schedule : {"1f1b", "gpipe", "interleaved:2"}) {
      CAPTURE(schedule);
      Plan plan = uniform_plan(net, Strategy::tensor, {2, 2}, true);
      plan.pipeline = make_pipeline(net, 3, 6, *parse_schedule(schedule));
      plan.procs = 12;
      check_stage_graphs_shared(net, plan, 24);
    }
  }
}
