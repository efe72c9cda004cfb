#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/common/error.hpp"
#include "sim/workload/halo.hpp"

using namespace dnnsim;

TEST_CASE("preset workloads have PyTorch's published parameter counts") {
  // torchvision model zoo figures; AlexNet-2012 and GPT-2 medium worked out in the YAML.
  CHECK(load_network(test::preset("workloads", "alexnet")).total_params() == 61'100'840);
  CHECK(load_network(test::preset("workloads", "alexnet-2012")).total_params() == 60'965'224);
  CHECK(load_network(test::preset("workloads", "vgg16")).total_params() == 138'357'544);
  CHECK(load_network(test::preset("workloads", "resnet50")).total_params() == 25'557'032);
  CHECK(load_network(test::preset("workloads", "resnet18")).total_params() == 11'689'512);
  CHECK(load_network(test::preset("workloads", "transformer-block")).total_params() == 12'596'224);
  CHECK(load_network(test::preset("workloads", "mlp")).total_params() == 12'540'904);
  // small-cnn: 16*3*3*3+16 + 32*16*3*3+32 + 2048*128+128 + 128*10+10 (worked out in the YAML).
  CHECK(load_network(test::preset("workloads", "small-cnn")).total_params() == 268'650);
}

TEST_CASE("alexnet shapes follow PyTorch's floor formula") {
  const Network net = load_network(test::preset("workloads", "alexnet"));
  // 224 + 2*2 - 11 = 217; 217 / 4 = 54; + 1 = 55.
  CHECK(net.layers[net.find("conv1")].out_shape.dims == std::vector<Count>{64, 55, 55});
  // (55 - 3) / 2 + 1 = 27
  CHECK(net.layers[net.find("pool1")].out_shape.dims == std::vector<Count>{64, 27, 27});
  CHECK(net.layers[net.find("pool5")].out_shape.dims == std::vector<Count>{256, 6, 6});
  CHECK(net.layers[net.find("flatten")].out_shape.dims == std::vector<Count>{9216});
  // conv2: 2 * 192*27*27 * 64*5*5 = 447,897,600 FLOPs per sample.
  CHECK(net.layers[net.find("conv2")].flops_per_sample == doctest::Approx(447'897'600.0));
  // fc6: 2 * 9216 * 4096
  CHECK(net.layers[net.find("fc6")].flops_per_sample == doctest::Approx(75'497'472.0));
}

TEST_CASE("resnet50 forward FLOPs are about 4.1 GMACs per image") {
  // torchvision documents ResNet-50 at 4.09 GFLOPS counted as multiply-adds (2x that here);
  // convolutions and the fc layer only, as docs/model.md counts.
  const Network net = load_network(test::preset("workloads", "resnet50"));
  CHECK(net.total_flops_per_sample() / 2 == doctest::Approx(4.09e9).epsilon(0.01));
}

TEST_CASE("grouped convolutions divide the fan-in by the groups") {
  const Network net = test::network_from(R"(
name: g
batch: 2
input: {channels: 8, height: 6, width: 6}
layers:
  - {name: c, type: conv2d, out_channels: 4, kernel: 3, groups: 2}
)");
  // 4 * (8/2) * 3 * 3 + 4 bias = 148; output 4 x 4 x 4; 2 * 64 * 36 = 4608 FLOPs.
  CHECK(net.layers[0].params == 148);
  CHECK(net.layers[0].out_shape.dims == std::vector<Count>{4, 4, 4});
  CHECK(net.layers[0].flops_per_sample == doctest::Approx(4608.0));
}

TEST_CASE("batchnorm has 2C parameters and layernorm 2F") {
  const Network net = test::network_from(R"(
name: n
batch: 2
input: {channels: 3, height: 4, width: 4}
layers:
  - {name: bn, type: batchnorm}
  - {name: f, type: flatten}
  - {name: ln, type: layernorm}
)");
  CHECK(net.layers[0].params == 6);
  CHECK(net.layers[2].params == 96);  // 2 * 48 features
}

TEST_CASE("residual joins read named inputs and the graph is topologically ordered") {
  const Network net = test::network_from(R"(
name: r
batch: 2
input: {features: 4}
layers:
  - {name: a, type: linear, out_features: 4}
  - {name: b, type: relu}
  - {name: sum, type: add, inputs: [a, b]}
  - {name: early, type: linear, out_features: 4, inputs: input}
)");
  CHECK(net.layers[2].inputs == std::vector<std::size_t>{0, 1});
  CHECK(boost::num_edges(net.graph) == 3);
  CHECK(net.layers[3].inputs.empty());
  // Every layer comes after its inputs.
  std::vector<std::size_t> position(net.layers.size());
  for (std::size_t k = 0; k < net.topo_order.size(); ++k) position[net.topo_order[k]] = k;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    for (const auto j : net.layers[i].inputs) CHECK(position[j] < position[i]);
  }
  // a has no parameters upstream (first weighted); b and sum have a upstream.
  CHECK_FALSE(net.params_upstream[0]);
  CHECK(net.params_upstream[1]);
  CHECK(net.params_upstream[2]);
  CHECK_FALSE(net.params_upstream[3]);
}

