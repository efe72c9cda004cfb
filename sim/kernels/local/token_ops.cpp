#include "sim/kernels/local/token_ops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sim/kernels/local/gemm.hpp"
#include "sim/kernels/local/seeded.hpp"

namespace dnnsim::kernels {
namespace {

constexpr double layernorm_eps = 1e-5;

std::size_t size_of(Count n) {
  return static_cast<std::size_t>(n);
}

// Phi(x), the standard normal CDF.
double normal_cdf(double x) {
  return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2));
}

// The [T x d] block at feature `offset` of each of the T rows `width` wide, made contiguous
// for the GEMM (the heads interleave within a row).
void gather(const float* rows, Count width, Count offset, Count t, Count d, float* block) {
  for (Count i = 0; i < t; ++i) {
    const float* from = rows + i * width + offset;
    std::copy(from, from + d, block + i * d);
  }
}

void scatter(const float* block, Count t, Count d, Count width, Count offset, float* rows) {
  for (Count i = 0; i < t; ++i) {
    const float* from = block + i * d;
    std::copy(from, from + d, rows + i * width + offset);
  }
}

// Where the heads of group g sit in a token's fused QKV row.
struct GroupOffsets {
  Count first_q;  ///< query head 0 of the group
  Count k;
  Count v;
};

GroupOffsets group_offsets(const AttentionShape& s, Count g) {
  const Count first = g * (s.q_per_group + 2) * s.head_dim;
  const Count k = first + s.q_per_group * s.head_dim;
  return {first, k, k + s.head_dim};
}

// The dropout factors D of local query head h of local sample n, [T x T]. The mask comes
// from the global indices, so a process holding part of the heads or samples draws the
// single process's mask.
void dropout_mask(const AttentionShape& s, Count n, Count h, float* factors) {
  const Count t = s.tokens;
  const Count base = ((s.first_sample + n) * s.total_heads + s.first_head + h) * t;
  for (Count i = 0; i < t; ++i) {
    for (Count j = 0; j < t; ++j) {
      const auto index = static_cast<std::uint64_t>((base + i) * t + j);
      factors[i * t + j] = dropout_factor(s.dropout, s.seed, s.stream, index);
    }
  }
}

// Row-wise stable softmax of the scores in place; the causally masked entries get 0.
void softmax_rows(float* scores, Count t, bool causal) {
  for (Count i = 0; i < t; ++i) {
    float* row = scores + i * t;
    const Count visible = causal ? i + 1 : t;
    float max = -std::numeric_limits<float>::infinity();
    for (Count j = 0; j < visible; ++j) max = std::max(max, row[j]);
    double sum = 0.0;
    for (Count j = 0; j < visible; ++j) {
      row[j] = std::exp(row[j] - max);
      sum += static_cast<double>(row[j]);
    }
    const auto inv = static_cast<float>(1.0 / sum);
    for (Count j = 0; j < visible; ++j) row[j] *= inv;
    std::fill(row + visible, row + t, 0.0F);
  }
}

}  // namespace

void layernorm_forward(const float* x, Count rows, Count f, const float* gamma, const float* beta,
                       float* y, float* mean, float* rstd) {
  for (Count r = 0; r < rows; ++r) {
    const float* in = x + r * f;
    float* out = y + r * f;
    // Double statistics: a float sum of many features loses the variance's low digits.
    double sum = 0.0;
    for (Count k = 0; k < f; ++k) sum += static_cast<double>(in[k]);
    const double mu = sum / static_cast<double>(f);
    double squares = 0.0;
    for (Count k = 0; k < f; ++k) {
      const double c = static_cast<double>(in[k]) - mu;
      squares += c * c;
    }
    const double inv = 1.0 / std::sqrt(squares / static_cast<double>(f) + layernorm_eps);
    for (Count k = 0; k < f; ++k) {
      const double xhat = (static_cast<double>(in[k]) - mu) * inv;
      out[k] =
          static_cast<float>(xhat * static_cast<double>(gamma[k]) + static_cast<double>(beta[k]));
    }
    mean[r] = static_cast<float>(mu);
    rstd[r] = static_cast<float>(inv);
  }
}

