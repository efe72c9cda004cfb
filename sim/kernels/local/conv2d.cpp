#include "sim/kernels/local/conv2d.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/kernels/local/gemm.hpp"

namespace dnnsim::kernels {
namespace {

// [sample][channel][pixel] <-> [channel][sample * pixel]: the GEMM wants the channels as
// matrix rows, the band keeps samples outermost.
void band_to_matrix(const Band& band, std::vector<float>& matrix) {
  const Count n = band.samples.size();
  const Count pixels = band.rows.size() * band.width;
  matrix.resize(band.data.size());
  for (Count j = 0; j < n; ++j) {
    for (Count c = 0; c < band.channels; ++c) {
      const float* from = band.data.data() + (j * band.channels + c) * pixels;
      float* to = matrix.data() + (c * n + j) * pixels;
      std::copy(from, from + pixels, to);
    }
  }
}

// Output columns whose window column k lands inside the image: [first, last).
Range valid_columns(const Window& g, Count k) {
  const Count shift = k - g.padding.w;  // input column = ow * stride + shift
  const Count first = std::clamp<Count>(ceil_div(-shift, g.stride.w), 0, g.out_width);
  const Count last =
      std::clamp<Count>(floor_div(g.in_width - 1 - shift, g.stride.w) + 1, first, g.out_width);
  return {first, last};
}

// The column matrix both im2col and col2im use: row (c * kh + i) * kw + k holds window
// element (i, k) of channel c; column (j * r + oh - first row) * wo + ow is output pixel
// (oh, ow) of the band's j-th sample.
struct ColumnLayout {
  ColumnLayout(Count samples, const Window& g, Range out_rows)
      : rows(out_rows),
        wo(g.out_width),
        kh(g.kernel.h),
        kw(g.kernel.w),
        columns(samples * out_rows.size() * g.out_width) {}

  [[nodiscard]] Count row(Count c, Count i, Count k) const {
    return ((c * kh + i) * kw + k) * columns;
  }
  [[nodiscard]] Count pixel(Count j, Count oh) const {
    return (j * rows.size() + (oh - rows.begin)) * wo;
  }

