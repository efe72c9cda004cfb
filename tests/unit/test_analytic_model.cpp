// The analytic engine against values worked out by hand from docs/model.md. Platform:
// alpha = 1 us, beta = 1 ns/byte, 1 GFLOP/s; fp32 (s = 4).

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

// Two 3x3 padding-1 convolutions on 2 x 8 x 8 images.
const char* kTinyCnn = R"(
name: tiny-cnn
batch: 4
input: {channels: 2, height: 8, width: 8}
layers:
  - {name: c1, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
  - {name: c2, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
  - {name: flat, type: flatten}
  - {name: fc, type: linear, out_features: 10}
)";

Result run(const Network& net, Strategy strategy, ProcessGrid grid, std::int64_t batch) {
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  return model.run(uniform_plan(net, strategy, grid), batch);
}

}  // namespace

TEST_CASE("integrated 2x2 on an MLP: every phase as the cost model's table says") {
  const Network net = test::network_from(test::kTinyMlp);
  const Result r = run(net, Strategy::integrated, {2, 2}, 16);
  const LayerResult& fc1 = r.layers[0];
  const LayerResult& fc2 = r.layers[2];
  // fc1, B/Pc = 8: all-gather of 4*8*8 = 256 B over 2: 1e-6 + 1e-9 * 1/2 * 256.
  CHECK(fc1.forward_s == Approx(1.128e-6));
  CHECK(fc1.backward_s == 0.0);  // first weighted layer: no input gradient
  // dW all-reduce over Pc = 2 of 4 * 40 / 2 = 80 B: 2e-6 + 2e-9 * 1/2 * 80.
  CHECK(fc1.gradient_s == Approx(2.08e-6));
  CHECK(fc1.comm_bytes == Approx(336.0));
  // Compute: 16 * 64 FLOPs * (1 + 1) / 4 / 1e9.
  CHECK(fc1.compute_s == Approx(5.12e-7));
  // fc2: gather 4*8*2 = 64 B; dX all-reduce 4*8*8 = 256 B; dW 4*18/2 = 36 B.
  CHECK(fc2.forward_s == Approx(1.032e-6));
  CHECK(fc2.backward_s == Approx(2.256e-6));
  CHECK(fc2.gradient_s == Approx(2.036e-6));
  CHECK(fc2.comm_bytes == Approx(356.0));
  CHECK(fc2.compute_s == Approx(3.84e-7));  // 16 * 32 * 3 / 4 / 1e9
  CHECK(r.layers[1].comm_s() == 0.0);
  CHECK(r.comm_s == Approx(8.532e-6));
  CHECK(r.compute_s == Approx(8.96e-7));
  CHECK(r.iteration_s == Approx(9.428e-6));
  // Memory (SGD, fp32): weight and gradient of its 20 + 9 parameters, 2 * 29 * 4 = 232 B;
  // kept for backward, 8 samples of fc1's input (4), relu's input (8) and fc2's input (8):
  // 8 * 20 * 4 = 640 B.
  CHECK(r.memory.weights_bytes == Approx(116.0));
  CHECK(r.memory.gradients_bytes == Approx(116.0));
  CHECK(r.memory.optimizer_bytes == 0.0);
  CHECK(r.memory.activations_bytes == Approx(640.0));
  CHECK(r.memory_bytes_per_proc == Approx(872.0));
}

TEST_CASE("batch parallelism is the integrated scheme on 1 x P") {
  const Network net = test::network_from(test::kTinyMlp);
  const Result r = run(net, Strategy::batch, {1, 4}, 16);
  // Only dW all-reduces over 4: 2 * 2e-6 + 2e-9 * 3/4 * n, n = 160 and 72 bytes.
  CHECK(r.layers[0].gradient_s == Approx(4.24e-6));
  CHECK(r.layers[2].gradient_s == Approx(4.108e-6));
  CHECK(r.layers[0].forward_s == 0.0);
  CHECK(r.layers[2].backward_s == 0.0);
  CHECK(r.comm_s == Approx(8.348e-6));
}

