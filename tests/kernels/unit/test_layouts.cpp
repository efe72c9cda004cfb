// Shares, windows and row layouts of the kernels: pure arithmetic, checked against
// the cost model's formulas and values worked out by hand.

#include <doctest/doctest.h>

#include "sim/common/error.hpp"
#include "sim/kernels/local/gemm_shapes.hpp"
#include "sim/kernels/local/kernel_support.hpp"
#include "sim/kernels/local/row_layout.hpp"
#include "sim/kernels/local/window.hpp"
#include "sim/strategy/limits.hpp"
#include "sim/workload/halo.hpp"
#include "sim/workload/network_loader.hpp"

using namespace dnnsim;
using namespace dnnsim::kernels;

namespace {

Network preset(const std::string& name) {
  return load_network(std::string(DNNSIM_DATA_DIR) + "/workloads/" + name + ".yaml");
}

std::vector<RowLayout> layouts(const Network& net, Strategy strategy, ProcessGrid grid) {
  return row_layouts(net, resolve_layout(net, uniform_plan(net, strategy, grid)));
}

}  // namespace

TEST_CASE("blocks split n items into parts that differ by at most one") {
  CHECK(block(10, 3, 0) == Range{0, 3});
  CHECK(block(10, 3, 1) == Range{3, 6});
  CHECK(block(10, 3, 2) == Range{6, 10});
  CHECK(block(8, 4, 3) == Range{6, 8});
  CHECK(floor_div(-3, 2) == -2);
  CHECK(ceil_div(-3, 2) == -1);
  CHECK(ceil_div(3, 2) == 2);
}

TEST_CASE("window rows: what a block of outputs reads and which outputs read a block") {
  // 3x3, stride 1, padding 1 on 8 rows: outputs [2, 4) read rows [1, 5).
  const Window conv{{3, 3}, {1, 1}, {1, 1}, 8, 8, 8, 8};
  CHECK(conv.input_rows({2, 4}) == Range{1, 5});
  CHECK(conv.input_rows({0, 2}) == Range{0, 3});  // the padding row reads nothing
  CHECK(conv.outputs_reading({2, 4}) == Range{1, 5});
  // 2x2 stride 2: outputs [1, 3) read [2, 6), and rows [2, 6) are read by outputs [1, 3).
  const Window pool{{2, 2}, {2, 2}, {0, 0}, 8, 8, 4, 4};
  CHECK(pool.input_rows({1, 3}) == Range{2, 6});
  CHECK(pool.outputs_reading({2, 6}) == Range{1, 3});
  // 3x3 stride 2 padding 1 on 10 rows (5 outputs): outputs [2, 5) read rows [3, 10);
  // rows [4, 10) are read by outputs ceil((4+1-3+1)/2) = 2 to floor((9+1)/2) = 5, clipped.
  const Window overlap{{3, 3}, {2, 2}, {1, 1}, 10, 10, 5, 5};
  CHECK(overlap.input_rows({2, 5}) == Range{3, 10});
  CHECK(overlap.outputs_reading({4, 10}) == Range{2, 5});
}

TEST_CASE("small-cnn under domain 2x2: slabs, halos and kept rows") {
  const Network net = preset("small-cnn");
  const auto rl = layouts(net, Strategy::domain, {2, 2});
  // conv1: 32 rows in slabs of 16, one halo row each way (h = 1).
  CHECK(rl[0].in_held == std::vector<Range>{{0, 16}, {16, 32}});
  CHECK(rl[0].in_fetch == std::vector<Range>{{0, 17}, {15, 32}});
  CHECK(rl[0].out_rows == std::vector<Range>{{0, 16}, {16, 32}});
  // Backward halo of conv1: none, nothing upstream has parameters.
  CHECK(rl[0].dy_fetch == rl[0].out_rows);
  // pool1 (2x2 stride 2): no halo either way; 8 output rows each.
  CHECK(rl[2].in_fetch == rl[2].in_held);
  CHECK(rl[2].out_rows == std::vector<Range>{{0, 8}, {8, 16}});
  // conv2 needs a backward halo (h_b = 1).
  CHECK(rl[3].dy_fetch == std::vector<Range>{{0, 9}, {7, 16}});
  // flatten gathers: whole rows.
  CHECK(rl[6].in_held == std::vector<Range>{{0, 8}, {0, 8}});
}

