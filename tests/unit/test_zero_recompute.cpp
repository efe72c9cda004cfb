// Sharded data parallelism and recomputation (docs/model.md, "Sharded data parallelism",
// "Recomputation") against values worked out by hand. Platform: alpha = 1 us, beta = 1 ns
// per byte, 1 GFLOP/s.

#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "sim/model/analytic_model.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

// A bf16 GPT of 2 blocks, h = 64, 4 heads, T = 16, V = 96, trained with Adam: 16 bytes of
// model state per parameter (2 weights, 2 gradients, 12 optimizer: fp32 moments and master).
Network gpt() {
  return test::network_from(
      "name: g\ndtype: bf16\noptimizer: adam\nbatch: 8\ntransformer: {style: gpt, layers: 2, "
      "hidden: 64, heads: 4, seq: 16, vocab: 96, dropout: 0.0}\n");
}

Result run(const Network& net, ProcessGrid grid, int zero, Recompute recompute) {
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  Plan plan = uniform_plan(net, Strategy::batch, grid);
  plan.zero = zero;
  plan.recompute = recompute;
  return model.run(plan, net.batch);
}

}  // namespace

TEST_CASE("ZeRO stages 0-3 keep 16, 4 + 12/Pc, 2 + 14/Pc and 16/Pc bytes per parameter") {
  const Network net = gpt();
  const double phi = static_cast<double>(net.total_params());
  const double pc = 4.0;
  const double expected[] = {16 * phi, 4 * phi + 12 * phi / pc, 2 * phi + 14 * phi / pc,
                             16 * phi / pc};
  for (int zero = 0; zero <= 3; ++zero) {
    const Result r = run(net, {1, 4}, zero, Recompute::none);
    const double state =
        r.memory.weights_bytes + r.memory.gradients_bytes + r.memory.optimizer_bytes;
    CHECK(state == Approx(expected[zero]));
  }
}

TEST_CASE("ZeRO 1 and 2 replace each all-reduce by a reduce-scatter and an all-gather") {
  const Network net = gpt();
  const Result plain = run(net, {1, 4}, 0, Recompute::none);
  const Result zero2 = run(net, {1, 4}, 2, Recompute::none);
  const LayerResult& a = plain.layers[net.find("block0.mlp.fc1")];
  const LayerResult& b = zero2.layers[net.find("block0.mlp.fc1")];
  // fc1: 64 * 256 + 256 = 16,640 parameters, n = 33,280 B over Pc = 4:
  // all-reduce 2 * 2 us + 2 * 3/4 * 33.28 us = 53.92 us; reduce-scatter + all-gather the same.
  CHECK(a.gradient_s == Approx(4e-6 + 1.5e-9 * 33280));
  CHECK(b.gradient_s == Approx(a.gradient_s));
  CHECK(b.comm_bytes == Approx(2 * a.comm_bytes));
  CHECK(zero2.iteration_s == Approx(plain.iteration_s));
}

TEST_CASE("ZeRO 3 gathers each layer's weights before its forward and its backward") {
  const Network net = gpt();
  const Result zero3 = run(net, {1, 4}, 3, Recompute::none);
  const LayerResult& fc1 = zero3.layers[net.find("block0.mlp.fc1")];
  const double half = 2e-6 + 0.75e-9 * 33280;  // one all-gather (or reduce-scatter) of n
  CHECK(fc1.forward_s == Approx(half));
  CHECK(fc1.backward_s == Approx(half));
  CHECK(fc1.gradient_s == Approx(half));  // the reduce-scatter alone: 1.5x the all-reduce
}

TEST_CASE("full recomputation runs each block's forward again and keeps only its input") {
  const Network net = gpt();
  const Result plain = run(net, {1, 1}, 0, Recompute::none);
  const Result full = run(net, {1, 1}, 0, Recompute::full);
  // fc1: 2 * 64 * 256 FLOPs per token, 16 tokens, 8 samples: 4.194 ms forward at 1 GFLOP/s;
  // forward, input and weight gradient 3x that; recomputed 4x.
  const LayerResult& a = plain.layers[net.find("block0.mlp.fc1")];
  const LayerResult& b = full.layers[net.find("block0.mlp.fc1")];
  CHECK(a.compute_s == Approx(3 * 2 * 64 * 256 * 16 * 8 / 1e9));
  CHECK(b.compute_s == Approx(4.0 / 3.0 * a.compute_s));
  // Layers outside the blocks are not recomputed.
  CHECK(full.layers[net.find("logits")].compute_s ==
        Approx(plain.layers[net.find("logits")].compute_s));
  // Memory: each block keeps its input (bf16, 8 x 16 x 64 x 2 B = 16 kB), plus one block's
  // activations while it is recomputed; the rest is the embeddings' and final layers'.
  const double block_input = 8.0 * 16 * 64 * 2;
  CHECK(full.memory.activations_bytes < plain.memory.activations_bytes);
  const Result one_block =
      run(test::network_from("name: g\ndtype: bf16\noptimizer: adam\nbatch: 8\n"
                             "transformer: {style: gpt, layers: 1, hidden: 64, heads: 4, "
                             "seq: 16, vocab: 96, dropout: 0.0}\n"),
          {1, 1}, 0, Recompute::full);
  // A second block adds its input only.
  CHECK(full.memory.activations_bytes - one_block.memory.activations_bytes == Approx(block_input));
}

TEST_CASE("selective recomputation drops the attention scores and reruns the attention core") {
  const Network net = gpt();
  const Result plain = run(net, {1, 1}, 0, Recompute::none);
  const Result sel = run(net, {1, 1}, 0, Recompute::selective);
  // Scores: 4 heads x 16 x 16 per sample, bf16, 8 samples, per block: 16,384 B; 2 blocks.
  CHECK(plain.memory.activations_bytes - sel.memory.activations_bytes ==
        Approx(2 * 8.0 * 4 * 16 * 16 * 2));
  const LayerResult& a = plain.layers[net.find("block0.attn.core")];
  const LayerResult& b = sel.layers[net.find("block0.attn.core")];
  // The core's forward is a third of its compute (backward is twice the forward).
  CHECK(b.compute_s == Approx(4.0 / 3.0 * a.compute_s));
  CHECK(sel.layers[net.find("block0.mlp.fc1")].compute_s ==
        Approx(plain.layers[net.find("block0.mlp.fc1")].compute_s));
}