TEST_CASE("model parallelism is the integrated scheme on P x 1") {
  const Network net = test::network_from(test::kTinyMlp);
  const Result r = run(net, Strategy::model, {2, 1}, 16);
  // fc1 gathers 4*16*8 = 512 B over 2: 1e-6 + 1/2 * 512e-9.
  CHECK(r.layers[0].forward_s == Approx(1.256e-6));
  CHECK(r.layers[2].forward_s == Approx(1.064e-6));   // 4*16*2 = 128 B
  CHECK(r.layers[2].backward_s == Approx(2.512e-6));  // all-reduce of 512 B
  CHECK(r.layers[0].gradient_s == 0.0);
  CHECK(r.comm_s == Approx(4.832e-6));
  // On 4 x 1, fc2 (2 outputs) cannot be split over 4 rows.
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  const Evaluation e = model.evaluate(uniform_plan(net, Strategy::model, {4, 1}), 16);
  REQUIRE(e.violation);
  CHECK(net.layers[e.violation->layer].name == "fc2");
}

TEST_CASE("a non-power-of-two group pays ceil(log2 p) latencies") {
  const Network net = test::network_from(test::kTinyMlp);
  const Result r = run(net, Strategy::batch, {1, 3}, 16);
  // lg(3) = 2: 2 * 2 * 1e-6 + 2 * 1e-9 * 2/3 * 160.
  CHECK(r.layers[0].gradient_s == Approx(4.0e-6 + 2.0e-9 * 2.0 / 3.0 * 160.0));
  // B/Pc = 16/3 is a real division: compute 16 * 64 * 2 / 3 / 1e9.
  CHECK(r.layers[0].compute_s == Approx(16.0 * 64 * 2 / 3 / 1e9));
}

TEST_CASE("domain parallelism on convolutions: halos in rounds, dW over all P") {
  const Network net = test::network_from(kTinyCnn);
  SUBCASE("Pr = 2: one round") {
    const Result r = run(net, Strategy::domain, {2, 2}, 4);
    // c1 (first weighted): forward halo of 4 * 2 samples * 1 row * 8 * 2 channels = 128 B.
    CHECK(r.layers[0].halo_s == Approx(1.128e-6));
    // dW all-reduce over P = 4 of 4 * 76 = 304 B: 4e-6 + 2 * 3/4 * 304e-9.
    CHECK(r.layers[0].gradient_s == Approx(4.456e-6));
    CHECK(r.layers[0].comm_bytes == Approx(432.0));
    CHECK(r.layers[0].forward_s == 0.0);
    // c2: forward and backward halos of 4 * 2 * 1 * 8 * 4 = 256 B each.
    CHECK(r.layers[1].halo_s == Approx(2.512e-6));
    CHECK(r.layers[1].gradient_s == Approx(4.0e-6 + 2.0 * 0.75 * 592e-9));
    // flatten receives height slabs: all-gather over Pr = 2 of 4 * 2 * 256 = 2048 B.
    CHECK(r.layers[2].redistribute_s == Approx(1.0e-6 + 0.5 * 2048e-9));
    // fc under domain: replicated in the column, dW over the row (Pc = 2) of 4 * 2570 B,
    // compute divided by Pc only: 4 * 2*256*10 * 3 / 2 / 1e9.
    CHECK(r.layers[3].gradient_s == Approx(2.0e-6 + 0.5 * 2.0 * 10280e-9));
    CHECK(r.layers[3].forward_s == 0.0);
    CHECK(r.layers[3].backward_s == 0.0);
    CHECK(r.layers[3].compute_s == Approx(4.0 * 5120 * 3 / 2 / 1e9));
  }
  SUBCASE("Pr = 4: two rounds, each n once per round") {
    const Result r = run(net, Strategy::domain, {4, 1}, 4);
    // B/Pc = 4: n = 4 * 4 * 1 * 8 * 2 = 256 B, two rounds.
    CHECK(r.layers[0].halo_s == Approx(2 * 1.256e-6));
    CHECK(r.layers[0].comm_bytes == Approx(512.0 + 4.0 * 76));
  }
}

