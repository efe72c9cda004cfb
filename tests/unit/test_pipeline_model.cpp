// The analytic engine's pipelined iteration (docs/model.md, "Pipeline parallelism") against
// values worked out by hand: a chain of eight 16 -> 16 linear layers behind a layernorm
// (which has parameters, so every linear layer computes its input gradient), 1 GFLOP/s.
// Forward: 2 * 16 * 16 = 512 FLOPs per sample and layer; backward twice that.

#include <doctest/doctest.h>

#include <limits>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/strategy/stage_cuts.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

const char* kChain = R"(
name: chain
batch: 32
input: {features: 16}
layers:
  - {name: norm, type: layernorm}
  - {name: fc1, type: linear, out_features: 16, bias: false}
  - {name: fc2, type: linear, out_features: 16, bias: false}
  - {name: fc3, type: linear, out_features: 16, bias: false}
  - {name: fc4, type: linear, out_features: 16, bias: false}
  - {name: fc5, type: linear, out_features: 16, bias: false}
  - {name: fc6, type: linear, out_features: 16, bias: false}
  - {name: fc7, type: linear, out_features: 16, bias: false}
  - {name: fc8, type: linear, out_features: 16, bias: false}
)";

Platform free_network() {
  Platform p = test::simple_platform();
  p.network.latency_s = 0.0;
  p.network.bandwidth_bytes_per_s = std::numeric_limits<double>::infinity();
  return p;
}

Plan pipelined(const Network& net, std::int64_t stages, std::int64_t m, const char* schedule) {
  Plan plan = uniform_plan(net, Strategy::batch, {1, 1});
  plan.pipeline = make_pipeline(net, stages, m, *parse_schedule(schedule));
  plan.procs = stages;
  return plan;
}

}  // namespace

TEST_CASE("a chain is cut where one tensor crosses, into pieces of equal FLOPs") {
  const Network net = test::network_from(kChain);
  const std::vector<std::int64_t> piece = cut_stages(net, 4);
  CHECK(piece == std::vector<std::int64_t>{0, 0, 0, 1, 1, 2, 2, 3, 3});
  CHECK(boundary_layers(net, piece) ==
        std::vector<std::size_t>{net.find("fc2"), net.find("fc4"), net.find("fc6")});
  CHECK_THROWS_AS(cut_stages(net, 10), InputError);  // 9 layers, 8 places to cut
}

TEST_CASE("transformer blocks are cut evenly, embeddings first, logits last") {
  const Network gpt = test::network_from(
      "name: g\nbatch: 8\ntransformer: {style: gpt, layers: 4, hidden: 64, heads: 4, seq: 16, "
      "vocab: 96}\n");
  const std::vector<std::int64_t> piece = cut_stages(gpt, 2);
  CHECK(piece[gpt.find("wte")] == 0);
  CHECK(piece[gpt.find("block1.mlp.add")] == 0);
  CHECK(piece[gpt.find("block2.ln1")] == 1);
  CHECK(piece[gpt.find("logits")] == 1);
  CHECK_THROWS_WITH_AS(cut_stages(gpt, 3), doctest::Contains("must divide the 4 transformer"),
                       InputError);
}

TEST_CASE("uniform stages with free communication: (m + Pp - 1)(t_f + t_b) for gpipe and 1f1b") {
  const Network net = test::network_from(kChain);
  const Platform platform = free_network();
  AnalyticModel model(net, platform);
  // B = 32, m = 8: b = 4 samples. A stage holds two linear layers (the norm costs nothing):
  // t_f = 2 * 512 * 4 / 1e9 = 4.096 us, t_b = 8.192 us; (8 + 3) * 12.288 us = 135.168 us.
  for (const char* schedule : {"gpipe", "1f1b"}) {
    const Result r = model.run(pipelined(net, 4, 8, schedule), 32);
    CHECK(r.iteration_s == Approx(135.168e-6).epsilon(1e-12));
    // The busiest stage computes 8 * 12.288 us; the rest is the bubble, 3 * 12.288 us.
    CHECK(r.pipeline->bubble_s == Approx(36.864e-6).epsilon(1e-12));
  }
}

