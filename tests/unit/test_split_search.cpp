// The search over splits (Pr x Pc x Pp, microbatches, schedule, ZeRO, recomputation,
// sequence parallelism) and the analytic engine's reuse of identical transformer blocks
// (docs/model.md, "Repeated blocks"; docs/sweeps.md, "dnnsim optimize").

#include <doctest/doctest.h>

#include <algorithm>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/optimizer/split_ranking.hpp"
#include "sim/optimizer/split_search.hpp"
#include "sim/platform/platform_loader.hpp"
#include "sim/workload/block_repeat.hpp"

using namespace dnnsim;

namespace {

// Six GPT blocks of 12 layers each after the two embeddings and their dropout.
const char* kSixBlocks = R"(
name: six-blocks
batch: 8
dtype: bf16
optimizer: adam
transformer: {style: gpt, layers: 6, hidden: 256, heads: 8, seq: 64, vocab: 512}
)";

// Four GPT blocks (tests/data/small-gpt.yaml's sizes at batch 8).
const char* kFourBlocks = R"(
name: four-blocks
batch: 8
transformer: {style: gpt, layers: 4, hidden: 512, heads: 8, seq: 128, vocab: 1000}
)";

void check_same(const Evaluation& a, const Evaluation& b) {
  REQUIRE(a.violation.has_value() == b.violation.has_value());
  if (a.violation) {
    CHECK(a.violation->layer == b.violation->layer);
    CHECK(a.violation->limit == b.violation->limit);
    return;
  }
  CHECK(a.result.iteration_s == b.result.iteration_s);
  CHECK(a.result.compute_s == b.result.compute_s);
  CHECK(a.result.comm_s == b.result.comm_s);
  CHECK(a.result.memory_bytes_per_proc == b.result.memory_bytes_per_proc);
  CHECK(a.result.memory.activations_bytes == b.result.memory.activations_bytes);
  CHECK(a.result.pipeline.has_value() == b.result.pipeline.has_value());
  if (a.result.pipeline) CHECK(a.result.pipeline->bubble_s == b.result.pipeline->bubble_s);
  REQUIRE(a.result.layers.size() == b.result.layers.size());
  for (std::size_t i = 0; i < a.result.layers.size(); ++i) {
    CAPTURE(i);
    const LayerResult& x = a.result.layers[i];
    const LayerResult& y = b.result.layers[i];
    CHECK(x.compute_s == y.compute_s);
    CHECK(x.forward_s == y.forward_s);
    CHECK(x.backward_s == y.backward_s);
    CHECK(x.gradient_s == y.gradient_s);
    CHECK(x.redistribute_s == y.redistribute_s);
    CHECK(x.comm_bytes == y.comm_bytes);
  }
}

}  // namespace

