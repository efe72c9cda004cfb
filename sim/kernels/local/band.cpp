#include "sim/kernels/local/band.hpp"

#include <algorithm>
#include <stdexcept>

namespace dnnsim::kernels {
namespace {

void require_box(const Band& band, Range samples, Range rows) {
  if (!band.samples.covers(samples) || !band.rows.covers(rows)) {
    throw std::logic_error("band box outside the band");
  }
}

}  // namespace

Band Band::zeros(const Shape& shape, Range samples, Range rows) {
  Band b;
  b.samples = samples;
  b.channels = shape.channels();
  b.height = shape.height();
  b.width = shape.width();
  b.rows = rows;
  b.data.assign(static_cast<std::size_t>(samples.size() * b.sample_elements()), 0.0F);
  return b;
}

Band Band::zeros(const Shape& shape, Range samples) {
  return zeros(shape, samples, Range{0, shape.height()});
}

void pack_box(const Band& src, Range samples, Range rows, float* out) {
  require_box(src, samples, rows);
  const std::size_t run = static_cast<std::size_t>(rows.size() * src.width);
  if (run == 0) return;
  for (Count j = samples.begin; j < samples.end; ++j) {
    for (Count c = 0; c < src.channels; ++c) {
      const float* from = src.data.data() + src.offset(j, c, rows.begin);
      out = std::copy(from, from + run, out);
    }
  }
}

void unpack_box(const float* in, Range samples, Range rows, Band& dst) {
  require_box(dst, samples, rows);
  const std::size_t run = static_cast<std::size_t>(rows.size() * dst.width);
  if (run == 0) return;
  for (Count j = samples.begin; j < samples.end; ++j) {
    for (Count c = 0; c < dst.channels; ++c) {
      std::copy(in, in + run, dst.data.data() + dst.offset(j, c, rows.begin));
      in += run;
    }
  }
}

Band slice(const Band& src, Range samples, Range rows) {
  Band out;
  out.samples = samples;
  out.channels = src.channels;
  out.height = src.height;
  out.width = src.width;
  out.rows = rows;
  out.data.resize(box_elements(src, samples, rows));
  pack_box(src, samples, rows, out.data.data());
  return out;
}

}  // namespace dnnsim::kernels