TEST_CASE("hybrid integrates the linear layers on the same grid") {
  const Network net = test::network_from(kTinyCnn);
  const Result r = run(net, Strategy::hybrid, {2, 2}, 4);
  CHECK(r.layers[0].kind == Kind::domain);
  CHECK(r.layers[3].kind == Kind::integrated);
  // fc gathers its output: 4 * 2 * 10 = 80 B over Pr = 2.
  CHECK(r.layers[3].forward_s == Approx(1.0e-6 + 0.5 * 80e-9));
  // and all-reduces the input gradient: 4 * 2 * 256 = 2048 B.
  CHECK(r.layers[3].backward_s == Approx(2.0e-6 + 2048e-9));
  // the split input still reaches flatten as slabs and is gathered there
  CHECK(r.layers[2].redistribute_s == Approx(1.0e-6 + 0.5 * 2048e-9));
}

TEST_CASE("a per-layer grid change costs alpha lg(P) + beta s (B/Pc') d_in") {
  const Network net = test::network_from(test::kTinyMlp);
  Plan plan = uniform_plan(net, Strategy::integrated, {2, 2});
  plan.strategy = Strategy::plan;
  plan.layers[2] = {Kind::batch, {1, 4}};
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  const Result r = model.run(plan, 16);
  // fc2 on 1 x 4 reads relu's output from the 2 x 2 grid: 2e-6 + 1e-9 * 4 * 4 * 8.
  CHECK(r.layers[2].redistribute_s == Approx(2.0e-6 + 128e-9));
  CHECK(r.layers[2].forward_s == 0.0);
  CHECK(r.layers[2].gradient_s == Approx(4.0e-6 + 2.0 * 0.75 * 72e-9));
}

TEST_CASE("limits are errors naming the layer") {
  const Network net = test::network_from(kTinyCnn);
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  SUBCASE("batch: Pc <= B") {
    const Evaluation e = model.evaluate(uniform_plan(net, Strategy::batch, {1, 8}), 4);
    REQUIRE(e.violation);
    CHECK(e.violation->layer == 0);
  }
  SUBCASE("model: Pr <= out_channels") {
    const Evaluation e = model.evaluate(uniform_plan(net, Strategy::model, {8, 1}), 8);
    REQUIRE(e.violation);
    CHECK(net.layers[e.violation->layer].name == "c1");
    CHECK(e.violation->limit.find("Pr <= out_channels") != std::string::npos);
  }
  SUBCASE("domain: Pr <= H_out") {
    const Evaluation e = model.evaluate(uniform_plan(net, Strategy::domain, {16, 1}), 4);
    REQUIRE(e.violation);
    CHECK(e.violation->limit.find("Pr <= H_out") != std::string::npos);
  }
  SUBCASE("domain: slabs at least as high as the halo") {
    const Network wide = test::network_from(R"(
name: w
batch: 4
input: {channels: 1, height: 8, width: 8}
layers:
  - {name: c5, type: conv2d, out_channels: 2, kernel: 5, padding: 2}
)");
    AnalyticModel m(wide, platform);
    // h = 2 rows, but 8 / 8 * 1 = 1 row per process.
    const Evaluation e = m.evaluate(uniform_plan(wide, Strategy::domain, {8, 1}), 4);
    REQUIRE(e.violation);
    CHECK(e.violation->limit.find("max(h, h_b)") != std::string::npos);
    CHECK_THROWS_AS((void)m.run(uniform_plan(wide, Strategy::domain, {8, 1}), 4), LimitError);
    CHECK_FALSE(m.evaluate(uniform_plan(wide, Strategy::domain, {4, 1}), 4).violation);
  }
  SUBCASE("domain lets P exceed the batch") {
    CHECK_FALSE(model.evaluate(uniform_plan(net, Strategy::domain, {4, 4}), 4).violation);
  }
}

