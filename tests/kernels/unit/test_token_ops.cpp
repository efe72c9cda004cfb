// The per-token transformer operations (sim/kernels/local/token_ops.hpp) against values worked
// out by hand, central finite differences of a scalar loss, and a direct attention written
// here with loops in double.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/kernels/local/seeded.hpp"
#include "sim/kernels/local/token_ops.hpp"

using namespace dnnsim;
using namespace dnnsim::kernels;
using doctest::Approx;

namespace {

std::size_t sz(Count n) {
  return static_cast<std::size_t>(n);
}

std::vector<float> random_vector(Count size, std::uint64_t stream) {
  std::vector<float> v(sz(size));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = seeded_value(11, stream, i);
  return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  }
  return sum;
}

// d loss / d x[i] by central differences, the step taken as the floats actually differ.
template <typename Loss>
double central_difference(std::vector<float>& x, std::size_t i, float step, Loss loss) {
  const float saved = x[i];
  x[i] = saved + step;
  const double up = loss();
  const float high = x[i];
  x[i] = saved - step;
  const double down = loss();
  const float low = x[i];
  x[i] = saved;
  return (up - down) / (static_cast<double>(high) - static_cast<double>(low));
}

// The rows x [begin, end) columns of a row-major matrix `width` wide.
std::vector<float> columns(const std::vector<float>& m, Count width, Count begin, Count end) {
  const Count rows = static_cast<Count>(m.size()) / width;
  std::vector<float> out;
  for (Count r = 0; r < rows; ++r) {
    for (Count c = begin; c < end; ++c) out.push_back(m[sz(r * width + c)]);
  }
  return out;
}

AttentionShape attention_shape(Count samples, Count tokens, Count groups, Count q_per_group,
                               Count head_dim, bool causal) {
  AttentionShape s;
  s.samples = samples;
  s.tokens = tokens;
  s.groups = groups;
  s.q_per_group = q_per_group;
  s.head_dim = head_dim;
  s.causal = causal;
  s.total_heads = groups * q_per_group;
  return s;
}

struct Attention {
  std::vector<float> out;
  std::vector<float> probs;
};

Attention run_attention(const AttentionShape& s, const std::vector<float>& qkv) {
  Attention a{std::vector<float>(sz(s.samples * s.tokens * s.out_width())),
              std::vector<float>(sz(s.probs_size()))};
  attention_forward(s, qkv.data(), a.out.data(), a.probs.data());
  return a;
}

std::vector<float> run_attention_backward(const AttentionShape& s, const std::vector<float>& qkv,
                                          const std::vector<float>& probs,
                                          const std::vector<float>& dout) {
  std::vector<float> dqkv(qkv.size(), 123.0F);  // must be overwritten
  attention_backward(s, qkv.data(), probs.data(), dout.data(), dqkv.data());
  return dqkv;
}

// Attention from its definition, in double: for query head h of group g = h / q_per_group,
// p_ij = exp(s_ij) / sum_k exp(s_ik) over the visible keys, s_ij = q_i . k_j / sqrt(d), and
// out_i = sum_j D_ij p_ij v_j with D drawn at the element's global index.
struct Reference {
  std::vector<double> out;    // [samples * T][heads * d]
  std::vector<double> probs;  // [samples][heads][T][T]
};

