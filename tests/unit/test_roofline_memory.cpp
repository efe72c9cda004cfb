// The roofline and memory per process (docs/model.md, "Compute: the roofline" and "Memory
// per process"), against values worked out by hand and Korthikanti et al.'s activation
// formula.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/model/compute_cost.hpp"
#include "sim/model/memory.hpp"
#include "sim/strategy/plan.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

std::vector<LayerExec> one_process(const Network& net) {
  return resolve_layout(net, uniform_plan(net, Strategy::batch, {1, 1}));
}

/// A100-like: 312 TFLOP/s at 50 %, 2 TB/s at 80 %: 156 TFLOP/s and 1.6 TB/s.
Device roofline_device() {
  Device d;
  d.flops = 312e12;
  d.efficiency = 0.5;
  d.memory_bandwidth_bytes_per_s = 2e12;
  d.memory_efficiency = 0.8;
  return d;
}

const char* kMlpOfTokens = R"(
name: m
dtype: fp16
batch: 1
input: {tokens: 1024, features: 4096}
layers:
  - {name: fc, type: linear, out_features: 4096, bias: false}
  - {name: gelu, type: gelu}
)";

/// Bytes one GPT block keeps per sequence under docs/model.md's rule.
double block_kept_bytes(const Network& net) {
  double bytes = 0.0;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].name.starts_with("block0.")) bytes += kept_bytes_per_sample(net, i);
  }
  return bytes;
}

}  // namespace

TEST_CASE("roofline: a GEMM is bound by its FLOPs, an activation by its bytes") {
  const Network net = test::network_from(kMlpOfTokens);
  const Device device = roofline_device();
  const ComputeModel model(net, device, "test.yaml");
  const auto execs = one_process(net);
  // fc: 2 * 1024 * 4096 * 4096 = 34.36 GFLOP / 156 TFLOP/s = 220.3 us; its bytes
  // 2 * (4M in + 4M out + 16M weights) = 50.3 MB / 1.6 TB/s = 31.5 us.
  const LayerCompute fc = model.layer(execs, 0, 1.0);
  CHECK(forward_bytes(net, execs, 0, 1.0) == Approx(2.0 * (2 * 4194304.0 + 16777216.0)));
  CHECK(fc.forward_s == Approx(34359738368.0 / 156e12));
  CHECK(fc.weight_gradient_s == Approx(34359738368.0 / 156e12));
  CHECK(fc.input_gradient_s == 0.0);  // nothing upstream learns
  // gelu: no FLOPs counted, 2 * (4M + 4M) = 16.8 MB each way: 10.49 us forward, twice
  // that backward (its input gradient).
  const LayerCompute gelu = model.layer(execs, 1, 1.0);
  CHECK(gelu.forward_s == Approx(16777216.0 / 1.6e12));
  CHECK(gelu.input_gradient_s == Approx(2 * 16777216.0 / 1.6e12));
  CHECK(gelu.total_s == Approx(3 * 16777216.0 / 1.6e12));
}

TEST_CASE("roofline: without a memory bandwidth bytes cost nothing") {
  const Network net = test::network_from(kMlpOfTokens);
  Device device = roofline_device();
  device.memory_bandwidth_bytes_per_s.reset();
  const ComputeModel model(net, device, "test.yaml");
  const auto execs = one_process(net);
  CHECK(model.layer(execs, 1, 1.0).total_s == 0.0);
  CHECK(model.layer(execs, 0, 1.0).total_s == Approx(2 * 34359738368.0 / 156e12));
}

TEST_CASE("roofline: attention's scores count unless flash, at attention's own efficiency") {
  // T = 2048, h = 1024 (16 heads of 64), fp16. Forward FLOPs 4 T^2 h = 17.18 GFLOP at
  // 312 * 0.25 = 78 TFLOP/s: 220.3 us. Bytes: QKV 3 T h + output T h = 8 Mi elements,
  // scores written and read 2 a T^2 = 128 Mi elements, 2 bytes each: 285.2 MB, 178.3 us.
  const std::string yaml = R"(
name: a
dtype: fp16
batch: 1
input: {tokens: 2048, features: 3072}
layers:
  - {name: core, type: attention, heads: 16, causal: true, flash: FLASH}
)";
  Device device = roofline_device();
  device.efficiency_by_type["attention"] = 0.25;
  for (const bool flash : {false, true}) {
    std::string text = yaml;
    text.replace(text.find("FLASH"), 5, flash ? "true" : "false");
    const Network net = test::network_from(text);
    const auto execs = one_process(net);
    const double elements = 4.0 * 2048 * 1024 + (flash ? 0.0 : 2.0 * 16 * 2048 * 2048);
    CHECK(forward_bytes(net, execs, 0, 1.0) == Approx(2.0 * elements));
    const LayerCompute c = ComputeModel(net, device, "t.yaml").layer(execs, 0, 1.0);
    const double flops_s = 4.0 * 2048 * 2048 * 1024 / 78e12;
    CHECK(c.forward_s == Approx(std::max(flops_s, 2.0 * elements / 1.6e12)));
  }
}

TEST_CASE("an efficiency map must name layer types") {
  const Network net = test::network_from(kMlpOfTokens);
  Device device = roofline_device();
  device.efficiency_by_type["atention"] = 0.3;
  CHECK_THROWS_WITH_AS(ComputeModel(net, device, "p.yaml"),
                       doctest::Contains("node.efficiency.atention"), InputError);
}

