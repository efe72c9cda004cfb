// The memory estimate dnnsim-kernels checks before it allocates (docs/kernels.md,
// "Memory"), against buffer sizes worked out by hand from what DistributedNetwork, the
// reference run and the comparison allocate; and the memory the machine is taken to have.

#include <cstdlib>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "sim/common/error.hpp"
#include "sim/common/memory.hpp"
#include "sim/common/units.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/kernels/local/memory_estimate.hpp"
#include "sim/workload/network_loader.hpp"

using namespace dnnsim;
using namespace dnnsim::kernels;

namespace {

Network network(const std::string& text) {
  return parse_network(parse_yaml_text(text, "t.yaml", "workload"), "t.yaml");
}

// 8 features -> fc1 (4) -> relu -> fc2 (2), biases: 36 and 10 parameters.
const char* const kTwoLinear =
    "name: two-linear\ndtype: fp32\nbatch: 6\ninput: {features: 8}\nlayers:\n"
    "  - {name: fc1, type: linear, out_features: 4}\n"
    "  - {name: relu, type: relu}\n"
    "  - {name: fc2, type: linear, out_features: 2}\n";

// A 1x4x4 image -> conv 3x3 pad 1 (2 channels, 20 parameters) -> 2x2 max pooling ->
// flatten (8) -> fc (3, 27 parameters).
const char* const kConvPool =
    "name: conv-pool\ndtype: fp32\nbatch: 2\ninput: {channels: 1, height: 4, width: 4}\n"
    "layers:\n"
    "  - {name: conv, type: conv2d, out_channels: 2, kernel: 3, padding: 1}\n"
    "  - {name: pool, type: maxpool, kernel: 2, stride: 2}\n"
    "  - {name: flatten, type: flatten}\n"
    "  - {name: fc, type: linear, out_features: 3}\n";

// Sets DNNSIM_MEMORY_LIMIT_BYTES for one test, and restores it after.
class MemoryLimit {
 public:
  explicit MemoryLimit(const char* value) {
    if (const char* old = std::getenv(kMemoryLimitVariable)) old_ = old;
    if (value != nullptr) {
      setenv(kMemoryLimitVariable, value, 1);
    } else {
      unsetenv(kMemoryLimitVariable);
    }
  }
  ~MemoryLimit() {
    if (old_) {
      setenv(kMemoryLimitVariable, old_->c_str(), 1);
    } else {
      unsetenv(kMemoryLimitVariable);
    }
  }
  MemoryLimit(const MemoryLimit&) = delete;
  MemoryLimit& operator=(const MemoryLimit&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("memory of a linear chain, batch 1x2: each rank's share, rank 0's reference") {
  const Network net = network(kTwoLinear);
  const Plan plan = uniform_plan(net, Strategy::batch, {1, 2});
  // Rank 1 holds samples [3, 6). Floats kept: fc1 weights and gradients 2*36 = 72, its
  // input 3*8 = 24, output 3*4 = 12; relu output 12; fc2 weights and gradients 2*10 = 20,
  // output 3*2 = 6; the loss gradient 6; input gradients of fc2 and relu, 3*4 each = 24
  // (fc1 computes none). 176 floats = 704 B. On top: Open MPI's scratch copy of the largest
  // all-reduce, fc1's 36 weight gradients over the row of 2, 144 B.
  const PassMemory rank1 = pass_memory(net, plan, 6, 1);
  CHECK(rank1.kept == 704.0);
  CHECK(rank1.temp == 144.0);
  // Comparing: at fc1, its whole output 6*4 = 24 floats and weight gradient 36, 240 B; at
  // relu, its output (24), input gradient (24) and rank 1's part of it (12), also 240 B.
  CHECK(check_memory(net, plan, 6, 1) == 240.0);
  CHECK(run_memory_bytes(net, plan, 6, 1) == kProcessBaseBytes + 704.0 + 240.0);

  // Rank 0 also runs the network on the whole batch: 72 + 48 + 24 (fc1) + 24 (relu) +
  // 20 + 12 (fc2) + 12 (loss) + 24 + 24 (input gradients) = 260 floats = 1,040 B, and
  // compares while both are held: 704 + 1,040 + 240.
  const PassMemory reference = pass_memory(net, uniform_plan(net, Strategy::batch, {1, 1}), 6, 0);
  CHECK(reference.kept == 1040.0);
  CHECK(reference.temp == 0.0);
  CHECK(run_memory_bytes(net, plan, 6, 0) == kProcessBaseBytes + 704.0 + 1040.0 + 240.0);
}

TEST_CASE("memory of a convolution under domain 2x1: halo, im2col, argmax, gather") {
  const Network net = network(kConvPool);
  const Plan plan = uniform_plan(net, Strategy::domain, {2, 1});
  // Rank 1 (process row 1), both samples. conv keeps input rows [2, 4) (2*1*2*4 = 16
  // floats), weights and gradients 2*20 = 40, the rows [1, 4) it computes from after the
  // halo (24), its output rows [2, 4) (2*2*2*4 = 32), im2col (9 x 16 = 144), the GEMM
  // result (32) and dY as a matrix (32). pool: output row 1 (2*2*1*2 = 8) and its argmax
  // (8 x 8 B = 64 B), input gradient rows [2, 4) (32). flatten: the gathered input (16),
  // its output (16), its input gradient (16). fc: weights and gradients 2*27 = 54, output
  // 2*3 = 6, input gradient 2*8 = 16; the loss gradient 6. 490 floats + 64 B = 2,024 B.
  const PassMemory rank1 = pass_memory(net, plan, 2, 1);
  CHECK(rank1.kept == 2024.0);
  // The largest moment on top: the forward halo, a packed copy of the 16 held floats and
  // one round's 8 sent and 8 received, 32 floats = 128 B.
  CHECK(rank1.temp == 128.0);
  // Comparing pool: its whole output 2*8 = 16, input gradient 2*32 = 64 and rank 1's part
  // of it 32: 112 floats = 448 B.
  CHECK(check_memory(net, plan, 2, 1) == 448.0);
  CHECK(run_memory_bytes(net, plan, 2, 1) == kProcessBaseBytes + 2024.0 + 448.0);
}

TEST_CASE("memory of a calibration: the largest GEMM shape, at least the ping-pong buffer") {
  const Network net = network(kTwoLinear);
  // At batch 6 the largest product is tiny: the 8 MiB ping-pong buffer is the most.
  CHECK(calibration_memory_bytes({net}, 6) == kProcessBaseBytes + 8388608.0);
  // At batch 1,000,000, fc1's forward (1e6 x 4 result, 1e6 x 8 input, 4 x 8 weights) and
  // weight gradient (the same three sizes) hold 12,000,032 floats.
  CHECK(calibration_memory_bytes({net}, 1'000'000) == kProcessBaseBytes + 48'000'128.0);
}

TEST_CASE("available memory: DNNSIM_MEMORY_LIMIT_BYTES, else MemAvailable") {
  {
    const MemoryLimit limit("1e6");
    CHECK(available_memory_bytes() == 1e6);
  }
  for (const char* bad : {"abc", "", "0", "-5", "1e6x", "inf"}) {
    const MemoryLimit limit(bad);
    CHECK_THROWS_WITH_AS(
        (void)available_memory_bytes(),
        ("'DNNSIM_MEMORY_LIMIT_BYTES': expected a positive number of bytes, got '" +
         std::string(bad) + "'")
            .c_str(),
        InputError);
  }
  const MemoryLimit unset(nullptr);
  CHECK(available_memory_bytes() > 0.0);  // this machine's MemAvailable
  CHECK(human_bytes(25.11e12) == "25.1 TB");
  CHECK(human_bytes(412.34e9) == "412 GB");
  CHECK(human_bytes(1e6) == "1 MB");
  CHECK(human_bytes(0.0) == "0 B");
}
