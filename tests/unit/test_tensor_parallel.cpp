// Tensor and sequence parallelism (docs/model.md, "Tensor parallelism" and "Sequence
// parallelism"): the collectives of a GPT block worked out by hand, memory against
// Korthikanti et al.'s formulas, the limits, and the optimizer finding Megatron-LM's plan.
// Platform: alpha = 1 us, beta = 1 ns per byte, 1 GFLOP/s.

#include <doctest/doctest.h>

#include <cmath>

#include <fmt/format.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/model/memory.hpp"
#include "sim/optimizer/optimizer.hpp"
#include "sim/strategy/limits.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

Network gpt_block(const char* dtype, Count h, Count a, Count t) {
  return test::network_from(fmt::format(
      "name: g\ndtype: {}\nbatch: 8\ntransformer: {{style: gpt, layers: 1, hidden: {}, heads: "
      "{}, seq: {}, vocab: 96}}\n",
      dtype, h, a, t));
}

Result run(const Network& net, Strategy strategy, ProcessGrid grid, bool sequence_parallel) {
  return AnalyticModel(net, test::simple_platform())
      .run(uniform_plan(net, strategy, grid, sequence_parallel), net.batch);
}

const LayerResult& layer(const Network& net, const Result& r, const char* name) {
  return r.layers[net.find(name)];
}

// docs/model.md, "Collectives among p processes".
double allreduce_s(double p, double n) {
  return 2 * 1e-6 * std::ceil(std::log2(p)) + 2e-9 * (p - 1) / p * n;
}
double half_s(double p, double n) {
  return 1e-6 * std::ceil(std::log2(p)) + 1e-9 * (p - 1) / p * n;
}

}  // namespace

TEST_CASE("tensor: Megatron-LM's kinds on every block, vocabulary-parallel embedding") {
  const Network net = gpt_block("fp32", 64, 4, 16);
  const Plan plan = uniform_plan(net, Strategy::tensor, {4, 2});
  const auto kind = [&](const char* name) { return plan.layers[net.find(name)].kind; };
  CHECK(kind("wte") == Kind::row);
  CHECK(kind("block0.attn.qkv") == Kind::column);
  CHECK(kind("block0.attn.proj") == Kind::row);
  CHECK(kind("block0.mlp.fc1") == Kind::column);
  CHECK(kind("block0.mlp.fc2") == Kind::row);
  CHECK(kind("logits") == Kind::column);
  const Network llama = test::network_from(R"(
name: l
batch: 2
transformer: {style: llama, layers: 1, hidden: 64, heads: 8, kv_heads: 4, ffn: 96, seq: 16, vocab: 64}
)");
  const Plan lp = uniform_plan(llama, Strategy::tensor, {4, 1});
  CHECK(lp.layers[llama.find("block0.mlp.gate")].kind == Kind::column);
  CHECK(lp.layers[llama.find("block0.mlp.up")].kind == Kind::column);
  CHECK(lp.layers[llama.find("block0.mlp.down")].kind == Kind::row);
}