void layernorm_backward(const float* x, const float* dy, Count rows, Count f, const float* gamma,
                        const float* mean, const float* rstd, float* dx, float* dgamma,
                        float* dbeta) {
  std::vector<double> xhat(size_of(f));
  std::vector<double> dxhat(size_of(f));
  for (Count r = 0; r < rows; ++r) {
    const float* in = x + r * f;
    const float* grad = dy + r * f;
    const auto mu = static_cast<double>(mean[r]);
    const auto inv = static_cast<double>(rstd[r]);
    double sum_dxhat = 0.0;
    double sum_dxhat_xhat = 0.0;
    for (Count k = 0; k < f; ++k) {
      const auto i = size_of(k);
      xhat[i] = (static_cast<double>(in[k]) - mu) * inv;
      dxhat[i] = static_cast<double>(grad[k]) * static_cast<double>(gamma[k]);
      sum_dxhat += dxhat[i];
      sum_dxhat_xhat += dxhat[i] * xhat[i];
      dgamma[k] += static_cast<float>(static_cast<double>(grad[k]) * xhat[i]);
      dbeta[k] += grad[k];
    }
    const double m1 = sum_dxhat / static_cast<double>(f);
    const double m2 = sum_dxhat_xhat / static_cast<double>(f);
    for (Count k = 0; k < f; ++k) {
      const auto i = size_of(k);
      dx[r * f + k] = static_cast<float>(inv * (dxhat[i] - m1 - xhat[i] * m2));
    }
  }
}

void gelu_forward(const float* x, Count n, float* y) {
  for (Count i = 0; i < n; ++i) {
    const auto v = static_cast<double>(x[i]);
    y[i] = static_cast<float>(v * normal_cdf(v));
  }
}

void gelu_backward(const float* x, const float* dy, Count n, float* dx) {
  // phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
  constexpr double inv_sqrt_2pi = std::numbers::inv_sqrtpi / std::numbers::sqrt2;
  for (Count i = 0; i < n; ++i) {
    const auto v = static_cast<double>(x[i]);
    const double pdf = std::exp(-0.5 * v * v) * inv_sqrt_2pi;
    dx[i] = static_cast<float>(static_cast<double>(dy[i]) * (normal_cdf(v) + v * pdf));
  }
}

void embedding_forward(const std::int64_t* ids, Count rows, const float* table, Count v_begin,
                       Count v_end, Count f, float* y) {
  for (Count r = 0; r < rows; ++r) {
    float* out = y + r * f;
    const std::int64_t id = ids[r];
    if (id < v_begin || id >= v_end) {
      std::fill(out, out + f, 0.0F);  // another part holds it; the sum across parts fills it
      continue;
    }
    const float* from = table + (id - v_begin) * f;
    std::copy(from, from + f, out);
  }
}

void embedding_backward(const std::int64_t* ids, const float* dy, Count rows, Count v_begin,
                        Count v_end, Count f, float* dtable) {
  for (Count r = 0; r < rows; ++r) {
    const std::int64_t id = ids[r];
    if (id < v_begin || id >= v_end) continue;
    float* to = dtable + (id - v_begin) * f;
    const float* grad = dy + r * f;
    for (Count k = 0; k < f; ++k) to[k] += grad[k];
  }
}

float dropout_factor(double p, std::uint64_t seed, std::uint64_t stream,
                     std::uint64_t index) noexcept {
  if (p == 0.0) return 1.0F;
  const double u = (static_cast<double>(seeded_value(seed, stream, index)) + 1.0) / 2.0;
  return u < p ? 0.0F : static_cast<float>(1.0 / (1.0 - p));
}

void attention_forward(const AttentionShape& shape, const float* qkv, float* out, float* probs) {
  const Count t = shape.tokens;
  const Count d = shape.head_dim;
  const Count in_width = shape.qkv_width();
  const Count out_width = shape.out_width();
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
  std::vector<float> q(size_of(t * d));
  std::vector<float> k(size_of(t * d));
  std::vector<float> v(size_of(t * d));
  std::vector<float> o(size_of(t * d));
  std::vector<float> mask(size_of(t * t));
  std::vector<float> pd(size_of(t * t));
  for (Count n = 0; n < shape.samples; ++n) {
    const float* rows = qkv + n * t * in_width;
    float* out_rows = out + n * t * out_width;
    for (Count g = 0; g < shape.groups; ++g) {
      const GroupOffsets at = group_offsets(shape, g);
      gather(rows, in_width, at.k, t, d, k.data());
      gather(rows, in_width, at.v, t, d, v.data());
      for (Count hq = 0; hq < shape.q_per_group; ++hq) {
        const Count h = g * shape.q_per_group + hq;
        float* p = probs + (n * shape.heads() + h) * t * t;
        gather(rows, in_width, at.first_q + hq * d, t, d, q.data());
        gemm(Trans::no, Trans::yes, t, t, d, scale, q.data(), k.data(), 0.0F, p);
        softmax_rows(p, t, shape.causal);
        const float* weights = p;  // D∘P, or P itself without dropout
        if (shape.dropout != 0.0) {
          dropout_mask(shape, n, h, mask.data());
          for (std::size_t e = 0; e < pd.size(); ++e) pd[e] = mask[e] * p[e];
          weights = pd.data();
        }
        gemm(Trans::no, Trans::no, t, d, t, 1.0F, weights, v.data(), 0.0F, o.data());
        scatter(o.data(), t, d, out_width, h * d, out_rows);
      }
    }
  }
}