TEST_CASE("uniform interleaved stages with free communication: (m + (Pp - 1) / V)(t_f + t_b)") {
  const Network net = test::network_from(kChain);
  const Platform platform = free_network();
  AnalyticModel model(net, platform);
  // Pp = 4, V = 2: eight pieces of one layer; a stage still computes 12.288 us per
  // microbatch; (8 + 3 / 2) * 12.288 us = 116.736 us.
  const Result r = model.run(pipelined(net, 4, 8, "interleaved:2"), 32);
  CHECK(r.iteration_s == Approx(116.736e-6).epsilon(1e-12));
}

TEST_CASE("gradient accumulation: one stage runs its microbatches back to back") {
  const Network net = test::network_from(kChain);
  const Platform platform = free_network();
  AnalyticModel model(net, platform);
  // m = 4 microbatches of 8 samples: 8 layers * 3 * 512 * 8 / 1e9 per microbatch, so
  // 4 * 98.304 us: the same as one batch of 32.
  const Result r = model.run(pipelined(net, 1, 4, "1f1b"), 32);
  CHECK(r.iteration_s == Approx(393.216e-6).epsilon(1e-12));
  CHECK(r.pipeline->bubble_s == Approx(0.0));
  const Result whole = model.run(uniform_plan(net, Strategy::batch, {1, 1}), 32);
  CHECK(whole.iteration_s == Approx(r.iteration_s).epsilon(1e-12));
  // ... but keeps the activations of one microbatch, a quarter of the whole batch's.
  CHECK(r.memory.activations_bytes == Approx(whole.memory.activations_bytes / 4));
}

TEST_CASE("a 2-stage 2-microbatch 1f1b with point-to-point time c, step by step") {
  const Network net = test::network_from(kChain);
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  // B = 32, m = 2: b = 16. Stage 0 holds norm, fc1-fc4; stage 1 fc5-fc8.
  // t_f = 4 * 512 * 16 / 1e9 = 32.768 us, t_b = 65.536 us; c = 1 us + 1 ns * 4 * 16 * 16 =
  // 2.024 us. Stage 0: F0 [0, t_f], F1 [t_f, 2 t_f]. Stage 1: F0 from t_f + c, B0 from
  // 2 t_f + c, F1 from 2 t_f + c + t_b, B1 from 3 t_f + c + t_b to 3 t_f + c + 2 t_b.
  // Stage 0: B0 from 2 t_f + 2c + t_b, B1 from 3 t_f + 2c + 2 t_b (B1 of stage 1 plus c)
  // to 3 t_f + 2c + 3 t_b = 98.304 + 4.048 + 196.608 us.
  const Result r = model.run(pipelined(net, 2, 2, "1f1b"), 32);
  CHECK(r.iteration_s == Approx(298.96e-6).epsilon(1e-12));
}

TEST_CASE("gpipe keeps m microbatches of activations, 1f1b Pp on stage 0") {
  const Network net = test::network_from(kChain);
  const Platform platform = free_network();
  AnalyticModel model(net, platform);
  const Result gpipe = model.run(pipelined(net, 4, 8, "gpipe"), 32);
  const Result one = model.run(pipelined(net, 4, 8, "1f1b"), 32);
  // Stage 0 (the norm and two layers) is the largest in both; 8 microbatches against 4.
  CHECK(gpipe.memory.activations_bytes == Approx(2.0 * one.memory.activations_bytes));
  CHECK(gpipe.memory.weights_bytes == Approx(one.memory.weights_bytes));
  // Two 16 x 16 weight matrices and the norm's 32 parameters, fp32.
  CHECK(one.memory.weights_bytes == Approx(4.0 * (2 * 256 + 32)));
}

TEST_CASE("a weight tied across stages is all-reduced by the first and last stage") {
  const Network gpt = test::network_from(
      "name: g\nbatch: 8\ntransformer: {style: gpt, layers: 2, hidden: 64, heads: 4, seq: 16, "
      "vocab: 96}\n");
  const Platform platform = test::simple_platform();
  AnalyticModel model(gpt, platform);
  Plan plan = uniform_plan(gpt, Strategy::batch, {1, 1});
  plan.pipeline = make_pipeline(gpt, 2, 2, *parse_schedule("1f1b"));
  plan.procs = 2;
  const Result r = model.run(plan, 8);
  // The table is 96 x 64 fp32, n = 24,576 B between 2 ranks: 2 alpha + 2 beta n / 2.
  CHECK(r.layers[gpt.find("logits")].gradient_s == Approx(2e-6 + 1e-9 * 24576).epsilon(1e-12));
}
