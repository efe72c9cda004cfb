#include "sim/kernels/reference_check.hpp"

#include <algorithm>
#include <cmath>

namespace dnnsim::kernels {
namespace {

// Rank 0's tensor, sent to all (the size is known everywhere from the network).
std::vector<float> broadcast(const std::vector<float>* source, std::size_t size, MPI_Comm world) {
  std::vector<float> data = source != nullptr ? *source : std::vector<float>(size);
  // Broadcast in pieces that fit MPI's int count.
  constexpr std::size_t kPiece = 1 << 26;
  for (std::size_t at = 0; at < size; at += kPiece) {
    const std::size_t n = std::min(kPiece, size - at);
    MPI_Bcast(data.data() + at, static_cast<int>(n), MPI_FLOAT, 0, world);
  }
  return data;
}

double scale_of(const std::vector<float>& ref) {
  double scale = 0.0;
  for (const float v : ref) scale = std::max(scale, static_cast<double>(std::fabs(v)));
  return scale > 0.0 ? scale : 1.0;
}

// `mine` against the same part of `ref`, a band over the whole batch and image.
double band_error(const Band& mine, const Band& ref) {
  if (mine.data.empty()) return 0.0;
  const Band part = slice(ref, mine.samples, mine.rows);
  double worst = 0.0;
  for (std::size_t k = 0; k < part.data.size(); ++k) {
    worst = std::max(worst, static_cast<double>(std::fabs(mine.data[k] - part.data[k])));
  }
  return worst / scale_of(ref.data);
}

// This process's block of weight rows (and their biases) against the whole gradient.
double grads_error(const LayerState& s, const std::vector<float>& ref, Count units) {
  const Count m = s.weight_rows.size();
  const bool bias = s.layer->bias;
  double worst = 0.0;
  for (Count o = 0; o < m; ++o) {
    for (Count f = 0; f < s.fan_in; ++f) {
      const float mine = s.grads[static_cast<std::size_t>(o * s.fan_in + f)];
      const float want = ref[static_cast<std::size_t>((s.weight_rows.begin + o) * s.fan_in + f)];
      worst = std::max(worst, static_cast<double>(std::fabs(mine - want)));
    }
    if (bias) {
      const float mine = s.grads[static_cast<std::size_t>(m * s.fan_in + o)];
      const float want = ref[static_cast<std::size_t>(units * s.fan_in + s.weight_rows.begin + o)];
      worst = std::max(worst, static_cast<double>(std::fabs(mine - want)));
    }
  }
  return worst / scale_of(ref);
}

// `mine` against the same part of `ref`, the whole [B x T x F] tensor.
double token_error(const TokenBlock& mine, const std::vector<float>& ref, const Shape& shape) {
  const Count tokens = tokens_of(shape);
  const Count features = features_of(shape);
  double worst = 0.0;
  for_each_element(mine.box, [&](std::size_t k, Count n, Count t, Count f) {
    const float want = ref[static_cast<std::size_t>((n * tokens + t) * features + f)];
    worst = std::max(worst, static_cast<double>(std::fabs(mine.data[k] - want)));
  });
  return worst / scale_of(ref);
}

// The pieces of the parameters' gradients a process holds against the whole gradient.
double pieces_error(const TokenLayerState& s, const std::vector<float>& ref) {
  double worst = 0.0;
  std::size_t k = 0;
  for (const ParamPiece& piece : s.pieces) {
    for (Count r = piece.rows.begin; r < piece.rows.end; ++r) {
      for (Count c = piece.cols.begin; c < piece.cols.end; ++c, ++k) {
        const float want = ref[static_cast<std::size_t>(piece.offset + r * piece.stride + c)];
        worst = std::max(worst, static_cast<double>(std::fabs(s.grads[k] - want)));
      }
    }
  }
  return worst / scale_of(ref);
}

Band like(const Shape& shape, Count batch, std::vector<float> data) {
  Band b = Band::zeros(shape, {0, 0});
  b.samples = {0, batch};
  b.data = std::move(data);
  return b;
}

}  // namespace

std::vector<double> compare_with_reference(const DistributedNetwork& mine,
                                           const DistributedNetwork* reference, MPI_Comm world) {
  const std::vector<LayerState>& layers = mine.layers();
  const Count batch = mine.batch();
  std::vector<double> errors(layers.size(), 0.0);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerState& s = layers[i];
    const Layer& layer = *s.layer;
    const LayerState* r = reference != nullptr ? &reference->layers()[i] : nullptr;

    const auto out_size = static_cast<std::size_t>(batch * layer.d_out);
    const Band ref_out = like(layer.out_shape, batch,
                              broadcast(r != nullptr ? &r->output.data : nullptr, out_size, world));
    double worst = band_error(s.output, ref_out);

    if (s.exec.input_grad) {
      const auto in_size = static_cast<std::size_t>(batch * layer.d_in);
      const Band ref_dx =
          like(layer.in_shape, batch,
               broadcast(r != nullptr ? &r->input_grad.data : nullptr, in_size, world));
      worst = std::max(worst, band_error(s.input_grad, ref_dx));
    }
    if (layer.params > 0) {
      const std::vector<float> ref_grads = broadcast(r != nullptr ? &r->grads : nullptr,
                                                     static_cast<std::size_t>(layer.params), world);
      const Count units = layer.type == LayerType::conv2d ? layer.out_channels : layer.out_features;
      worst = std::max(worst, grads_error(s, ref_grads, units));
    }
    errors[i] = worst;
  }
  std::vector<double> worst(errors.size(), 0.0);
  MPI_Reduce(errors.data(), worst.data(), static_cast<int>(errors.size()), MPI_DOUBLE, MPI_MAX, 0,
             world);
  return worst;
}

std::vector<double> compare_with_reference(const TokenNetwork& mine, const TokenNetwork* reference,
                                           MPI_Comm world) {
  const std::vector<TokenLayerState>& layers = mine.layers();
  const Count batch = mine.batch();
  std::vector<double> errors(layers.size(), 0.0);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const TokenLayerState& s = layers[i];
    const Layer& layer = *s.layer;
    const TokenLayerState* r = reference != nullptr ? &reference->layers()[i] : nullptr;
    const auto whole = [&](const Shape& shape) {
      return static_cast<std::size_t>(batch * tokens_of(shape) * features_of(shape));
    };
    double worst = token_error(
        s.output,
        broadcast(r != nullptr ? &r->output.data : nullptr, whole(layer.out_shape), world),
        layer.out_shape);
    if (s.exec.input_grad) {
      for (std::size_t k = 0; k < layer.inputs.size(); ++k) {
        const Shape& shape = mine.network().layers[layer.inputs[k]].out_shape;
        const std::vector<float> ref =
            broadcast(r != nullptr ? &r->input_grads[k].data : nullptr, whole(shape), world);
        worst = std::max(worst, token_error(s.input_grads[k], ref, shape));
      }
    }
    if (layer.params > 0) {
      const std::vector<float> ref = broadcast(r != nullptr ? &r->grads : nullptr,
                                               static_cast<std::size_t>(layer.params), world);
      worst = std::max(worst, pieces_error(s, ref));
    }
    errors[i] = worst;
  }
  std::vector<double> worst(errors.size(), 0.0);
  MPI_Reduce(errors.data(), worst.data(), static_cast<int>(errors.size()), MPI_DOUBLE, MPI_MAX, 0,
             world);
  return worst;
}

}  // namespace dnnsim::kernels