Reference naive_attention(const AttentionShape& s, const std::vector<float>& qkv) {
  const Count t = s.tokens;
  const Count d = s.head_dim;
  const Count heads = s.groups * s.q_per_group;
  const Count width = s.groups * (s.q_per_group + 2) * d;
  Reference r{std::vector<double>(sz(s.samples * t * heads * d)),
              std::vector<double>(sz(s.samples * heads * t * t))};
  auto at = [&](Count n, Count token, Count feature) {
    return static_cast<double>(qkv[sz((n * t + token) * width + feature)]);
  };
  for (Count n = 0; n < s.samples; ++n) {
    for (Count h = 0; h < heads; ++h) {
      const Count g = h / s.q_per_group;
      const Count q_at = (g * (s.q_per_group + 2) + h % s.q_per_group) * d;
      const Count k_at = (g * (s.q_per_group + 2) + s.q_per_group) * d;
      const Count v_at = k_at + d;
      for (Count i = 0; i < t; ++i) {
        std::vector<double> e(sz(t), 0.0);
        double total = 0.0;
        for (Count j = 0; j < t; ++j) {
          if (s.causal && j > i) continue;
          double score = 0.0;
          for (Count c = 0; c < d; ++c) score += at(n, i, q_at + c) * at(n, j, k_at + c);
          e[sz(j)] = std::exp(score / std::sqrt(static_cast<double>(d)));
          total += e[sz(j)];
        }
        for (Count j = 0; j < t; ++j) {
          const double p = e[sz(j)] / total;
          r.probs[sz(((n * heads + h) * t + i) * t + j)] = p;
          const Count global =
              (((s.first_sample + n) * s.total_heads + s.first_head + h) * t + i) * t + j;
          const double kept = static_cast<double>(
              dropout_factor(s.dropout, s.seed, s.stream, static_cast<std::uint64_t>(global)));
          for (Count c = 0; c < d; ++c) {
            r.out[sz((n * t + i) * heads * d + h * d + c)] += kept * p * at(n, j, v_at + c);
          }
        }
      }
    }
  }
  return r;
}

}  // namespace

TEST_CASE("layernorm normalises a row by hand: mean 2.5, biased variance 1.25") {
  const std::vector<float> x{1, 2, 3, 4};
  const std::vector<float> gamma(4, 1.0F);
  const std::vector<float> beta(4, 0.0F);
  std::vector<float> y(4);
  float mean = 0.0F;
  float rstd = 0.0F;
  layernorm_forward(x.data(), 1, 4, gamma.data(), beta.data(), y.data(), &mean, &rstd);
  const double r = 1.0 / std::sqrt(1.25 + 1e-5);
  CHECK(mean == Approx(2.5));
  CHECK(rstd == Approx(r).epsilon(1e-6));
  CHECK(y[0] == Approx(-1.5 * r).epsilon(1e-6));
  CHECK(y[1] == Approx(-0.5 * r).epsilon(1e-6));
  CHECK(y[2] == Approx(0.5 * r).epsilon(1e-6));
  CHECK(y[3] == Approx(1.5 * r).epsilon(1e-6));
}

TEST_CASE("layernorm scales by gamma and shifts by beta per feature; a constant row gives beta") {
  // Row 0 as above; row 1 is constant: variance 0, so xhat = 0 and y = beta exactly.
  const std::vector<float> x{1, 2, 3, 4, 5, 5, 5, 5};
  const std::vector<float> gamma{2.0F, 0.5F, -1.0F, 1.0F};
  const std::vector<float> beta{0.1F, 0.2F, 0.3F, -0.4F};
  std::vector<float> y(8);
  std::vector<float> mean(2);
  std::vector<float> rstd(2);
  layernorm_forward(x.data(), 2, 4, gamma.data(), beta.data(), y.data(), mean.data(), rstd.data());
  const double r = 1.0 / std::sqrt(1.25 + 1e-5);
  CHECK(y[0] == Approx(-1.5 * r * 2.0 + 0.1).epsilon(1e-6));
  CHECK(y[1] == Approx(-0.5 * r * 0.5 + 0.2).epsilon(1e-6));
  CHECK(y[2] == Approx(0.5 * r * -1.0 + 0.3).epsilon(1e-6));
  CHECK(y[3] == Approx(1.5 * r * 1.0 - 0.4).epsilon(1e-6));
  CHECK(mean[1] == Approx(5.0));
  CHECK(rstd[1] == Approx(1.0 / std::sqrt(1e-5)).epsilon(1e-6));
  for (std::size_t k = 0; k < 4; ++k) CHECK(y[4 + k] == Approx(beta[k]));
}

