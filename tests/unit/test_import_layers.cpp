// The layer types that imported models need: shapes, parameters and FLOPs worked
// out by hand, and what each communicates under docs/model.md. Platform of the analytic tests:
// alpha = 1 us, beta = 1 ns/byte, 1 GFLOP/s; fp32 (s = 4).

#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/model/analytic_model.hpp"
#include "sim/taskgraph/task_graph.hpp"

using namespace dnnsim;
using doctest::Approx;

namespace {

using Dims = std::vector<Count>;

const Layer& layer(const Network& net, std::string_view name) {
  const std::size_t i = net.find(name);
  REQUIRE(i < net.layers.size());
  return net.layers[i];
}

std::string error_of(const std::string& yaml) {
  try {
    (void)test::network_from(yaml);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

Result run(const Network& net, Strategy strategy, ProcessGrid grid, std::int64_t batch) {
  const Platform platform = test::simple_platform();
  AnalyticModel model(net, platform);
  return model.run(uniform_plan(net, strategy, grid), batch);
}

// A ViT in miniature: 8 features read as 2 tokens of 4, a class token in front, a position
// embedding added, a linear layer on the last axis, attention scores, the class token out.
const char* kTinyVit = R"(
name: tiny-vit
batch: 16
input: {features: 8}
layers:
  - {name: tokens, type: reshape, shape: [2, 4]}
  - {name: class_token, type: parameter, shape: [1, 4]}
  - {name: cat, type: concat, inputs: [class_token, tokens]}
  - {name: pos_embedding, type: parameter, shape: [3, 4]}
  - {name: embed, type: add, inputs: [cat, pos_embedding]}
  - {name: ln, type: layernorm, normalized_shape: [4]}
  - {name: fc, type: linear, out_features: 4}
  - {name: keys, type: transpose, perm: [1, 0]}
  - {name: scores, type: matmul, inputs: [fc, keys]}
  - {name: attn, type: softmax}
  - {name: first, type: slice, dim: 0, end: 1, squeeze: true}
)";

}  // namespace

TEST_CASE("mean averages the listed axes of a sample, with or without keeping them") {
  const Network net = test::network_from(R"(
name: m
batch: 2
input: {channels: 8, height: 4, width: 5}
layers:
  - {name: gap, type: mean, dims: [1, 2]}
  - {name: kept, type: mean, dims: [2, 1], keepdim: true, inputs: input}
)");
  CHECK(layer(net, "gap").out_shape.dims == Dims{8});
  CHECK(layer(net, "kept").out_shape.dims == Dims{8, 1, 1});
  CHECK(layer(net, "gap").params == 0);
  CHECK(layer(net, "gap").flops_per_sample == 0.0);
  CHECK(layer(net, "gap").d_in == 160);  // 8 * 4 * 5
}

TEST_CASE("matmul multiplies two activations: 2 m k n FLOPs per leading index, no parameters") {
  const Network net = test::network_from(R"(
name: mm
batch: 2
input: {features: 24}
layers:
  - {name: a, type: reshape, shape: [2, 3, 4]}
  - {name: b, type: reshape, shape: [2, 4, 3], inputs: input}
  - {name: ab, type: matmul, inputs: [a, b]}
)");
  const Layer& ab = layer(net, "ab");
  CHECK(ab.out_shape.dims == Dims{2, 3, 3});
  CHECK(ab.params == 0);
  CHECK(ab.flops_per_sample == Approx(144.0));       // 2 * (2 * 3 * 4 * 3)
  CHECK(ab.d_in == 48);                              // both operands: 24 + 24
  CHECK(input_gradient_flops(ab) == Approx(288.0));  // dA = dC B^T and dB = A^T dC
  CHECK(weight_gradient_flops(ab) == 0.0);
}

TEST_CASE("the tiny ViT: parameters, tokens and linear layers on the last axis") {
  const Network net = test::network_from(kTinyVit);
  CHECK(layer(net, "tokens").out_shape.dims == Dims{2, 4});
  const Layer& token = layer(net, "class_token");
  CHECK(token.inputs.empty());
  CHECK(token.out_shape.dims == Dims{1, 4});
  CHECK(token.params == 4);
  CHECK(layer(net, "cat").out_shape.dims == Dims{3, 4});  // concatenated along the tokens
  CHECK(layer(net, "pos_embedding").params == 12);
  CHECK(layer(net, "ln").params == 8);  // 2 * 4: per feature, not per element of [3, 4]
  const Layer& fc = layer(net, "fc");
  CHECK(fc.out_shape.dims == Dims{3, 4});
  CHECK(fc.params == 20);                      // 4 * 4 + 4
  CHECK(fc.flops_per_sample == Approx(96.0));  // 2 * 3 tokens * 4 * 4
  CHECK(layer(net, "keys").out_shape.dims == Dims{4, 3});
  CHECK(layer(net, "scores").out_shape.dims == Dims{3, 3});
  CHECK(layer(net, "scores").flops_per_sample == Approx(72.0));  // 2 * 3 * 4 * 3
  CHECK(layer(net, "first").out_shape.dims == Dims{3});
  CHECK(net.total_params() == 44);  // 4 + 12 + 8 + 20
  // The class token has parameters: the join reading it needs its input gradient.
  CHECK(net.params_upstream[net.find("cat")]);
  CHECK_FALSE(net.params_upstream[net.find("class_token")]);
}

TEST_CASE("reshape, transpose and slice move data without parameters") {
  const Network net = test::network_from(R"(
name: t
batch: 2
input: {channels: 6, height: 2, width: 2}
layers:
  - {name: flat, type: reshape, shape: [6, 4]}
  - {name: swap, type: transpose, perm: [1, 0]}
  - {name: part, type: slice, dim: 1, start: 2, end: 5}
)");
  CHECK(layer(net, "flat").out_shape.dims == Dims{6, 4});
  CHECK(layer(net, "swap").out_shape.dims == Dims{4, 6});
  CHECK(layer(net, "part").out_shape.dims == Dims{4, 3});
  CHECK(net.total_params() == 0);
  CHECK(net.total_flops_per_sample() == 0.0);
}

TEST_CASE("pooling with ceil_mode rounds up as PyTorch does") {
  const Network net = test::network_from(R"(
name: p
batch: 2
input: {channels: 1, height: 112, width: 5}
layers:
  - {name: up, type: maxpool, kernel: 3, stride: 2, ceil_mode: true}
  - {name: floor, type: maxpool, kernel: 3, stride: 2, inputs: input}
  - {name: edge, type: avgpool, kernel: 2, stride: 2, padding: 1, ceil_mode: true, inputs: input}
)");
  // ceil((112 - 3) / 2) + 1 = 56 (GoogLeNet's maxpool1); floor gives 55.
  CHECK(layer(net, "up").out_shape.dims == Dims{1, 56, 2});
  CHECK(layer(net, "floor").out_shape.dims == Dims{1, 55, 2});
  // Width 5, k 2, s 2, p 1: ceil(5 / 2) + 1 = 4, but the 4th window would start at 6 >=
  // 5 + 1, in the right padding only, so PyTorch drops it: 3. Height: ceil(112/2)+1 = 57,
  // the last window starts at 112 >= 113? no: 57.
  CHECK(layer(net, "edge").out_shape.dims == Dims{1, 57, 3});
}

TEST_CASE("new layer types reject shapes that do not fit, naming the key") {
  const std::string head = "name: x\nbatch: 2\ninput: {features: 12}\nlayers:\n";
  CHECK(error_of(head + "  - {name: r, type: reshape, shape: [5, 2]}\n") ==
        "test.yaml:5: 'layer 'r'.shape': reshape keeps the 12 elements of [12], but [5, 2] has 10");
  CHECK(error_of(head + "  - {name: m, type: mean, dims: [1]}\n") ==
        "test.yaml:5: 'layer 'm'.dims': axis 1 is out of range for a sample of 1 dimensions (axes "
        "count from 0, the batch is not one)");
  CHECK(error_of(head + "  - {name: r, type: reshape, shape: [3, 4]}\n"
                        "  - {name: m, type: matmul, inputs: [r, r]}\n") ==
        "test.yaml:6: 'layer 'm'.inputs': matmul multiplies [..., m, k] by [..., k, n] with the "
        "same leading dimensions, got [3, 4] and [3, 4]");
  CHECK(error_of(head + "  - {name: n, type: layernorm, normalized_shape: [4]}\n") ==
        "test.yaml:5: 'layer 'n'.normalized_shape': normalized_shape [4] must be the trailing "
        "dimensions of the input [12]");
  CHECK(error_of(head + "  - {name: p, type: parameter, shape: [2], inputs: input}\n") ==
        "test.yaml:5: 'layer 'p'.inputs': a parameter layer is a learned tensor: it reads no "
        "input");
  CHECK(
      error_of(head + "  - {name: s, type: slice, dim: 0, start: 4, end: 13}\n") ==
      "test.yaml:5: 'layer 's'.end': slice [4, 13) must be a non-empty range of axis 0 (size 12)");
}

TEST_CASE("a learned tensor's gradient is all-reduced over the row, like batchnorm's") {
  const Network net = test::network_from(kTinyVit);
  const Result r = run(net, Strategy::integrated, {2, 2}, 16);
  const LayerResult& token = r.layers[net.find("class_token")];
  // 4 parameters: all-reduce of 4 * 4 = 16 B over Pc = 2: 2e-6 + 2e-9 * 1/2 * 16.
  CHECK(token.gradient_s == Approx(2.016e-6));
  CHECK(token.forward_s == 0.0);
  CHECK(token.backward_s == 0.0);
  CHECK(token.redistribute_s == 0.0);
  CHECK(token.comm_bytes == Approx(16.0));
  CHECK(token.compute_s == 0.0);
  // pos_embedding: 12 parameters, 48 B: 2e-6 + 2e-9 * 1/2 * 48.
  CHECK(r.layers[net.find("pos_embedding")].gradient_s == Approx(2.048e-6));
  // layernorm over the features: 8 parameters, 32 B.
  CHECK(r.layers[net.find("ln")].gradient_s == Approx(2.032e-6));
}

TEST_CASE("a linear layer on [tokens, features] pays the cost model's table on whole samples") {
  const Network net = test::network_from(kTinyVit);
  const Result r = run(net, Strategy::integrated, {2, 2}, 16);
  const LayerResult& fc = r.layers[net.find("fc")];
  // B/Pc = 8, d_out = d_in = 3 * 4 = 12: gather 4 * 8 * 12 = 384 B over Pr = 2.
  CHECK(fc.forward_s == Approx(1.192e-6));
  // Something upstream has parameters (the tokens): dX all-reduce of 384 B.
  CHECK(fc.backward_s == Approx(2.384e-6));
  // dW: 4 * 20 / Pr = 40 B over Pc = 2.
  CHECK(fc.gradient_s == Approx(2.04e-6));
  // 16 * 96 * 3 / 4 / 1e9.
  CHECK(fc.compute_s == Approx(1.152e-6));
}

TEST_CASE("parameter-free new layers communicate nothing when the layout already fits") {
  const Network net = test::network_from(kTinyVit);
  for (const Strategy strategy : {Strategy::batch, Strategy::integrated, Strategy::model}) {
    const ProcessGrid grid = strategy == Strategy::batch   ? ProcessGrid{1, 4}
                             : strategy == Strategy::model ? ProcessGrid{4, 1}
                                                           : ProcessGrid{2, 2};
    const Result r = run(net, strategy, grid, 16);
    for (const char* name : {"tokens", "cat", "embed", "keys", "scores", "attn", "first"}) {
      CAPTURE(name);
      CHECK(r.layers[net.find(name)].comm_s() == 0.0);
      CHECK(r.layers[net.find(name)].comm_bytes == 0.0);
    }
  }
}

TEST_CASE("matmul computes redundantly within a column: its FLOPs shared by Pc, not P") {
  const Network net = test::network_from(kTinyVit);
  // 72 FLOPs forward + 144 input gradient (the tokens upstream have parameters):
  // 16 * 216 / Pc / 1e9.
  CHECK(run(net, Strategy::integrated, {2, 2}, 16).layers[net.find("scores")].compute_s ==
        Approx(1.728e-6));
  CHECK(run(net, Strategy::batch, {1, 4}, 16).layers[net.find("scores")].compute_s ==
        Approx(8.64e-7));
  // Nothing upstream with parameters: the forward only, 16 * 72 / 2 / 1e9.
  const Network plain = test::network_from(R"(
name: plain
batch: 16
input: {features: 12}
layers:
  - {name: q, type: reshape, shape: [3, 4]}
  - {name: k, type: transpose, perm: [1, 0]}
  - {name: s, type: matmul, inputs: [q, k]}
)");
  CHECK(run(plain, Strategy::integrated, {2, 2}, 16).layers[2].compute_s == Approx(5.76e-7));
}

TEST_CASE("a domain-split input reaching mean is gathered first") {
  const Network net = test::network_from(R"(
name: gap
batch: 4
input: {channels: 2, height: 8, width: 8}
layers:
  - {name: c1, type: conv2d, out_channels: 4, kernel: 3, padding: 1}
  - {name: gap, type: mean, dims: [1, 2]}
  - {name: fc, type: linear, out_features: 3}
)");
  const Result r = run(net, Strategy::domain, {2, 2}, 4);
  const LayerResult& gap = r.layers[1];
  // d_in = 4 * 8 * 8 = 256, B/Pc = 2: all-gather of 4 * 2 * 256 = 2048 B over Pr = 2.
  CHECK(gap.redistribute_s == Approx(2.024e-6));
  CHECK(gap.comm_bytes == Approx(2048.0));
  CHECK(gap.gradient_s == 0.0);
  // The linear layer after it reads a whole input: nothing to gather.
  CHECK(r.layers[2].redistribute_s == 0.0);
}

TEST_CASE("the task graph charges matmul's input gradient twice its forward") {
  const Network net = test::network_from(kTinyVit);
  const TaskGraphCompiler compiler(net, uniform_plan(net, Strategy::integrated, {2, 2}), 16,
                                   test::simple_platform());
  const RankTasks rt = compiler.compile_rank(0);
  const auto scores = static_cast<std::uint32_t>(net.find("scores"));
  double forward = 0.0;
  double input_gradient = 0.0;
  int weight_gradient_tasks = 0;
  for (std::size_t v = 0; v < boost::num_vertices(rt.graph); ++v) {
    const Task& t = rt.graph[v];
    if (t.layer != scores || t.type != TaskType::compute) continue;
    if (t.compute == ComputePart::forward) forward += t.flops;
    if (t.compute == ComputePart::input_gradient) input_gradient += t.flops;
    if (t.compute == ComputePart::weight_gradient) ++weight_gradient_tasks;
  }
  CHECK(forward == Approx(16.0 * 72 / 2));  // B * flops / Pc
  CHECK(input_gradient == Approx(16.0 * 144 / 2));
  CHECK(weight_gradient_tasks == 0);
  // The class token's gradient all-reduce is in the graph: 16 bytes over the row.
  bool token_allreduce = false;
  for (std::size_t v = 0; v < boost::num_vertices(rt.graph); ++v) {
    const Task& t = rt.graph[v];
    if (t.layer == net.find("class_token") && t.type == TaskType::collective) {
      token_allreduce = t.phase == Phase::gradient && t.group == Group::row && t.bytes == 16.0;
    }
  }
  CHECK(token_allreduce);
}