TEST_CASE("every halo exchange moves the cost model's h and h_b rows, even split unevenly") {
  // Per boundary between process rows r and r+1, the larger direction is h (forward) and
  // h_b (backward) rows of the layer: the cost model's count, whatever Pr.
  for (const std::string name : {"small-cnn", "alexnet"}) {
    const Network net = preset(name);
    for (const Count pr : {2, 3, 4}) {
      CAPTURE(name);
      CAPTURE(pr);
      const std::vector<LayerExec> execs =
          resolve_layout(net, uniform_plan(net, Strategy::domain, {pr, 1}));
      if (check_limits(net, execs, 8.0)) continue;
      const auto rl = row_layouts(net, execs);
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        if (execs[i].exec != Exec::domain) continue;
        const Layer& layer = net.layers[i];
        CAPTURE(layer.name);
        for (std::size_t r = 0; r + 1 < static_cast<std::size_t>(pr); ++r) {
          const Count down = intersect(rl[i].in_held[r], rl[i].in_fetch[r + 1]).size();
          const Count up = intersect(rl[i].in_held[r + 1], rl[i].in_fetch[r]).size();
          CHECK(std::max(down, up) == forward_halo_rows(layer));
          if (!execs[i].input_grad) continue;
          const Count bdown = intersect(rl[i].out_rows[r], rl[i].dy_fetch[r + 1]).size();
          const Count bup = intersect(rl[i].out_rows[r + 1], rl[i].dy_fetch[r]).size();
          CHECK(std::max(bdown, bup) == backward_halo_rows(layer));
        }
      }
    }
  }
}

TEST_CASE("the kernels refuse what they do not implement, naming the layer") {
  CHECK_NOTHROW(require_kernel_support(preset("mlp")));
  CHECK_NOTHROW(require_kernel_support(preset("small-cnn")));
  try {
    require_kernel_support(preset("resnet18"));
    FAIL("resnet18 has batchnorm");
  } catch (const InputError& e) {
    CHECK(e.key() == "layer 'bn1'");
    CHECK(std::string(e.what()).find("batchnorm") != std::string::npos);
  }
  const Network fp16 = parse_network(YAML::Load(R"(
name: h
dtype: fp16
batch: 2
input: {features: 4}
layers:
  - {name: fc, type: linear, out_features: 2}
)"),
                                     "h.yaml");
  CHECK_THROWS_AS(require_kernel_support(fp16), InputError);
}

TEST_CASE("calibration times the products one iteration makes") {
  const auto mlp = gemm_shapes(preset("mlp"), 8);
  // 4 linear layers x (forward, weight gradient) + input gradients of fc2..fc4.
  CHECK(mlp.size() == 11);
  CHECK(mlp[0].m == 8);
  CHECK(mlp[0].n == 2048);
  CHECK(mlp[0].k == 1024);
  CHECK(mlp[0].flops() == 2.0 * 8 * 2048 * 1024);
  const auto cnn = gemm_shapes(preset("small-cnn"), 8);
  // conv1 forward: 16 filters x (8 samples * 32 * 32 pixels), fan-in 3 * 3 * 3.
  CHECK(cnn[0].m == 16);
  CHECK(cnn[0].n == 8 * 32 * 32);
  CHECK(cnn[0].k == 27);
  // Per iteration the products are 3x the forward FLOPs, less conv1's input gradient.
  double flops = 0.0;
  for (const GemmShape& s : cnn) flops += s.flops();
  const Network net = preset("small-cnn");
  CHECK(flops ==
        doctest::Approx(8 * (3 * net.total_flops_per_sample() - net.layers[0].flops_per_sample)));
}