TEST_CASE("layernorm backward matches central differences of sum(y * g) for x, gamma, beta") {
  const Count rows = 3;
  const Count f = 6;
  std::vector<float> x = random_vector(rows * f, 1);
  std::vector<float> gamma = random_vector(f, 2);
  std::vector<float> beta = random_vector(f, 3);
  const std::vector<float> g = random_vector(rows * f, 4);
  std::vector<float> y(sz(rows * f));
  std::vector<float> mean(sz(rows));
  std::vector<float> rstd(sz(rows));
  auto loss = [&] {
    layernorm_forward(x.data(), rows, f, gamma.data(), beta.data(), y.data(), mean.data(),
                      rstd.data());
    return dot(y, g);
  };
  loss();
  std::vector<float> dx(sz(rows * f), 99.0F);  // overwritten
  // dgamma and dbeta accumulate: start from a known value and take it off after.
  std::vector<float> dgamma(sz(f), 0.25F);
  std::vector<float> dbeta(sz(f), -0.5F);
  layernorm_backward(x.data(), g.data(), rows, f, gamma.data(), mean.data(), rstd.data(), dx.data(),
                     dgamma.data(), dbeta.data());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(dx[i] == Approx(central_difference(x, i, 1e-2F, loss)).epsilon(1e-3));
  }
  for (std::size_t k = 0; k < gamma.size(); ++k) {
    CAPTURE(k);
    CHECK(dgamma[k] - 0.25F == Approx(central_difference(gamma, k, 1e-2F, loss)).epsilon(1e-3));
    CHECK(dbeta[k] + 0.5F == Approx(central_difference(beta, k, 1e-2F, loss)).epsilon(1e-3));
  }
}

TEST_CASE("gelu is x * Phi(x): 0 at 0, 0.8413447 at 1, -0.1586553 at -1, 1.9544997 at 2") {
  const std::vector<float> x{0.0F, 1.0F, -1.0F, 2.0F};
  std::vector<float> y(4);
  gelu_forward(x.data(), 4, y.data());
  CHECK(y[0] == 0.0F);
  CHECK(y[1] == Approx(0.8413447).epsilon(1e-6));
  CHECK(y[2] == Approx(-0.1586553).epsilon(1e-6));
  CHECK(y[3] == Approx(1.9544997).epsilon(1e-6));
}

TEST_CASE("gelu backward is Phi(x) + x phi(x): 0.5 at 0, 1.0833155 at 1, and central differences") {
  // Phi(1) + phi(1) = 0.8413447 + 0.2419707.
  std::vector<float> x{0.0F, 1.0F, -1.0F, 2.0F, -2.5F, 0.3F, -0.7F, 3.1F};
  const auto n = static_cast<Count>(x.size());
  const std::vector<float> g{1.0F, 1.0F, 0.5F, -2.0F, 1.5F, -0.25F, 0.75F, 1.0F};
  std::vector<float> dx(x.size());
  gelu_backward(x.data(), g.data(), n, dx.data());
  CHECK(dx[0] == Approx(0.5).epsilon(1e-6));
  CHECK(dx[1] == Approx(1.0833154).epsilon(1e-6));
  std::vector<float> y(x.size());
  auto loss = [&] {
    gelu_forward(x.data(), n, y.data());
    return dot(y, g);
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(dx[i] == Approx(central_difference(x, i, 1e-2F, loss)).epsilon(1e-3));
  }
}

TEST_CASE("embedding looks up the ids of its vocabulary block and gives zeros for the others") {
  const Count vocab = 5;
  const Count f = 3;
  const std::vector<float> table = random_vector(vocab * f, 5);
  const std::vector<std::int64_t> ids{0, 3, 2, 4, 3};
  const auto rows = static_cast<Count>(ids.size());
  // The block [2, 4) holds table rows 2 and 3.
  const std::vector<float> block(table.begin() + 2 * f, table.begin() + 4 * f);
  std::vector<float> y(sz(rows * f), 7.0F);
  embedding_forward(ids.data(), rows, block.data(), 2, 4, f, y.data());
  for (Count r = 0; r < rows; ++r) {
    const std::int64_t id = ids[sz(r)];
    for (Count k = 0; k < f; ++k) {
      CAPTURE(r);
      const float expected = id >= 2 && id < 4 ? table[sz(id * f + k)] : 0.0F;
      CHECK(y[sz(r * f + k)] == expected);
    }
  }
}