TEST_CASE("optimizer state: sgd 0, momentum 4, adam 8 bytes, plus a 4-byte master copy") {
  CHECK(optimizer_bytes_per_param(Optimizer::sgd, DType::fp32) == 0.0);
  CHECK(optimizer_bytes_per_param(Optimizer::momentum, DType::fp32) == 4.0);
  CHECK(optimizer_bytes_per_param(Optimizer::adam, DType::fp32) == 8.0);
  CHECK(optimizer_bytes_per_param(Optimizer::sgd, DType::bf16) == 4.0);
  // Adam in mixed precision: 2 + 2 + 12 = 16 bytes per parameter.
  CHECK(optimizer_bytes_per_param(Optimizer::adam, DType::fp16) == 12.0);
}

TEST_CASE("llama2-7b with Adam in bf16 needs 16 bytes per parameter, 108 GB") {
  const Network net = load_network(test::preset("workloads", "llama2-7b"));
  const MemoryUse m = memory_per_proc(net, one_process(net), 1.0);
  CHECK(m.weights_bytes == Approx(2.0 * 6'738'415'616));
  CHECK(m.gradients_bytes == Approx(2.0 * 6'738'415'616));
  CHECK(m.optimizer_bytes == Approx(12.0 * 6'738'415'616));
  CHECK(m.weights_bytes + m.gradients_bytes + m.optimizer_bytes == Approx(107.81e9).epsilon(1e-4));
}

TEST_CASE("a GPT block keeps T h (34 + 5 a T / h) bytes per sequence in fp16") {
  struct Case {
    Count h, a, t;
  };
  for (const Case c :
       {Case{64, 4, 16}, Case{768, 12, 1024}, Case{12288, 96, 2048}, Case{4096, 32, 512}}) {
    const Network net = test::network_from(fmt::format(
        "name: g\ndtype: fp16\nbatch: 1\ntransformer: {{style: gpt, layers: 1, hidden: {}, "
        "heads: {}, seq: {}, vocab: 100}}\n",
        c.h, c.a, c.t));
    const double h = static_cast<double>(c.h), a = static_cast<double>(c.a);
    const double t = static_cast<double>(c.t);
    CHECK(block_kept_bytes(net) == Approx(t * h * (34 + 5 * a * t / h)));
  }
}

TEST_CASE("kept activations: flash attention keeps Q, K, V, its output and its statistics") {
  // T = 5, a = 2, g = 1, d = 4 (fp32): QKV 5 x 16, output 5 x 8, 4 bytes per head and token.
  const Network flash = test::network_from(R"(
name: a
batch: 1
input: {tokens: 5, features: 16}
layers:
  - {name: core, type: attention, heads: 2, kv_heads: 1, flash: true, dropout: 0.1}
)");
  CHECK(kept_bytes_per_sample(flash, 0) == Approx(4.0 * (80 + 40) + 4.0 * 2 * 5));
  // Without flash, with dropout: QKV, the softmax output (a T^2 = 50 words), its 1-byte mask
  // and the dropped output: 320 + 200 + 50 + 200.
  const Network plain = test::network_from(R"(
name: a
batch: 1
input: {tokens: 5, features: 16}
layers:
  - {name: core, type: attention, heads: 2, kv_heads: 1, dropout: 0.1}
)");
  CHECK(kept_bytes_per_sample(plain, 0) == Approx(770.0));
}

TEST_CASE("kept activations: maxpool's argmax, dropout's mask only when it drops") {
  const Network net = test::network_from(R"(
name: p
batch: 1
input: {channels: 2, height: 4, width: 4}
layers:
  - {name: pool, type: maxpool, kernel: 2}
  - {name: flat, type: flatten}
  - {name: drop, type: dropout, p: 0.5}
  - {name: off, type: dropout, p: 0.0}
)");
  // Its input (32 floats) and an int64 argmax per output (8): 128 + 64 bytes.
  CHECK(kept_bytes_per_sample(net, 0) == Approx(192.0));
  CHECK(kept_bytes_per_sample(net, 1) == 0.0);
  CHECK(kept_bytes_per_sample(net, 2) == Approx(8.0));  // 1 byte per element
  CHECK(kept_bytes_per_sample(net, 3) == 0.0);
}

TEST_CASE("memory per process divides the weights by Pr and the activations by Pc") {
  const Network net = test::network_from(R"(
name: m
dtype: bf16
batch: 8
optimizer: adam
input: {features: 16}
layers:
  - {name: fc, type: linear, out_features: 8, bias: false}
)");
  // model 2x1: each process holds half the 128 weights, all 8 samples' inputs (16 each).
  const auto execs = resolve_layout(net, uniform_plan(net, Strategy::model, {2, 1}));
  const MemoryUse m = memory_per_proc(net, execs, 8.0);
  CHECK(m.weights_bytes == Approx(128.0));
  CHECK(m.gradients_bytes == Approx(128.0));
  CHECK(m.optimizer_bytes == Approx(12.0 * 64));
  CHECK(m.activations_bytes == Approx(2.0 * 8 * 16));
  // batch 1x2: all the weights, half the samples.
  const auto batch = resolve_layout(net, uniform_plan(net, Strategy::batch, {1, 2}));
  const MemoryUse b = memory_per_proc(net, batch, 8.0);
  CHECK(b.weights_bytes == Approx(256.0));
  CHECK(b.activations_bytes == Approx(2.0 * 4 * 16));
}

TEST_CASE("a result over the device's memory is still timed, and flagged") {
  const Network net = load_network(test::preset("workloads", "llama2-7b"));
  Platform platform = test::simple_platform();
  platform.node.memory_bytes = 80e9;
  const Result r = AnalyticModel(net, platform).run(uniform_plan(net, Strategy::batch, {1, 2}), 2);
  CHECK(r.exceeds_memory());
  CHECK(r.iteration_s > 0.0);
  CHECK(r.memory_bytes_per_proc == Approx(r.memory.weights_bytes + r.memory.gradients_bytes +
                                          r.memory.optimizer_bytes + r.memory.activations_bytes));
}
