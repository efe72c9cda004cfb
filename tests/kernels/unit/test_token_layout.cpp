// Where a transformer's tensors lie on each process (token_layout.cpp), the blocks they
// move in (token_block.cpp) and what they weigh (token_memory.cpp), against values worked
// out by hand for tests/data/tiny-gpt.yaml: B = 4, T = 16, h = 64, 4 heads, V = 100.

#include <doctest/doctest.h>

#include <numeric>

#include "sim/common/error.hpp"
#include "sim/kernels/local/token_block.hpp"
#include "sim/kernels/local/token_layout.hpp"
#include "sim/kernels/local/token_memory.hpp"
#include "sim/workload/network_loader.hpp"

using namespace dnnsim;
using namespace dnnsim::kernels;

namespace {

Network tiny_gpt() {
  return load_network(std::string(DNNSIM_DATA_DIR) + "/tests/data/tiny-gpt.yaml");
}

std::vector<TokenPlacement> placements(const Network& net, Strategy strategy, ProcessGrid grid,
                                       bool sequence_parallel, int rank) {
  const Plan plan = uniform_plan(net, strategy, grid, sequence_parallel);
  return token_placements(net, resolve_layout(net, plan), net.batch, rank);
}

const TokenPlacement& of(const Network& net, const std::vector<TokenPlacement>& p,
                         const char* name) {
  return p[net.find(name)];
}

}  // namespace

TEST_CASE("tensor 2x1: rank 1 holds the second half of every split weight and its heads") {
  const Network net = tiny_gpt();
  const auto p = placements(net, Strategy::tensor, {2, 1}, false, 1);
  // QKV: (4 + 2*4) * 16 = 192 outputs, rows [96, 192): heads 2 and 3 with their K and V.
  CHECK(of(net, p, "block0.attn.qkv").weight_rows == Range{96, 192});
  CHECK(of(net, p, "block0.attn.qkv").out == TokenBox{{0, 4}, {0, 16}, {96, 192}});
  CHECK(of(net, p, "block0.attn.core").out == TokenBox{{0, 4}, {0, 16}, {32, 64}});
  // The projection reads those heads' 32 features and holds those weight columns.
  CHECK(of(net, p, "block0.attn.proj").read[0] == TokenBox{{0, 4}, {0, 16}, {32, 64}});
  CHECK(of(net, p, "block0.attn.proj").weight_cols == Range{32, 64});
  CHECK(of(net, p, "block0.attn.proj").out == TokenBox{{0, 4}, {0, 16}, {0, 64}});
  // The vocabulary: the embedding's rows and the tied logits' outputs, [50, 100).
  CHECK(of(net, p, "wte").weight_rows == Range{50, 100});
  CHECK(of(net, p, "logits").weight_rows == Range{50, 100});
  CHECK(of(net, p, "logits").out == TokenBox{{0, 4}, {0, 16}, {50, 100}});
  // Norms are whole, computed by both processes.
  CHECK(of(net, p, "block0.ln1").read[0] == TokenBox{{0, 4}, {0, 16}, {0, 64}});
}

TEST_CASE("sequence parallelism: norms, dropouts and adds hold their block of tokens") {
  const Network net = tiny_gpt();
  const auto p = placements(net, Strategy::tensor, {2, 1}, true, 1);
  CHECK(of(net, p, "wte").out == TokenBox{{0, 4}, {8, 16}, {0, 64}});
  CHECK(of(net, p, "block0.ln1").out == TokenBox{{0, 4}, {8, 16}, {0, 64}});
  CHECK(of(net, p, "block0.attn.add").read[1] == TokenBox{{0, 4}, {8, 16}, {0, 64}});
  // A column layer reads all tokens (gathered), a row layer writes its block.
  CHECK(of(net, p, "block0.mlp.fc1").read[0] == TokenBox{{0, 4}, {0, 16}, {0, 64}});
  CHECK(of(net, p, "block0.mlp.fc2").out == TokenBox{{0, 4}, {8, 16}, {0, 64}});
}