TEST_CASE("embedding over two vocabulary blocks summed equals the whole table's lookup") {
  const Count vocab = 5;
  const Count f = 3;
  const std::vector<float> table = random_vector(vocab * f, 6);
  const std::vector<std::int64_t> ids{4, 0, 1, 3, 2, 1};
  const auto rows = static_cast<Count>(ids.size());
  std::vector<float> whole(sz(rows * f));
  embedding_forward(ids.data(), rows, table.data(), 0, vocab, f, whole.data());
  std::vector<float> low(sz(rows * f));
  std::vector<float> high(sz(rows * f));
  embedding_forward(ids.data(), rows, table.data(), 0, 2, f, low.data());
  embedding_forward(ids.data(), rows, table.data() + 2 * f, 2, vocab, f, high.data());
  for (Count r = 0; r < rows; ++r) {
    for (Count k = 0; k < f; ++k) {
      CHECK(whole[sz(r * f + k)] == table[sz(ids[sz(r)] * f + k)]);
      CHECK(low[sz(r * f + k)] + high[sz(r * f + k)] == whole[sz(r * f + k)]);
    }
  }
}

TEST_CASE("embedding backward accumulates repeated ids into its block and skips the others") {
  const Count f = 2;
  const std::vector<std::int64_t> ids{0, 3, 2, 4, 3};
  const auto rows = static_cast<Count>(ids.size());
  const std::vector<float> dy{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  // The block [2, 4), its gradient already holding 0.5 everywhere (accumulated into).
  std::vector<float> dtable(sz(2 * f), 0.5F);
  embedding_backward(ids.data(), dy.data(), rows, 2, 4, f, dtable.data());
  // Row 0 of the block is id 2 (dy row 2); row 1 is id 3 (dy rows 1 and 4).
  CHECK(dtable[0] == 0.5F + 5.0F);
  CHECK(dtable[1] == 0.5F + 6.0F);
  CHECK(dtable[2] == 0.5F + 3.0F + 9.0F);
  CHECK(dtable[3] == 0.5F + 4.0F + 10.0F);
}

TEST_CASE("dropout_factor with p = 0 keeps everything with factor exactly 1") {
  for (std::uint64_t i = 0; i < 1000; ++i) CHECK(dropout_factor(0.0, 3, 4, i) == 1.0F);
}

TEST_CASE("dropout_factor with p = 0.5 gives only 0 or 2 and drops about half of 10,000") {
  int dropped = 0;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const float f = dropout_factor(0.5, 3, 4, i);
    REQUIRE((f == 0.0F || f == 2.0F));
    if (f == 0.0F) ++dropped;
  }
  CHECK(dropped >= 4500);
  CHECK(dropped <= 5500);
}

TEST_CASE("dropout_factor depends on (seed, stream, index) alone") {
  int differ_by_seed = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    CHECK(dropout_factor(0.3, 9, 2, i) == dropout_factor(0.3, 9, 2, i));
    if (dropout_factor(0.3, 9, 2, i) != dropout_factor(0.3, 10, 2, i)) ++differ_by_seed;
  }
  CHECK(differ_by_seed > 0);
  const float kept = static_cast<float>(1.0 / 0.7);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const float f = dropout_factor(0.3, 9, 2, i);
    CHECK((f == 0.0F || f == kept));
  }
}

TEST_CASE("attention over one token outputs its value head: softmax of one score is 1") {
  for (const bool causal : {true, false}) {
    for (const Count q_per_group : {Count{1}, Count{2}}) {
      CAPTURE(causal);
      CAPTURE(q_per_group);
      const AttentionShape s = attention_shape(2, 1, 2, q_per_group, 3, causal);
      const std::vector<float> qkv = random_vector(s.samples * s.qkv_width(), 7);
      const Attention a = run_attention(s, qkv);
      for (Count n = 0; n < s.samples; ++n) {
        for (Count h = 0; h < s.heads(); ++h) {
          const Count g = h / q_per_group;
          const Count v_at = (g * (q_per_group + 2) + q_per_group + 1) * s.head_dim;
          CHECK(a.probs[sz(n * s.heads() + h)] == 1.0F);
          for (Count c = 0; c < s.head_dim; ++c) {
            CHECK(a.out[sz(n * s.out_width() + h * s.head_dim + c)] ==
                  Approx(qkv[sz(n * s.qkv_width() + v_at + c)]));
          }
        }
      }
    }
  }
}

