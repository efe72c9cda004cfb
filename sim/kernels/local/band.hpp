#pragma once
// The part of a batch of activations (or of their gradients) that one process holds:
// samples [samples) of the mini-batch, every channel, and image rows [rows) of `height`.
// Feature vectors are one row of width 1 with the features as channels. Stored
// [sample][channel][row][column], so a flatten is a relabelling.

#include <cstddef>
#include <vector>

#include "sim/kernels/local/range.hpp"
#include "sim/workload/layer.hpp"

namespace dnnsim::kernels {

struct Band {
  Range samples;
  Count channels = 1;
  Count height = 1;
  Count width = 1;
  Range rows{0, 1};
  std::vector<float> data;

  /// A zero band of `shape` (one sample's activations, as shape inference gives it).
  [[nodiscard]] static Band zeros(const Shape& shape, Range samples, Range rows);
  /// The same with the whole image height.
  [[nodiscard]] static Band zeros(const Shape& shape, Range samples);

  [[nodiscard]] Count sample_elements() const noexcept { return channels * rows.size() * width; }
  [[nodiscard]] bool whole_rows() const noexcept { return rows == Range{0, height}; }
  /// Index of (global sample, channel, global row, column 0).
  [[nodiscard]] std::size_t offset(Count sample, Count channel, Count row) const noexcept {
    return static_cast<std::size_t>(
        (((sample - samples.begin) * channels + channel) * rows.size() + (row - rows.begin)) *
        width);
  }
};

/// Copies samples [samples) x rows [rows) of `src` into `out`, packed [sample][channel][row][col].
void pack_box(const Band& src, Range samples, Range rows, float* out);

/// The inverse: writes a packed box into `dst`, which must hold it.
void unpack_box(const float* in, Range samples, Range rows, Band& dst);

/// Floats in a box of `band`'s per-sample shape.
[[nodiscard]] inline std::size_t box_elements(const Band& band, Range samples, Range rows) {
  return static_cast<std::size_t>(samples.size() * band.channels * rows.size() * band.width);
}

/// `src` restricted to samples [samples) and rows [rows) (a copy).
[[nodiscard]] Band slice(const Band& src, Range samples, Range rows);

}  // namespace dnnsim::kernels
