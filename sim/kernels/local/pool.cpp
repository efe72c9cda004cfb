#include "sim/kernels/local/pool.hpp"

#include <limits>
#include <stdexcept>

namespace dnnsim::kernels {
namespace {

// Shapes `y` as pooling's output, reusing its buffer (every value is written after).
void shape_output(const Band& x, const Window& g, Range out_rows, Band& y) {
  y.samples = x.samples;
  y.channels = x.channels;
  y.height = g.out_height;
  y.width = g.out_width;
  y.rows = out_rows;
  y.data.resize(static_cast<std::size_t>(y.samples.size() * y.sample_elements()));
}

// Columns of output `ow`'s window inside the image.
Range window_columns(const Window& g, Count ow) {
  const Count first = ow * g.stride.w - g.padding.w;
  return intersect({first, first + g.kernel.w}, {0, g.in_width});
}

Range window_rows(const Window& g, Count oh) {
  const Count first = oh * g.stride.h - g.padding.h;
  return intersect({first, first + g.kernel.h}, {0, g.in_height});
}

}  // namespace

std::int64_t window_argmax(const Band& x, const Window& g, Count sample, Count channel, Count oh,
                           Count ow, Range allowed) {
  const Range rows = intersect(window_rows(g, oh), intersect(allowed, x.rows));
  const Range cols = window_columns(g, ow);
  std::int64_t best = -1;
  float best_value = -std::numeric_limits<float>::infinity();
  for (Count ih = rows.begin; ih < rows.end; ++ih) {
    const float* in = x.data.data() + x.offset(sample, channel, ih);
    for (Count iw = cols.begin; iw < cols.end; ++iw) {
      if (best < 0 || in[iw] > best_value) {
        best = ih * g.in_width + iw;
        best_value = in[iw];
      }
    }
  }
  return best;
}

void maxpool_forward(const Band& x, const Window& g, Range out_rows, Band& y,
                     std::vector<std::int64_t>& argmax) {
  if (!x.rows.covers(g.input_rows(out_rows))) {
    throw std::logic_error("maxpool: the band lacks input rows the outputs read");
  }
  shape_output(x, g, out_rows, y);
  argmax.resize(y.data.size());
  std::vector<Range> columns(static_cast<std::size_t>(g.out_width));
  for (Count ow = 0; ow < g.out_width; ++ow) {
    columns[static_cast<std::size_t>(ow)] = window_columns(g, ow);
  }
  std::size_t k = 0;
  for (Count j = x.samples.begin; j < x.samples.end; ++j) {
    for (Count c = 0; c < x.channels; ++c) {
      for (Count oh = out_rows.begin; oh < out_rows.end; ++oh) {
        const Range rows = window_rows(g, oh);
        const float* first = x.data.data() + x.offset(j, c, rows.begin);
        for (Count ow = 0; ow < g.out_width; ++ow, ++k) {
          const Range cols = columns[static_cast<std::size_t>(ow)];
          // The first maximum, rows then columns: later equal values do not replace it.
          std::int64_t best = rows.begin * g.in_width + cols.begin;
          float best_value = first[cols.begin];
          for (Count ih = rows.begin; ih < rows.end; ++ih) {
            const float* in = first + (ih - rows.begin) * x.width;
            for (Count iw = cols.begin; iw < cols.end; ++iw) {
              if (in[iw] > best_value) {
                best = ih * g.in_width + iw;
                best_value = in[iw];
              }
            }
          }
          argmax[k] = best;
          y.data[k] = best_value;
        }
      }
    }
  }
}

void avgpool_forward(const Band& x, const Window& g, Range out_rows, Band& y) {
  if (!x.rows.covers(g.input_rows(out_rows))) {
    throw std::logic_error("avgpool: the band lacks input rows the outputs read");
  }
  shape_output(x, g, out_rows, y);
  const float scale = 1.0F / static_cast<float>(g.kernel.h * g.kernel.w);
  std::size_t k = 0;
  for (Count j = x.samples.begin; j < x.samples.end; ++j) {
    for (Count c = 0; c < x.channels; ++c) {
      for (Count oh = out_rows.begin; oh < out_rows.end; ++oh) {
        const Range rows = window_rows(g, oh);
        for (Count ow = 0; ow < g.out_width; ++ow, ++k) {
          const Range cols = window_columns(g, ow);
          float sum = 0.0F;
          for (Count ih = rows.begin; ih < rows.end; ++ih) {
            const float* in = x.data.data() + x.offset(j, c, ih);
            for (Count iw = cols.begin; iw < cols.end; ++iw) sum += in[iw];
          }
          y.data[k] = sum * scale;
        }
      }
    }
  }
}

void maxpool_backward(const Band& dy, const Window& g, Range own,
                      const std::vector<std::int64_t>& argmax, const Band& x, Band& dx) {
  if (dy.rows == own && dx.rows.covers(g.input_rows(own))) {
    // Only this process's outputs, every maximum in dx: one pass, no checks.
    const auto plane_in = static_cast<std::size_t>(dx.rows.size() * dx.width);
    const auto plane_out = static_cast<std::size_t>(own.size() * g.out_width);
    const std::int64_t shift = dx.rows.begin * g.in_width;
    for (std::size_t p = 0; p * plane_out < dy.data.size(); ++p) {
      float* to = dx.data.data() + p * plane_in;
      for (std::size_t k = p * plane_out; k < (p + 1) * plane_out; ++k) {
        if (argmax[k] >= 0) to[argmax[k] - shift] += dy.data[k];
      }
    }
    return;
  }
  for (Count j = dy.samples.begin; j < dy.samples.end; ++j) {
    for (Count c = 0; c < dy.channels; ++c) {
      for (Count oh = dy.rows.begin; oh < dy.rows.end; ++oh) {
        const float* grad = dy.data.data() + dy.offset(j, c, oh);
        for (Count ow = 0; ow < g.out_width; ++ow) {
          if (grad[ow] == 0.0F) continue;
          std::int64_t at = -1;
          if (own.contains(oh)) {
            const Count index =
                (((j - dy.samples.begin) * dy.channels + c) * own.size() + (oh - own.begin)) *
                    g.out_width +
                ow;
            at = argmax[static_cast<std::size_t>(index)];
          } else {
            at = window_argmax(x, g, j, c, oh, ow, dx.rows);
          }
          if (at < 0 || !dx.rows.contains(at / g.in_width)) continue;
          dx.data[dx.offset(j, c, at / g.in_width) + at % g.in_width] += grad[ow];
        }
      }
    }
  }
}

void avgpool_backward(const Band& dy, const Window& g, Band& dx) {
  const float scale = 1.0F / static_cast<float>(g.kernel.h * g.kernel.w);
  for (Count j = dy.samples.begin; j < dy.samples.end; ++j) {
    for (Count c = 0; c < dy.channels; ++c) {
      for (Count oh = dy.rows.begin; oh < dy.rows.end; ++oh) {
        const Range rows = intersect(window_rows(g, oh), dx.rows);
        const float* grad = dy.data.data() + dy.offset(j, c, oh);
        for (Count ow = 0; ow < g.out_width; ++ow) {
          const Range cols = window_columns(g, ow);
          const float share = grad[ow] * scale;
          for (Count ih = rows.begin; ih < rows.end; ++ih) {
            float* out = dx.data.data() + dx.offset(j, c, ih);
            for (Count iw = cols.begin; iw < cols.end; ++iw) out[iw] += share;
          }
        }
      }
    }
  }
}

}  // namespace dnnsim::kernels