TEST_CASE("causal attention: the first token sees only itself and outputs its own value") {
  const AttentionShape s = attention_shape(2, 4, 2, 2, 3, true);
  const std::vector<float> qkv = random_vector(s.samples * s.tokens * s.qkv_width(), 8);
  const Attention a = run_attention(s, qkv);
  for (Count n = 0; n < s.samples; ++n) {
    for (Count h = 0; h < s.heads(); ++h) {
      const Count v_at = ((h / 2) * 4 + 3) * s.head_dim;
      for (Count c = 0; c < s.head_dim; ++c) {
        CHECK(a.out[sz(n * s.tokens * s.out_width() + h * s.head_dim + c)] ==
              Approx(qkv[sz(n * s.tokens * s.qkv_width() + v_at + c)]));
      }
      for (Count j = 1; j < s.tokens; ++j) {
        CHECK(a.probs[sz((n * s.heads() + h) * s.tokens * s.tokens + j)] == 0.0F);
      }
    }
  }
}

TEST_CASE("attention matches a direct double reference: T = 5, d = 3, 2 groups x 2 query heads") {
  const AttentionShape s = attention_shape(2, 5, 2, 2, 3, true);
  const std::vector<float> qkv = random_vector(s.samples * s.tokens * s.qkv_width(), 9);
  const Attention a = run_attention(s, qkv);
  const Reference r = naive_attention(s, qkv);
  REQUIRE(a.out.size() == r.out.size());
  REQUIRE(a.probs.size() == r.probs.size());
  for (std::size_t i = 0; i < a.out.size(); ++i) {
    CAPTURE(i);
    CHECK(a.out[i] == Approx(r.out[i]).epsilon(1e-5));
  }
  for (std::size_t i = 0; i < a.probs.size(); ++i) {
    CAPTURE(i);
    CHECK(a.probs[i] == Approx(r.probs[i]).epsilon(1e-5));
  }
}

TEST_CASE("attention with dropout matches the direct reference with the global-index mask") {
  AttentionShape s = attention_shape(2, 5, 2, 2, 3, false);
  s.dropout = 0.3;
  s.seed = 17;
  s.stream = 4;
  const std::vector<float> qkv = random_vector(s.samples * s.tokens * s.qkv_width(), 10);
  const Attention a = run_attention(s, qkv);
  const Reference r = naive_attention(s, qkv);
  for (std::size_t i = 0; i < a.out.size(); ++i) {
    CAPTURE(i);
    CHECK(a.out[i] == Approx(r.out[i]).epsilon(1e-5));
  }
  // The probabilities are kept before dropout.
  AttentionShape no_dropout = s;
  no_dropout.dropout = 0.0;
  const Attention b = run_attention(no_dropout, qkv);
  CHECK(a.probs == b.probs);
  CHECK(a.out != b.out);
}

TEST_CASE("attention backward matches central differences of sum(out * g) for every qkv element") {
  struct Case {
    Count q_per_group;
    bool causal;
    double dropout;
  };
  const std::vector<Case> cases{
      {1, true, 0.0}, {1, false, 0.0}, {2, true, 0.0}, {2, false, 0.0}, {2, true, 0.3}};
  for (const Case& c : cases) {
    CAPTURE(c.q_per_group);
    CAPTURE(c.causal);
    CAPTURE(c.dropout);
    AttentionShape s = attention_shape(2, 4, 2, c.q_per_group, 3, c.causal);
    s.dropout = c.dropout;
    s.seed = 5;
    std::vector<float> qkv = random_vector(s.samples * s.tokens * s.qkv_width(), 12);
    const std::vector<float> g = random_vector(s.samples * s.tokens * s.out_width(), 13);
    const Attention a = run_attention(s, qkv);
    const std::vector<float> dqkv = run_attention_backward(s, qkv, a.probs, g);
    auto loss = [&] { return dot(run_attention(s, qkv).out, g); };
    for (std::size_t i = 0; i < qkv.size(); ++i) {
      CAPTURE(i);
      CHECK(dqkv[i] == Approx(central_difference(qkv, i, 1e-2F, loss)).epsilon(1e-3));
    }
  }
}

