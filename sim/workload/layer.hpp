#pragma once
// One layer of a network: what the YAML says (type and hyper-parameters) and what shape
// inference derives from it (shapes, parameters, forward FLOPs per sample).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

using Count = std::int64_t;  ///< parameters, elements, channels: exact integers

enum class LayerType : std::uint8_t {
  conv2d,
  linear,
  maxpool,
  avgpool,
  adaptive_avgpool,
  relu,
  relu6,
  gelu,
  silu,
  sigmoid,
  tanh,
  hardswish,
  dropout,
  identity,
  batchnorm,
  layernorm,
  softmax,
  flatten,
  add,
  concat,
  mean,       ///< average over some axes of a sample (global average pooling)
  matmul,     ///< product of two activations, no parameters (attention)
  parameter,  ///< a learned tensor that belongs to no module (ViT's class token)
  reshape,
  transpose,
  slice,
  embedding,           ///< token ids [T] -> [T, features] from a vocab x features table
  position_embedding,  ///< adds a learned [T, h] to its input
  attention,           ///< the attention core: fused QKV [T, (a + 2g) d] -> [T, a d]
  rmsnorm,             ///< root-mean-square norm over the last axis, a weight per feature
  mul,                 ///< elementwise product of its inputs (SwiGLU's gate)
};

/// How a layer type behaves under parallelism (docs/model.md, "Layouts and changing them").
enum class LayerRole : std::uint8_t {
  weighted,     ///< conv2d, linear: the table of docs/model.md
  windowed,     ///< maxpool, avgpool: domain-parallel under domain / hybrid, no weights
  elementwise,  ///< keeps its input's layout; communicates nothing (batchnorm has its own rule)
  whole,        ///< needs whole samples (flatten, adaptive pooling, layernorm, rmsnorm,
                ///< softmax, mean, matmul, reshape, transpose, slice)
  attention,    ///< splits its heads over Pr under model and integrated, else whole
};

[[nodiscard]] std::string_view to_string(LayerType type) noexcept;
[[nodiscard]] std::optional<LayerType> layer_type_from_string(std::string_view name) noexcept;
[[nodiscard]] LayerRole role_of(LayerType type) noexcept;
/// Every type name the YAML accepts, for messages.
[[nodiscard]] const std::vector<std::string_view>& layer_type_names();

/// Height and width of a window hyper-parameter.
struct Pair {
  Count h = 0;
  Count w = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
};

/// Shape of one sample's activations: {C, H, W} for images, {F} for feature vectors.
struct Shape {
  std::vector<Count> dims;

  [[nodiscard]] Count elements() const noexcept {
    Count n = 1;
    for (const Count d : dims) n *= d;
    return n;
  }
  [[nodiscard]] bool is_image() const noexcept { return dims.size() == 3; }
  [[nodiscard]] std::size_t rank() const noexcept { return dims.size(); }
  [[nodiscard]] Count channels() const noexcept { return dims.front(); }
  [[nodiscard]] Count height() const noexcept { return dims.size() == 3 ? dims[1] : 1; }
  [[nodiscard]] Count width() const noexcept { return dims.size() == 3 ? dims[2] : 1; }
  friend bool operator==(const Shape&, const Shape&) = default;
};

struct Layer {
  // As written in the workload file.
  std::string name;
  LayerType type = LayerType::relu;
  std::vector<std::string> input_names;  ///< empty: reads the previous layer (or the input)
  Count out_channels = 0;                ///< conv2d
  Count out_features = 0;                ///< linear
  Pair kernel{1, 1};
  Pair stride{1, 1};
  Pair padding{0, 0};
  Pair output_size{1, 1};  ///< adaptive_avgpool
  Count groups = 1;
  bool bias = true;
  bool ceil_mode = false;    ///< maxpool, avgpool: PyTorch's ceil_mode
  std::vector<Count> shape;  ///< reshape: target; parameter: its shape; layernorm:
                             ///< normalized_shape (empty: the whole sample)
  std::vector<Count> axes;   ///< mean: the axes averaged; transpose: the permutation
  bool keepdim = false;      ///< mean: keep the averaged axes with size 1
  Count slice_dim = 0;       ///< slice: axis, [start, end), squeeze when one wide
  Count slice_start = 0;
  Count slice_end = 0;
  bool squeeze = false;
  Count vocab = 0;       ///< embedding: rows of the table (its features: out_features)
  Count heads = 0;       ///< attention: a, query heads
  Count kv_heads = 0;    ///< attention: g, key and value heads (g divides a)
  bool causal = false;   ///< attention: each token sees only those before it
  bool flash = false;    ///< attention: fused, keeps no T x T scores
  double dropout = 0.0;  ///< dropout: p; attention: on its attention weights
  std::string tied_to;   ///< linear: the embedding whose table is its weight
  int line = 0;          ///< line in the workload file, for messages

  // Derived by shape inference.
  std::vector<std::size_t> inputs;  ///< indices of the layers read; empty = the network input
                                    ///< (a parameter layer reads nothing)
  std::size_t tied = static_cast<std::size_t>(-1);  ///< index of `tied_to`, if set
  Shape in_shape;                                   ///< of the first input
  Shape out_shape;
  Count d_in = 0;   ///< activations per sample entering (summed over inputs for concat)
  Count d_out = 0;  ///< activations per sample leaving
  Count params = 0;
  double flops_per_sample = 0.0;  ///< forward, docs/model.md "Compute"

  [[nodiscard]] bool is_tied() const noexcept { return !tied_to.empty(); }
};

/// Forward FLOPs per sample of the input gradient: the forward once for conv2d and linear,
/// twice for matmul and attention (one product per operand), 0 for the others.
[[nodiscard]] double input_gradient_flops(const Layer& layer) noexcept;
/// Forward FLOPs per sample of the weight gradient: the forward once for a layer with
/// parameters and FLOPs (conv2d, linear; a linear tied to an embedding computes its
/// gradient of the shared table), else 0.
[[nodiscard]] double weight_gradient_flops(const Layer& layer) noexcept;

}  // namespace dnnsim