TEST_CASE("halo rows follow the cost model's formulas") {
  Layer conv;
  conv.kernel = {3, 3};
  conv.stride = {1, 1};
  conv.padding = {1, 1};
  CHECK(forward_halo_rows(conv) == 1);
  CHECK(backward_halo_rows(conv) == 1);
  // AlexNet conv1: k 11, s 4, p 2: h = max(2, 11 - 4 - 2, 0) = 5;
  // h_b = max(floor(8 / 4), ceil(2 / 4)) = 2.
  conv.kernel = {11, 11};
  conv.stride = {4, 4};
  conv.padding = {2, 2};
  CHECK(forward_halo_rows(conv) == 5);
  CHECK(backward_halo_rows(conv) == 2);
  // 2x2 stride-2 pooling: no halo either way.
  conv.kernel = {2, 2};
  conv.stride = {2, 2};
  conv.padding = {0, 0};
  CHECK(forward_halo_rows(conv) == 0);
  CHECK(backward_halo_rows(conv) == 0);
}

TEST_CASE("workload errors name the file, the line and the key") {
  const auto message = [](const std::string& yaml) {
    try {
      (void)test::network_from(yaml);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head =
      "name: x\nbatch: 2\ninput: {channels: 3, height: 8, width: 8}\nlayers:\n";
  CHECK(message(head + "  - {name: c, type: conv2d, out_channels: 0, kernel: 3}\n") ==
        "test.yaml:5: 'layer 'c'.out_channels': expected a positive integer, got '0'");
  CHECK(message(head + "  - {name: c, type: linear, out_features: 3}\n") ==
        "test.yaml:5: 'layer 'c'': linear reads a flat feature vector or [tokens, features], got "
        "[3, 8, 8]; add a flatten layer before it");
  CHECK(message(head + "  - {name: c, type: relu}\n  - {name: c, type: relu}\n") ==
        "test.yaml:6: 'layer 'c'.name': duplicate layer name; line 5 already uses it");
  CHECK(message("name: x\nbatch: 2\ninput: {features: 3}\nlayers: []\n") ==
        "test.yaml:4: 'layers': expected a non-empty list of layers");
  CHECK(message(head + "  - {name: c, type: conv2d, out_channels: 4, kernel: 3, groups: 2}\n") ==
        "test.yaml:5: 'layer 'c'.groups': groups = 2 must divide both the input channels (3) "
        "and out_channels (4)");
  CHECK(message(head + "  - {name: c, type: add, inputs: [input]}\n") ==
        "test.yaml:5: 'layer 'c'.inputs': add joins two or more inputs, got 1");
}