void attention_backward(const AttentionShape& shape, const float* qkv, const float* probs,
                        const float* dout, float* dqkv) {
  const Count t = shape.tokens;
  const Count d = shape.head_dim;
  const Count in_width = shape.qkv_width();
  const Count out_width = shape.out_width();
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
  // Every element is written below; zeroed first so no stale value can survive a gap.
  std::fill(dqkv, dqkv + shape.samples * t * in_width, 0.0F);
  std::vector<float> q(size_of(t * d));
  std::vector<float> k(size_of(t * d));
  std::vector<float> v(size_of(t * d));
  std::vector<float> dout_h(size_of(t * d));
  std::vector<float> dq(size_of(t * d));
  std::vector<float> dk(size_of(t * d));
  std::vector<float> dv(size_of(t * d));
  std::vector<float> mask(size_of(t * t));
  std::vector<float> pd(size_of(t * t));
  std::vector<float> ds(size_of(t * t));
  for (Count n = 0; n < shape.samples; ++n) {
    const float* rows = qkv + n * t * in_width;
    const float* dout_rows = dout + n * t * out_width;
    float* drows = dqkv + n * t * in_width;
    for (Count g = 0; g < shape.groups; ++g) {
      const GroupOffsets at = group_offsets(shape, g);
      gather(rows, in_width, at.k, t, d, k.data());
      gather(rows, in_width, at.v, t, d, v.data());
      // The group's K and V serve its q_per_group heads: their gradients sum over them.
      std::fill(dk.begin(), dk.end(), 0.0F);
      std::fill(dv.begin(), dv.end(), 0.0F);
      for (Count hq = 0; hq < shape.q_per_group; ++hq) {
        const Count h = g * shape.q_per_group + hq;
        const float* p = probs + (n * shape.heads() + h) * t * t;
        gather(rows, in_width, at.first_q + hq * d, t, d, q.data());
        gather(dout_rows, out_width, h * d, t, d, dout_h.data());
        // O = (D∘P) V: dV += (D∘P)^T dO and dP = D∘(dO V^T).
        const float* weights = p;
        if (shape.dropout != 0.0) {
          dropout_mask(shape, n, h, mask.data());
          for (std::size_t e = 0; e < pd.size(); ++e) pd[e] = mask[e] * p[e];
          weights = pd.data();
        }
        gemm(Trans::yes, Trans::no, t, d, t, 1.0F, weights, dout_h.data(), 1.0F, dv.data());
        gemm(Trans::no, Trans::yes, t, t, d, 1.0F, dout_h.data(), v.data(), 0.0F, ds.data());
        if (shape.dropout != 0.0) {
          for (std::size_t e = 0; e < ds.size(); ++e) ds[e] *= mask[e];
        }
        for (Count i = 0; i < t; ++i) {
          float* row = ds.data() + i * t;
          const float* p_row = p + i * t;
          // Softmax backward: dS_ij = P_ij (dP_ij - sum_k dP_ik P_ik); masked P_ij = 0.
          double dot = 0.0;
          for (Count j = 0; j < t; ++j) {
            dot += static_cast<double>(row[j]) * static_cast<double>(p_row[j]);
          }
          const auto c = static_cast<float>(dot);
          for (Count j = 0; j < t; ++j) row[j] = p_row[j] * (row[j] - c);
        }
        // S = Q K^T / sqrt(d): dQ = dS K / sqrt(d), dK += dS^T Q / sqrt(d).
        gemm(Trans::no, Trans::no, t, d, t, scale, ds.data(), k.data(), 0.0F, dq.data());
        gemm(Trans::yes, Trans::no, t, d, t, scale, ds.data(), q.data(), 1.0F, dk.data());
        scatter(dq.data(), t, d, in_width, at.first_q + hq * d, drows);
      }
      scatter(dk.data(), t, d, in_width, at.k, drows);
      scatter(dv.data(), t, d, in_width, at.v, drows);
    }
  }
}

}  // namespace dnnsim::kernels
