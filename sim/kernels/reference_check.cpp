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

}  // namespace dnnsim::kernels