TEST_CASE("tensor: a GPT block costs two all-reduces of s (B/Pc) T h forward, two backward") {
  // B/Pc = 4 sequences of 16 tokens of 64 features, fp32: n = 4 * 4 * 16 * 64 = 16384 B,
  // over Pr = 4: 4 us + 2 * 3/4 * 16384 ns = 28.576 us each.
  const Network net = gpt_block("fp32", 64, 4, 16);
  const Result r = run(net, Strategy::tensor, {4, 2}, false);
  const double ar = allreduce_s(4, 16384);
  CHECK(ar == Approx(28.576e-6));
  CHECK(layer(net, r, "block0.attn.proj").forward_s == Approx(ar));
  CHECK(layer(net, r, "block0.mlp.fc2").forward_s == Approx(ar));
  CHECK(layer(net, r, "block0.attn.qkv").backward_s == Approx(ar));
  CHECK(layer(net, r, "block0.mlp.fc1").backward_s == Approx(ar));
  double forward = 0.0, backward = 0.0, redistribute = 0.0;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].name.starts_with("block0.")) continue;
    forward += r.layers[i].forward_s;
    backward += r.layers[i].backward_s;
    redistribute += r.layers[i].redistribute_s + r.layers[i].halo_s;
  }
  CHECK(forward == Approx(2 * ar));
  CHECK(backward == Approx(2 * ar));
  CHECK(redistribute == 0.0);
  // A row layer's weight gradient: its weights' share plus its whole bias, over Pc = 2:
  // fc2 has 256 x 64 weights and 64 biases: 4 * (16384 / 4 + 64) = 16640 B.
  CHECK(layer(net, r, "block0.mlp.fc2").gradient_s == Approx(allreduce_s(2, 16640)));
  // A column layer's: its share of weights and bias, 4 * (64 * 256 + 256) / 4 = 16640 B.
  CHECK(layer(net, r, "block0.mlp.fc1").gradient_s == Approx(allreduce_s(2, 16640)));
}

TEST_CASE("sequence parallelism: all-gathers and reduce-scatters replace the all-reduces") {
  const Network net = gpt_block("fp32", 64, 4, 16);
  const Result r = run(net, Strategy::tensor, {4, 2}, true);
  const double half = half_s(4, 16384);  // an all-gather or a reduce-scatter of n
  // A row layer reduce-scatters its output, then all-gathers dY backward.
  CHECK(layer(net, r, "block0.attn.proj").forward_s == Approx(half));
  CHECK(layer(net, r, "block0.attn.proj").backward_s == Approx(half));
  // A column layer all-gathers its token-split input before it, again backward, and
  // reduce-scatters dX.
  CHECK(layer(net, r, "block0.mlp.fc1").redistribute_s == Approx(half));
  CHECK(layer(net, r, "block0.mlp.fc1").backward_s == Approx(2 * half));
  CHECK(layer(net, r, "block0.attn.qkv").redistribute_s == Approx(half));
  // The norms, dropouts and residual adds between them communicate nothing.
  for (const char* name : {"block0.ln1", "block0.ln2", "block0.attn.add", "block0.mlp.drop"}) {
    CHECK_MESSAGE(layer(net, r, name).forward_s + layer(net, r, name).redistribute_s == 0.0, name);
  }
  // The embedding reduce-scatters its output.
  CHECK(layer(net, r, "wte").forward_s == Approx(half));
}

TEST_CASE("tensor memory follows Korthikanti et al.: 10 + 24/t, or everything over t") {
  // fp16, one sequence (Pc = 1). Outside the block: the embedding dropout's mask (T h),
  // ln_f's input (2 T h) and the logits' input (2 T h), whole without sequence parallelism
  // and split with it.
  struct Case {
    Count h, a, t;
    std::int64_t tp;
  };
  for (const Case c : {Case{64, 4, 16, 2}, Case{256, 8, 64, 4}, Case{512, 16, 128, 8}}) {
    Network net = gpt_block("fp16", c.h, c.a, c.t);
    net.batch = 1;
    const double h = static_cast<double>(c.h), a = static_cast<double>(c.a);
    const double t = static_cast<double>(c.t), tp = static_cast<double>(c.tp);
    const Result plain = run(net, Strategy::tensor, {c.tp, 1}, false);
    CHECK(plain.memory.activations_bytes ==
          Approx(t * h * (10 + 24 / tp + 5 * a * t / (h * tp)) + 5 * t * h));
    const Result sp = run(net, Strategy::tensor, {c.tp, 1}, true);
    CHECK(sp.memory.activations_bytes ==
          Approx(t * h * (34 + 5 * a * t / h) / tp + 5 * t * h / tp));
  }
}