TEST_CASE("attention split into blocks of groups equals the whole run, dropout mask included") {
  AttentionShape whole = attention_shape(2, 4, 2, 2, 3, true);
  whole.dropout = 0.3;
  whole.seed = 21;
  whole.stream = 2;
  const Count rows = whole.samples * whole.tokens;
  const std::vector<float> qkv = random_vector(rows * whole.qkv_width(), 14);
  const std::vector<float> dout = random_vector(rows * whole.out_width(), 15);
  const Attention a = run_attention(whole, qkv);
  const std::vector<float> dqkv = run_attention_backward(whole, qkv, a.probs, dout);
  for (Count group = 0; group < whole.groups; ++group) {
    CAPTURE(group);
    AttentionShape part = whole;
    part.groups = 1;
    part.first_head = group * whole.q_per_group;
    const Count in_begin = group * part.qkv_width();
    const Count out_begin = group * part.out_width();
    const std::vector<float> part_qkv =
        columns(qkv, whole.qkv_width(), in_begin, in_begin + part.qkv_width());
    const std::vector<float> part_dout =
        columns(dout, whole.out_width(), out_begin, out_begin + part.out_width());
    const Attention b = run_attention(part, part_qkv);
    const std::vector<float> expected_out =
        columns(a.out, whole.out_width(), out_begin, out_begin + part.out_width());
    REQUIRE(b.out.size() == expected_out.size());
    for (std::size_t i = 0; i < b.out.size(); ++i) {
      CHECK(b.out[i] == Approx(expected_out[i]).epsilon(1e-6));
    }
    const std::vector<float> part_dqkv = run_attention_backward(part, part_qkv, b.probs, part_dout);
    const std::vector<float> expected_dqkv =
        columns(dqkv, whole.qkv_width(), in_begin, in_begin + part.qkv_width());
    REQUIRE(part_dqkv.size() == expected_dqkv.size());
    for (std::size_t i = 0; i < part_dqkv.size(); ++i) {
      CHECK(part_dqkv[i] == Approx(expected_dqkv[i]).epsilon(1e-6));
    }
  }
  // Without first_head the second block would draw the first block's mask: it differs.
  AttentionShape local = whole;
  local.groups = 1;
  const Count second = whole.qkv_width() / 2;
  const Attention wrong =
      run_attention(local, columns(qkv, whole.qkv_width(), second, whole.qkv_width()));
  CHECK(wrong.out != columns(a.out, whole.out_width(), whole.out_width() / 2, whole.out_width()));
}

TEST_CASE("attention split by samples equals the whole run, dropout mask included") {
  AttentionShape whole = attention_shape(3, 4, 2, 2, 3, false);
  whole.dropout = 0.3;
  whole.seed = 22;
  const Count per_sample_in = whole.tokens * whole.qkv_width();
  const Count per_sample_out = whole.tokens * whole.out_width();
  const std::vector<float> qkv = random_vector(whole.samples * per_sample_in, 16);
  const std::vector<float> dout = random_vector(whole.samples * per_sample_out, 17);
  const Attention a = run_attention(whole, qkv);
  const std::vector<float> dqkv = run_attention_backward(whole, qkv, a.probs, dout);
  for (Count n = 0; n < whole.samples; ++n) {
    CAPTURE(n);
    AttentionShape part = whole;
    part.samples = 1;
    part.first_sample = n;
    const auto in = static_cast<std::ptrdiff_t>(n * per_sample_in);
    const auto out = static_cast<std::ptrdiff_t>(n * per_sample_out);
    const std::vector<float> part_qkv(qkv.begin() + in, qkv.begin() + in + per_sample_in);
    const std::vector<float> part_dout(dout.begin() + out, dout.begin() + out + per_sample_out);
    const Attention b = run_attention(part, part_qkv);
    for (std::size_t i = 0; i < b.out.size(); ++i) {
      CHECK(b.out[i] == Approx(a.out[sz(out) + i]).epsilon(1e-6));
    }
    const std::vector<float> part_dqkv = run_attention_backward(part, part_qkv, b.probs, part_dout);
    for (std::size_t i = 0; i < part_dqkv.size(); ++i) {
      CHECK(part_dqkv[i] == Approx(dqkv[sz(in) + i]).epsilon(1e-6));
    }
  }
}