TEST_CASE("domain batchnorm all-reduces its statistics within the column") {
  const Network net = test::network_from(R"(
name: bn
batch: 4
input: {channels: 2, height: 8, width: 8}
layers:
  - {name: c1, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
  - {name: bn, type: batchnorm}
)");
  const Result d = run(net, Strategy::domain, {2, 2}, 4);
  // 2C = 8 words = 32 B over Pr = 2, forward and backward; gradient over Pc = 2.
  CHECK(d.layers[1].forward_s == Approx(2.0e-6 + 32e-9));
  CHECK(d.layers[1].backward_s == Approx(2.0e-6 + 32e-9));
  CHECK(d.layers[1].gradient_s == Approx(2.0e-6 + 32e-9));
  const Result i = run(net, Strategy::integrated, {2, 2}, 4);
  CHECK(i.layers[1].forward_s == 0.0);
  CHECK(i.layers[1].gradient_s == Approx(2.0e-6 + 32e-9));
}

TEST_CASE("uniform plans reject grids that contradict the strategy") {
  const Network net = test::network_from(test::kTinyMlp);
  CHECK_THROWS_AS((void)uniform_plan(net, Strategy::batch, {2, 2}), InputError);
  CHECK_THROWS_AS((void)uniform_plan(net, Strategy::model, {2, 2}), InputError);
}

TEST_CASE("on a hierarchical platform a collective inside one node uses the node's network") {
  // 4 accelerators per node: 1 us and 100 GB/s inside, 10 us and 1 GB/s between nodes
  // (docs/model.md, "Collectives inside a node").
  Platform p = test::simple_platform();
  p.nodes = 4;
  p.network.topology = Topology::hierarchical;
  p.network.latency_s = 10e-6;
  p.network.bandwidth_bytes_per_s = 1e9;
  p.network.hierarchical = {4, 1e-6, 100e9, Topology::crossbar};
  const Network net = test::network_from(test::kTinyMlp);
  const Result r = AnalyticModel(net, p).run(uniform_plan(net, Strategy::integrated, {2, 4}), 16);
  // fc1's output all-gather in a column of 2 consecutive ranks, one node: 4 * 4 * 8 = 128 B,
  // 1 us + 1/2 * 128 B / 100 GB/s.
  CHECK(r.layers[0].forward_s == Approx(1e-6 + 0.5 * 128 / 100e9));
  // Its weight-gradient all-reduce over a row (ranks r, r + 2, r + 4, r + 6: two nodes):
  // 4 * 40 / 2 = 80 B, 2 * 2 * 10 us + 2 * 3/4 * 80 B / 1 GB/s.
  CHECK(r.layers[0].gradient_s == Approx(40e-6 + 120 / 1e9));
  // On 1 x 4, the whole row sits in one node.
  const Result b = AnalyticModel(net, p).run(uniform_plan(net, Strategy::batch, {1, 4}), 16);
  CHECK(b.layers[0].gradient_s == Approx(4e-6 + 2 * 0.75 * 160 / 100e9));
}

TEST_CASE("model FLOPs are three forward passes of the batch; MFU their share of the peak") {
  // Tiny MLP: fc1 2 * 4 * 8 = 64 and fc2 2 * 8 * 2 = 32 forward FLOPs per sample; B = 16.
  const Network net = test::network_from(test::kTinyMlp);
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  const Result r = model.run(uniform_plan(net, Strategy::batch, {1, 2}), 16);
  CHECK(r.model_flops == doctest::Approx(3.0 * 16 * 96));
  CHECK(r.mfu() == doctest::Approx(4608.0 / (r.iteration_s * 2 * 1e9)));
}