  Range rows;
  Count wo;
  Count kh;
  Count kw;
  Count columns;
};

}  // namespace

void im2col(const Band& x, const Window& g, Range out_rows, std::vector<float>& cols) {
  if (!x.rows.covers(g.input_rows(out_rows))) {
    throw std::logic_error("im2col: the band lacks input rows the outputs read");
  }
  const Count n = x.samples.size();
  const Count sw = g.stride.w;
  const ColumnLayout at(n, g, out_rows);
  const Count wo = at.wo;
  cols.resize(static_cast<std::size_t>(x.channels * at.kh * at.kw * at.columns));  // all written
  for (Count c = 0; c < x.channels; ++c) {
    for (Count i = 0; i < at.kh; ++i) {
      for (Count k = 0; k < at.kw; ++k) {
        float* row = cols.data() + at.row(c, i, k);
        const Range valid = valid_columns(g, k);
        const Count shift = k - g.padding.w;
        for (Count j = 0; j < n; ++j) {
          for (Count oh = out_rows.begin; oh < out_rows.end; ++oh) {
            float* out = row + at.pixel(j, oh);
            const Count ih = oh * g.stride.h - g.padding.h + i;
            if (ih < 0 || ih >= g.in_height) {
              std::fill(out, out + wo, 0.0F);
              continue;
            }
            const float* in = x.data.data() + x.offset(x.samples.begin + j, c, ih) + shift;
            std::fill(out, out + valid.begin, 0.0F);
            if (sw == 1) {
              std::copy(in + valid.begin, in + valid.end, out + valid.begin);
            } else {
              for (Count ow = valid.begin; ow < valid.end; ++ow) out[ow] = in[ow * sw];
            }
            std::fill(out + valid.end, out + wo, 0.0F);
          }
        }
      }
    }
  }
}

void col2im(const std::vector<float>& dcols, const Window& g, Range out_rows, Band& dx) {
  const Count n = dx.samples.size();
  const Count sw = g.stride.w;
  const ColumnLayout at(n, g, out_rows);
  for (Count c = 0; c < dx.channels; ++c) {
    for (Count i = 0; i < at.kh; ++i) {
      for (Count k = 0; k < at.kw; ++k) {
        const float* row = dcols.data() + at.row(c, i, k);
        const Range valid = valid_columns(g, k);
        const Count shift = k - g.padding.w;
        for (Count j = 0; j < n; ++j) {
          for (Count oh = out_rows.begin; oh < out_rows.end; ++oh) {
            const Count ih = oh * g.stride.h - g.padding.h + i;
            if (!dx.rows.contains(ih)) continue;
            float* out = dx.data.data() + dx.offset(dx.samples.begin + j, c, ih) + shift;
            const float* in = row + at.pixel(j, oh);
            for (Count ow = valid.begin; ow < valid.end; ++ow) out[ow * sw] += in[ow];
          }
        }
      }
    }
  }
}

void conv_forward(const Band& x, const Window& g, Range out_rows, const float* w, const float* b,
                  Count m, ConvBuffers& buffers, Band& y) {
  im2col(x, g, out_rows, buffers.cols);
  const Count fan_in = x.channels * g.kernel.h * g.kernel.w;
  const Count n = x.samples.size();
  const Count pixels = out_rows.size() * g.out_width;
  std::vector<float>& yt = buffers.product;
  yt.resize(static_cast<std::size_t>(m * n * pixels));
  gemm(Trans::no, Trans::no, m, n * pixels, fan_in, 1.0F, w, buffers.cols.data(), 0.0F, yt.data());
  y.samples = x.samples;
  y.channels = m;
  y.height = g.out_height;
  y.width = g.out_width;
  y.rows = out_rows;
  y.data.resize(yt.size());
  for (Count j = 0; j < n; ++j) {
    for (Count c = 0; c < m; ++c) {
      const float bias = b != nullptr ? b[c] : 0.0F;
      const float* from = yt.data() + (c * n + j) * pixels;
      float* to = y.data.data() + (j * m + c) * pixels;
      for (Count p = 0; p < pixels; ++p) to[p] = from[p] + bias;
    }
  }
}

void conv_weight_grad(const Band& dy, ConvBuffers& buffers, float* dw, float* db) {
  const Count m = dy.channels;
  const Count columns = dy.samples.size() * dy.rows.size() * dy.width;
  if (columns == 0) return;
  const Count fan_in = static_cast<Count>(buffers.cols.size()) / columns;
  band_to_matrix(dy, buffers.grad);
  const std::vector<float>& dyt = buffers.grad;
  gemm(Trans::no, Trans::yes, m, fan_in, columns, 1.0F, dyt.data(), buffers.cols.data(), 1.0F, dw);
  if (db == nullptr) return;
  for (Count c = 0; c < m; ++c) {
    const float* row = dyt.data() + c * columns;
    float sum = 0.0F;
    for (Count p = 0; p < columns; ++p) sum += row[p];
    db[c] += sum;
  }
}

void conv_input_grad(const Band& dy, const Window& g, const float* w, Count fan_in,
                     ConvBuffers& buffers, Band& dx) {
  const Count m = dy.channels;
  const Count columns = dy.samples.size() * dy.rows.size() * dy.width;
  if (columns == 0) return;
  band_to_matrix(dy, buffers.grad);
  std::vector<float>& dcols = buffers.product;
  dcols.resize(static_cast<std::size_t>(fan_in * columns));
  gemm(Trans::yes, Trans::no, fan_in, columns, m, 1.0F, w, buffers.grad.data(), 0.0F, dcols.data());
  col2im(dcols, g, dy.rows, dx);
}

}  // namespace dnnsim::kernels
