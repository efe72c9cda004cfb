// Transformer workloads (docs/model.md, "Transformer workloads"): the new layer types'
// shapes, parameters and FLOPs worked out by hand, the `transformer:` form, and the
// presets' parameter counts against the published ones.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

Network gpt(Count layers, Count hidden, Count heads, Count seq, Count vocab) {
  return test::network_from(fmt::format(
      "name: g\nbatch: 2\ntransformer: {{style: gpt, layers: {}, hidden: {}, heads: {}, seq: {}, "
      "vocab: {}}}\n",
      layers, hidden, heads, seq, vocab));
}

double gpt_params(double l, double h, double t, double v) {
  return 12 * l * h * h + 13 * l * h + (v + t) * h + 2 * h;
}

}  // namespace

TEST_CASE("embedding: token ids [T] to [T, features], vocab x features parameters, no FLOPs") {
  const Network net = test::network_from(R"(
name: e
batch: 2
input: {tokens: 6}
layers:
  - {name: wte, type: embedding, vocab: 10, features: 4}
  - {name: wpe, type: position_embedding}
)");
  const Layer& wte = net.layers[0];
  CHECK(wte.out_shape.dims == std::vector<Count>{6, 4});
  CHECK(wte.params == 40);
  CHECK(wte.flops_per_sample == 0.0);
  // A learned vector per position, added to the token embedding: 6 x 4.
  const Layer& wpe = net.layers[1];
  CHECK(wpe.out_shape.dims == std::vector<Count>{6, 4});
  CHECK(wpe.params == 24);
  CHECK(net.input.dims == std::vector<Count>{6});
}

TEST_CASE("an embedding reads token ids only") {
  CHECK_THROWS_WITH_AS(test::network_from(R"(
name: e
batch: 2
input: {tokens: 6, features: 3}
layers:
  - {name: wte, type: embedding, vocab: 10, features: 4}
)"),
                       doctest::Contains("an embedding reads token ids: the network's input"),
                       InputError);
}

TEST_CASE("attention: fused QKV of (a + 2g) d features in, a d out, 4 T^2 h FLOPs") {
  // a = 2 query heads sharing g = 1 key-value head, d = 4: QKV is 5 x (2 + 2) * 4 = 5 x 16,
  // the output 5 x 8; QK^T and AV cost 2 T^2 h each, 4 * 25 * 8 = 800 FLOPs.
  const Network net = test::network_from(R"(
name: a
batch: 2
input: {tokens: 5, features: 16}
layers:
  - {name: core, type: attention, heads: 2, kv_heads: 1, causal: true}
)");
  const Layer& core = net.layers[0];
  CHECK(core.out_shape.dims == std::vector<Count>{5, 8});
  CHECK(core.params == 0);
  CHECK(core.flops_per_sample == Approx(800.0));
  CHECK(input_gradient_flops(core) == Approx(1600.0));  // twice the forward
  CHECK(weight_gradient_flops(core) == 0.0);
}

TEST_CASE("attention refuses features that are not a multiple of the heads' QKV") {
  CHECK_THROWS_WITH_AS(test::network_from(R"(
name: a
batch: 2
input: {tokens: 5, features: 18}
layers:
  - {name: core, type: attention, heads: 2, kv_heads: 1}
)"),
                       doctest::Contains("must be a multiple of 4"), InputError);
}

TEST_CASE("rmsnorm has a weight per feature, mul joins two equal inputs") {
  const Network net = test::network_from(R"(
name: r
batch: 2
input: {tokens: 3, features: 8}
layers:
  - {name: norm, type: rmsnorm}
  - {name: gate, type: linear, out_features: 12, bias: false}
  - {name: silu, type: silu}
  - {name: up, type: linear, out_features: 12, bias: false, inputs: [norm]}
  - {name: mul, type: mul, inputs: [silu, up]}
)");
  CHECK(net.layers[0].params == 8);
  CHECK(net.layers[0].out_shape.dims == std::vector<Count>{3, 8});
  CHECK(net.layers[1].params == 96);
  // Per token 2 * 8 * 12 FLOPs, 3 tokens.
  CHECK(net.layers[1].flops_per_sample == Approx(576.0));
  CHECK(net.layers[4].out_shape.dims == std::vector<Count>{3, 12});
  CHECK(net.layers[4].inputs.size() == 2);
}

TEST_CASE("a linear layer tied to an embedding has no weight of its own but learns it") {
  const Network net = test::network_from(R"(
name: t
batch: 2
input: {tokens: 4}
layers:
  - {name: wte, type: embedding, vocab: 10, features: 6}
  - {name: logits, type: linear, out_features: 10, bias: false, tied_to: wte}
)");
  const Layer& logits = net.layers[1];
  CHECK(logits.params == 0);
  CHECK(logits.is_tied());
  CHECK(net.total_params() == 60);
  // 2 * 4 tokens * 6 * 10 forward; its gradient of the shared table costs as much.
  CHECK(logits.flops_per_sample == Approx(480.0));
  CHECK(weight_gradient_flops(logits) == Approx(480.0));
}

TEST_CASE("tied_to must name an embedding of the right shape") {
  CHECK_THROWS_WITH_AS(test::network_from(R"(
name: t
batch: 2
input: {tokens: 4}
layers:
  - {name: wte, type: embedding, vocab: 10, features: 6}
  - {name: logits, type: linear, out_features: 11, bias: false, tied_to: wte}
)"),
                       doctest::Contains("cannot use the 10 x 6 table"), InputError);
}