TEST_CASE("a transformer's identical blocks are found, and nothing in a network without them") {
  const Network net = test::network_from(kSixBlocks);
  const auto r = repeated_blocks(net);
  REQUIRE(r.has_value());
  CHECK(r->first == 3);  // wte, wpe, drop
  CHECK(r->length == 12);
  CHECK(r->count == 6);
  // Each block reads the previous block's last residual add only.
  CHECK(r->outside_reads == std::vector<std::size_t>{11});
  CHECK_FALSE(repeated_blocks(test::network_from(test::kTinyMlp)).has_value());
  // Three blocks leave nothing between the first, block 1 and the last to copy.
  CHECK_FALSE(repeated_blocks(test::network_from(R"(
name: three
batch: 8
transformer: {style: gpt, layers: 3, hidden: 64, heads: 4, seq: 16, vocab: 100}
)"))
                  .has_value());
}

TEST_CASE("pricing block 1 once for the blocks after it changes no number of any split") {
  const Network net = test::network_from(kSixBlocks);
  const Platform platform = load_platform(test::preset("platforms", "dgx-a100"));
  AnalyticModel reused(net, platform, true);
  AnalyticModel every(net, platform, false);
  SplitAxes axes;
  const std::vector<Split> space = split_space(net, 16, 8, axes);
  REQUIRE(space.size() > 500);
  std::size_t timed = 0;
  for (const Split& s : space) {
    Plan plan;
    try {
      plan = split_plan(net, s);
    } catch (const std::exception&) {
      continue;  // cannot run: nothing to compare
    }
    CAPTURE(describe(s));
    check_same(reused.evaluate(plan, 8), every.evaluate(plan, 8));
    ++timed;
  }
  CHECK(timed > 500);
}

TEST_CASE("a plan that gives one middle block other kinds is priced layer by layer") {
  const Network net = test::network_from(kSixBlocks);
  const Platform platform = load_platform(test::preset("platforms", "dgx-a100"));
  Plan plan = uniform_plan(net, Strategy::tensor, {2, 2}, false);
  plan.strategy = Strategy::plan;
  const std::size_t fc1 = net.find("block3.mlp.fc1");
  const std::size_t fc2 = net.find("block3.mlp.fc2");
  REQUIRE(fc1 < net.layers.size());
  plan.layers[fc1].kind = Kind::integrated;
  plan.layers[fc2].kind = Kind::integrated;
  AnalyticModel reused(net, platform, true);
  AnalyticModel every(net, platform, false);
  const Evaluation a = reused.evaluate(plan, 8);
  check_same(a, every.evaluate(plan, 8));
  // And block 3 is priced as its own kinds say: unlike block 2's column layer.
  CHECK(a.result.layers[fc1].forward_s != a.result.layers[net.find("block2.mlp.fc1")].forward_s);
}

TEST_CASE("the search space of four blocks on four processes, counted by hand") {
  // Pp = 1: 1x4 batch, m in {1, 2}, 3 recomputations x 4 ZeRO stages = 24; 2x2 tensor, SP
  // on and off, m in {1, 2, 4}: 2 x 3 x 3 x 4 = 72; 4x1 tensor (Pc = 1: ZeRO 0 only), m in
  // {1, 2, 4, 8}: 2 x 4 x 3 = 24. Pp = 2: 1x2 batch, m = 1 (gpipe, 1f1b), m = 2 and 4 (and
  // interleaved:2): 8 schedules x 3 x 4 = 96; 2x1 tensor, m = 1 (2), 2, 4, 8 (3 each): 11 x
  // 3 x 2 = 66. Pp = 4: 1x1 batch, m in {1, 2, 4, 8}, gpipe and 1f1b (one block per stage
  // leaves no chunks to interleave): 8 x 3 = 24. In all 306.
  const Network net = test::network_from(kFourBlocks);
  const std::vector<Split> space = split_space(net, 4, 8, {});
  CHECK(space.size() == 306);
  const auto count = [&](auto&& pred) { return std::count_if(space.begin(), space.end(), pred); };
  CHECK(count([](const Split& s) { return s.grid.stages == 4; }) == 24);
  CHECK(count([](const Split& s) { return s.schedule.kind == ScheduleKind::interleaved; }) ==
        2 * 3 * 4 + 3 * 3 * 2);
  CHECK(count([](const Split& s) { return s.sequence_parallel; }) == (72 + 24 + 66) / 2);

  // Fixing axes keeps only their values.
  SplitAxes axes;
  axes.grid = PipelineGrid{{2, 1}, 2};
  axes.zero = 0;
  axes.recompute = Recompute::none;
  axes.sequence_parallel = true;
  CHECK(split_space(net, 4, 8, axes).size() == 11);
}

TEST_CASE("the best split is the fastest that fits; ties go to less memory") {
  const Network net = test::network_from(kSixBlocks);
  Platform platform = load_platform(test::preset("platforms", "dgx-a100"));
  const SplitSearch all = search_splits(net, platform, 16, 8, {});
  REQUIRE(all.best.has_value());
  const SplitOutcome& best = all.outcomes[*all.best];
  CHECK(best.fits);
  for (const SplitOutcome& o : all.outcomes) {
    if (!o.fits) continue;
    CHECK(o.iteration_s >= best.iteration_s);
    if (o.iteration_s == best.iteration_s) CHECK(o.memory_bytes >= best.memory_bytes);
  }
  // Give the devices less memory than the best needs: the answer changes to one that fits.
  platform.node.memory_bytes = best.memory_bytes * 0.75;
  const SplitSearch tight = search_splits(net, platform, 16, 8, {});
  REQUIRE(tight.best.has_value());
  const SplitOutcome& fitted = tight.outcomes[*tight.best];
  CHECK(fitted.memory_bytes <= best.memory_bytes * 0.75);
  CHECK(fitted.iteration_s >= best.iteration_s);
  // And the former best is reported as not fitting, with its memory.
  const auto former = std::find_if(
      tight.outcomes.begin(), tight.outcomes.end(),
      [&](const SplitOutcome& o) { return describe(o.split) == describe(best.split); });
  REQUIRE(former != tight.outcomes.end());
  CHECK_FALSE(former->fits);
  CHECK(why_loses(*former, fitted, platform.node.memory_bytes).starts_with("needs "));
}

TEST_CASE("runners-up are, per choice, the best with each other value of it") {
  const Network net = test::network_from(kFourBlocks);
  const Platform platform = load_platform(test::preset("platforms", "dgx-a100"));
  const SplitSearch search = search_splits(net, platform, 4, 8, {});
  REQUIRE(search.best.has_value());
  const Split& best = search.outcomes[*search.best].split;
  const std::vector<RunnerUp> ups = runners_up(search, 2);
  REQUIRE_FALSE(ups.empty());
  for (const RunnerUp& u : ups) {
    const SplitOutcome& o = search.outcomes[u.outcome];
    if (u.axis == SplitAxis::microbatches) {
      CHECK(o.split.microbatches != best.microbatches);
      // No outcome with the same microbatch count beats it.
      for (const SplitOutcome& other : search.outcomes) {
        if (other.split.microbatches == o.split.microbatches) CHECK_FALSE(better(other, o));
      }
    }
    if (u.axis == SplitAxis::zero) CHECK(o.split.zero != best.zero);
    if (u.axis == SplitAxis::recompute) CHECK(o.split.recompute != best.recompute);
  }
  CHECK(std::count_if(ups.begin(), ups.end(), [](const RunnerUp& u) {
          return u.axis == SplitAxis::recompute;
        }) == 2);  // none, selective, full: the two the best did not take
}

TEST_CASE("why a runner-up loses names its limit, its memory or what makes it slower") {
  SplitOutcome best;
  best.fits = true;
  best.iteration_s = 10.0;
  best.compute_s = 9.0;
  best.comm_s = 1.0;
  best.memory_bytes = 40e9;
  SplitOutcome slower = best;
  slower.iteration_s = 12.0;  // +20 %: compute +1 s, communication +0.5 s, waiting +0.5 s
  slower.compute_s = 10.0;
  slower.comm_s = 1.5;
  CHECK(why_loses(slower, best, 80e9).starts_with("+20.0 % time: more compute"));
  slower.comm_s = 2.5;  // communication +1.5 s, waiting -0.5 s
  CHECK(why_loses(slower, best, 80e9).starts_with("+20.0 % time: more communication"));
  slower.compute_s = 9.0;  // waiting 12 - 9 - 2.5 = 0.5 s more... and communication 1.5 s
  slower.comm_s = 1.0;     // waiting 2 s more than the best's 0
  CHECK(why_loses(slower, best, 80e9).starts_with("+20.0 % time: more waiting"));
  SplitOutcome big = best;
  big.fits = false;
  big.memory_bytes = 90e9;
  CHECK(why_loses(big, best, 80e9).starts_with("needs 90"));
  SplitOutcome broken;
  broken.limit = "block0.attn.core: Pr = 16 does not divide 8 heads";
  CHECK(why_loses(broken, best, 80e9) ==
        "cannot run: block0.attn.core: Pr = 16 does not divide 8 heads");
  SplitOutcome tie = best;
  tie.memory_bytes = 50e9;
  CHECK(why_loses(tie, best, 80e9).starts_with("as fast, with more memory"));
}

TEST_CASE("GPT-3 175B on 1,024 A100s: tensor parallelism stays in a node, as Megatron-LM's") {
  // Narayanan et al. (SC 2021) keep tensor parallelism within a DGX's eight NVLink GPUs and
  // pipeline across nodes; the search, free to choose, must do no worse than their 8x16x8.
  const Network net = load_network(test::preset("workloads", "gpt3-175b"));
  const Platform platform = load_platform(test::preset("platforms", "dgx-a100"));
  const SplitSearch search = search_splits(net, platform, 1024, 1536, {});
  REQUIRE(search.best.has_value());
  const SplitOutcome& best = search.outcomes[*search.best];
  CHECK(best.split.grid.grid.pr <= 8);
  CHECK(best.split.grid.stages > 1);
  const auto megatron =
      std::find_if(search.outcomes.begin(), search.outcomes.end(), [](const SplitOutcome& o) {
        const Split& s = o.split;
        return s.grid.grid == ProcessGrid{8, 16} && s.grid.stages == 8 && s.microbatches == 96 &&
               s.schedule.kind == ScheduleKind::one_f_one_b && s.zero == 0 &&
               s.recompute == Recompute::full && s.sequence_parallel;
      });
  REQUIRE(megatron != search.outcomes.end());
  CHECK(megatron->fits);
  CHECK(best.iteration_s <= megatron->iteration_s);
  // The search's record of Megatron-LM's split is what the analytic engine gives that plan
  // alone (a fresh engine, every layer priced): the search neither skips nor mis-times it.
  AnalyticModel alone(net, platform, false);
  const Evaluation e = alone.evaluate(split_plan(net, megatron->split), 1536);
  REQUIRE_FALSE(e.violation.has_value());
  CHECK(megatron->iteration_s == e.result.iteration_s);
  CHECK(megatron->memory_bytes == e.result.memory_bytes_per_proc);
  CHECK(e.result.memory_bytes_per_proc <= 80e9);
  CHECK(best.iteration_s < e.result.iteration_s);
}