TEST_CASE("tensor limits: Pr divides the split features, the heads and the tokens") {
  const Network net = gpt_block("fp32", 64, 4, 16);
  const auto violation = [&](ProcessGrid grid, bool sp) {
    const Plan plan = uniform_plan(net, Strategy::tensor, grid, sp);
    const auto v = check_limits(net, resolve_layout(net, plan), 8.0);
    return v ? net.layers[v->layer].name + ": " + v->limit : std::string();
  };
  CHECK(violation({4, 1}, true).empty());
  // 3 divides neither the vocabulary (96 does: 32 each) ... the embedding passes; QKV's 192
  // outputs split by 3 too; the heads (4) do not.
  CHECK(violation({3, 1}, false).find("heads") != std::string::npos);
  CHECK(violation({8, 1}, false).find("heads") != std::string::npos);
  const Network odd = test::network_from(R"(
name: o
batch: 2
input: {tokens: 6, features: 8}
layers:
  - {name: fc1, type: linear, out_features: 12}
  - {name: fc2, type: linear, out_features: 8}
)");
  const Plan plan = uniform_plan(odd, Strategy::tensor, {4, 1}, true);
  const auto v = check_limits(odd, resolve_layout(odd, plan), 2.0);
  REQUIRE(v);
  CHECK(odd.layers[v->layer].name == "fc2");
  CHECK(v->limit.find("tokens = 6") != std::string::npos);
}

TEST_CASE("column and row split linear layers and embeddings only") {
  const Network net = test::network_from(test::kTinyMlp);
  Plan plan = uniform_plan(net, Strategy::integrated, {2, 1});
  plan.layers[0].kind = Kind::column;
  plan.layers[2].kind = Kind::row;
  CHECK_FALSE(check_limits(net, resolve_layout(net, plan), 16.0));
  const Network cnn = test::network_from(R"(
name: c
batch: 2
input: {channels: 2, height: 4, width: 4}
layers:
  - {name: conv, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
)");
  Plan bad = uniform_plan(cnn, Strategy::integrated, {2, 1});
  bad.layers[0].kind = Kind::column;
  const auto v = check_limits(cnn, resolve_layout(cnn, bad), 2.0);
  REQUIRE(v);
  CHECK(v->limit == "kinds column and row split linear layers and embeddings, not a conv2d layer");
}

TEST_CASE("the optimizer finds Megatron-LM's plan on a GPT block by itself") {
  const Network net = test::network_from(R"(
name: block
batch: 8
input: {tokens: 128, features: 256}
layers:
  - {name: x, type: identity}
  - {name: ln1, type: layernorm, normalized_shape: [256]}
  - {name: qkv, type: linear, out_features: 768}
  - {name: core, type: attention, heads: 8, causal: true}
  - {name: proj, type: linear, out_features: 256}
  - {name: add1, type: add, inputs: [x, proj]}
  - {name: ln2, type: layernorm, normalized_shape: [256]}
  - {name: fc1, type: linear, out_features: 1024}
  - {name: gelu, type: gelu}
  - {name: fc2, type: linear, out_features: 256}
  - {name: add2, type: add, inputs: [add1, fc2]}
)");
  SearchOptions options;
  options.procs = 4;
  options.grids = GridChoice::fixed;
  options.fixed_grid = {4, 1};
  const Optimization o = optimize(net, test::simple_platform(), 8, options);
  const Result megatron = run(net, Strategy::tensor, {4, 1}, false);
  CHECK(o.result.iteration_s <= megatron.iteration_s * (1 + 1e-12));
  for (const char* name : {"qkv", "fc1"}) CHECK(o.plan.layers[net.find(name)].kind == Kind::column);
  for (const char* name : {"proj", "fc2"}) CHECK(o.plan.layers[net.find(name)].kind == Kind::row);
  const auto same = same_as_uniform(net, o.plan);
  REQUIRE(same);
  CHECK(same->strategy == Strategy::tensor);
}