TEST_CASE("tensor 2x2: the column's samples, split over Pc") {
  const Network net = tiny_gpt();
  // Rank 3 sits at row 1, column 1: samples [2, 4).
  const auto p = placements(net, Strategy::tensor, {2, 2}, false, 3);
  CHECK(of(net, p, "block0.mlp.fc1").out == TokenBox{{2, 4}, {0, 16}, {128, 256}});
  CHECK(of(net, p, "wte").read[0] == TokenBox{{2, 4}, {0, 16}, {0, 1}});  // token ids
}

TEST_CASE("the kernels refuse the paper's kinds on a transformer and split tied tables") {
  const Network net = tiny_gpt();
  const auto execs = [&](Strategy s, ProcessGrid g) {
    return resolve_layout(net, uniform_plan(net, s, g));
  };
  CHECK_NOTHROW(require_token_support(net, execs(Strategy::tensor, {4, 1})));
  CHECK_NOTHROW(require_token_support(net, execs(Strategy::batch, {1, 4})));
  CHECK_THROWS_AS(require_token_support(net, execs(Strategy::integrated, {2, 2})), InputError);
  // Logits split by input features hold every vocabulary row, the embedding half of them.
  Plan plan = uniform_plan(net, Strategy::tensor, {2, 1});
  plan.layers[net.find("logits")].kind = Kind::row;
  CHECK_THROWS_WITH_AS(require_token_support(net, resolve_layout(net, plan)),
                       doctest::Contains("is tied to 'wte' but holds another part of its table"),
                       InputError);
}

TEST_CASE("token blocks pack by parts and unpack to the same tensor") {
  TokenBlock whole = TokenBlock::zeros({{0, 2}, {0, 5}, {0, 3}});
  std::iota(whole.data.begin(), whole.data.end(), 0.0F);
  // Tokens in 2 parts, [0, 2) and [2, 5): part 0 is sample 0's tokens 0-1, then sample 1's.
  const std::vector<float> packed = pack_token_blocks(whole, 5, 2);
  CHECK(packed[0] == 0.0F);
  CHECK(packed[6] == 15.0F);  // sample 1, token 0
  CHECK(packed[12] == 6.0F);  // part 1 starts at sample 0, token 2
  TokenBlock back{{{0, 2}, {0, 0}, {0, 3}}, {}};
  unpack_token_blocks(packed.data(), 5, 2, back);
  CHECK(back.data == whole.data);
  const std::vector<float> by_features = pack_feature_blocks(whole, 3, 3);
  CHECK(by_features[0] == 0.0F);
  CHECK(by_features[1] == 3.0F);  // feature 0 of the next token
  TokenBlock back2{{{0, 2}, {0, 5}, {0, 0}}, {}};
  unpack_feature_blocks(by_features.data(), 3, 3, back2);
  CHECK(back2.data == whole.data);
  const TokenBlock middle = cut(whole, {{1, 2}, {1, 3}, {1, 2}});
  CHECK(middle.data == std::vector<float>{19.0F, 22.0F});
}

TEST_CASE("memory of one linear layer on token vectors, float by float") {
  YAML::Node root = YAML::Load(R"(
name: one-linear
batch: 1
input: {tokens: 2, features: 3}
layers:
  - {name: fc, type: linear, out_features: 4}
)");
  const Network net = parse_network(root, "one-linear.yaml");
  const PassMemory m = token_pass_memory(net, uniform_plan(net, Strategy::batch, {1, 1}), 1, 0);
  // Weights and bias 3*4 + 4 = 16 and their gradients; output 2*4 and its gradient; the
  // network input 2*3 and its gradient: 32 + 16 + 12 = 60 floats. On top, three times
  // the largest whole tensor (the output, 8 floats).
  CHECK(m.kept == doctest::Approx(4.0 * 60));
  CHECK(m.temp == doctest::Approx(4.0 * 24));
}