TEST_CASE("the gpt form names its layers as Megatron's GPT has them") {
  const Network net = gpt(2, 64, 4, 16, 100);
  for (const char* name :
       {"wte", "wpe", "drop", "block0.ln1", "block0.attn.qkv", "block0.attn.core",
        "block0.attn.proj", "block0.attn.drop", "block0.attn.add", "block0.ln2", "block0.mlp.fc1",
        "block0.mlp.gelu", "block0.mlp.fc2", "block0.mlp.drop", "block1.mlp.add", "ln_f",
        "logits"}) {
    CHECK_MESSAGE(net.find(name) < net.layers.size(), name);
  }
  CHECK(net.batch == 2);
  CHECK(net.input.dims == std::vector<Count>{16});  // a sample is one sequence
  const Layer& core = net.layers[net.find("block1.attn.core")];
  CHECK(core.causal);
  CHECK(core.dropout == 0.1);
  CHECK(net.layers[net.find("logits")].is_tied());
}

TEST_CASE("gpt parameters are 12 l h^2 + 13 l h + (V + T) h + 2 h") {
  CHECK(static_cast<double>(gpt(2, 64, 4, 16, 100).total_params()) == gpt_params(2, 64, 16, 100));
  CHECK(static_cast<double>(gpt(24, 1024, 16, 1024, 50257).total_params()) ==
        gpt_params(24, 1024, 1024, 50257));
  // GPT-3 175B as Megatron-LM trains it: 174,615,846,912.
  const Network gpt3 = load_network(test::preset("workloads", "gpt3-175b"));
  CHECK(gpt3.total_params() == 174'615'846'912);
  CHECK(static_cast<double>(gpt3.total_params()) == gpt_params(96, 12288, 2048, 51200));
  CHECK(gpt3.dtype == DType::bf16);
  CHECK(gpt3.optimizer == Optimizer::adam);
}

TEST_CASE("the llama presets have Meta's published parameter counts") {
  CHECK(load_network(test::preset("workloads", "llama2-7b")).total_params() == 6'738'415'616);
  CHECK(load_network(test::preset("workloads", "llama2-70b")).total_params() == 68'976'648'192);
  CHECK(load_network(test::preset("workloads", "llama3-8b")).total_params() == 8'030'261'248);
}

TEST_CASE("gpt forward FLOPs follow Narayanan et al.: 24 T l h^2 (1 + T/6h + V/12lh)") {
  struct Case {
    Count l, h, a, t, v;
  };
  for (const Case c : {Case{2, 64, 4, 16, 100}, Case{24, 1024, 16, 1024, 50257},
                       Case{96, 12288, 96, 2048, 51200}, Case{40, 5120, 40, 2048, 51200}}) {
    const double l = static_cast<double>(c.l), h = static_cast<double>(c.h);
    const double t = static_cast<double>(c.t), v = static_cast<double>(c.v);
    const double expected = 24 * t * l * h * h * (1 + t / (6 * h) + v / (12 * l * h));
    CHECK(gpt(c.l, c.h, c.a, c.t, c.v).total_flops_per_sample() == Approx(expected));
  }
}

TEST_CASE("the llama form: rmsnorm, SwiGLU, grouped-query attention, untied logits") {
  const Network net = test::network_from(R"(
name: l
batch: 1
transformer: {style: llama, layers: 1, hidden: 64, heads: 8, kv_heads: 2, ffn: 96, seq: 16, vocab: 50}
)");
  // embed 50*64; norms 64 each (two in the block, one final); qkv 64 x (8 + 2*2) * 8;
  // proj 64*64; gate, up, down 3 * 64 * 96; logits 64 * 50.
  CHECK(net.total_params() == 50 * 64 + 3 * 64 + 64 * 96 + 64 * 64 + 3 * 64 * 96 + 64 * 50);
  const Layer& core = net.layers[net.find("block0.attn.core")];
  CHECK(core.kv_heads == 2);
  CHECK(core.dropout == 0.0);
  CHECK_FALSE(net.layers[net.find("logits")].is_tied());
  CHECK(net.layers[net.find("block0.mlp.mul")].type == LayerType::mul);
}

TEST_CASE("the transformer form refuses what cannot be a transformer") {
  CHECK_THROWS_WITH_AS(test::network_from("name: x\nbatch: 1\ntransformer: {style: gpt, layers: 1, "
                                          "hidden: 64, heads: 6, seq: 8, vocab: 10}\n"),
                       doctest::Contains("heads = 6 must divide hidden = 64"), InputError);
  CHECK_THROWS_WITH_AS(test::network_from("name: x\nbatch: 1\ntransformer: {style: llama, layers: "
                                          "1, hidden: 64, heads: 8, seq: 8, vocab: 10}\n"),
                       doctest::Contains("'transformer.ffn': is missing"), InputError);
  CHECK_THROWS_WITH_AS(test::network_from("name: x\nbatch: 1\ninput: {features: 3}\ntransformer: "
                                          "{style: gpt, layers: 1, hidden: 64, heads: 8, seq: 8, "
                                          "vocab: 10}\n"),
                       doctest::Contains("input"), InputError);
}
