#pragma once
// The per-token operations of a transformer as one process computes them on the part it
// holds (no MPI): activations are row-major [rows x f], a row being one token of one sample.
// Dropout masks are seeded by the global position of each element, so a process computing a
// part draws exactly the single process's mask for that part (docs/kernels.md).

#include <cstdint>

#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

/// PyTorch's nn.LayerNorm over the f features of each row: y = (x - mean) * rstd * gamma +
/// beta, rstd = 1 / sqrt(var + 1e-5) with the biased variance. Writes mean and rstd per row
/// (kept for the backward pass).
void layernorm_forward(const float* x, Count rows, Count f, const float* gamma, const float* beta,
                       float* y, float* mean, float* rstd);

/// dx = the input gradient (overwritten); dgamma and dbeta are accumulated (+=).
void layernorm_backward(const float* x, const float* dy, Count rows, Count f, const float* gamma,
                        const float* mean, const float* rstd, float* dx, float* dgamma,
                        float* dbeta);

/// GeLU in its exact (erf) form, PyTorch's default: y = x * Phi(x).
void gelu_forward(const float* x, Count n, float* y);
/// dx = dy * (Phi(x) + x * phi(x)) (overwritten).
void gelu_backward(const float* x, const float* dy, Count n, float* dx);

/// A vocabulary-parallel embedding: the table holds rows [v_begin, v_end) of the whole
/// vocabulary, [(v_end - v_begin) x f]. Row r of y is the table row of ids[r] when this part
/// holds it, else zeros (the parts are summed across processes).
void embedding_forward(const std::int64_t* ids, Count rows, const float* table, Count v_begin,
                       Count v_end, Count f, float* y);
/// dtable[ids[r] - v_begin] += dy[r] for the ids this part holds.
void embedding_backward(const std::int64_t* ids, const float* dy, Count rows, Count v_begin,
                        Count v_end, Count f, float* dtable);

/// The inverted-dropout factor of one element: 0 when dropped (probability p), else
/// 1 / (1 - p); drawn from (seed, stream, index) alone. p = 0 keeps everything (factor 1).
[[nodiscard]] float dropout_factor(double p, std::uint64_t seed, std::uint64_t stream,
                                   std::uint64_t index) noexcept;

/// The attention core on the heads a process holds. The fused QKV of a token is laid out
/// by key/value group: for each of the `groups` groups, its `q_per_group` query heads, then
/// its key head, then its value head, each `head_dim` wide (Megatron's order, so a block of
/// whole groups is a contiguous block of features). The output of a token is the query
/// heads in the same order, [groups * q_per_group * head_dim].
struct AttentionShape {
  Count samples = 0;      ///< samples held
  Count tokens = 0;       ///< T, all of them
  Count groups = 0;       ///< key/value heads held
  Count q_per_group = 1;  ///< query heads per key/value head (a / g)
  Count head_dim = 0;     ///< d
  bool causal = true;     ///< token i sees tokens 0..i
  // Dropout on the attention weights: element (i, j) of query head h of sample n is kept
  // by dropout_factor(dropout, seed, stream, ((n * total_heads + h) * T + i) * T + j) with
  // n and h global indices.
  double dropout = 0.0;
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
  Count first_sample = 0;  ///< the global index of the first sample held
  Count first_head = 0;    ///< the global index of the first query head held
  Count total_heads = 0;   ///< a, all query heads

  [[nodiscard]] Count heads() const noexcept { return groups * q_per_group; }
  [[nodiscard]] Count qkv_width() const noexcept { return groups * (q_per_group + 2) * head_dim; }
  [[nodiscard]] Count out_width() const noexcept { return heads() * head_dim; }
  /// Floats of the softmax probabilities kept for the backward pass: [samples][heads][T][T].
  [[nodiscard]] Count probs_size() const noexcept { return samples * heads() * tokens * tokens; }
};

/// out = softmax(Q K^T / sqrt(d) + causal mask), dropped out, times V, per sample and head.
/// qkv [samples * T x qkv_width], out [samples * T x out_width], probs [probs_size()]: the
/// softmax before dropout, kept for the backward pass.
void attention_forward(const AttentionShape& shape, const float* qkv, float* out, float* probs);

/// dqkv (overwritten, the layout of qkv) from dout and what the forward pass kept.
void attention_backward(const AttentionShape& shape, const float* qkv, const float* probs,
                        const float* dout, float* dqkv);

}  // namespace dnnsim::kernels
