// The single-process kernels (no MPI) against values worked out by hand and against
// direct loops written independently of im2col + GEMM.

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/kernels/local/band.hpp"
#include "sim/kernels/local/conv2d.hpp"
#include "sim/kernels/local/linear.hpp"
#include "sim/kernels/local/pool.hpp"
#include "sim/kernels/local/seeded.hpp"

using namespace dnnsim;
using namespace dnnsim::kernels;
using doctest::Approx;

namespace {

Window window(Count k, Count s, Count p, Count h_in, Count w_in) {
  Window g{{k, k}, {s, s}, {p, p}, h_in, w_in, 0, 0};
  g.out_height = (h_in + 2 * p - k) / s + 1;
  g.out_width = (w_in + 2 * p - k) / s + 1;
  return g;
}

Band random_band(Count n, Count c, Count h, Count w, std::uint64_t stream) {
  Band b = Band::zeros(Shape{{c, h, w}}, {0, n});
  for (std::size_t i = 0; i < b.data.size(); ++i) b.data[i] = seeded_value(3, stream, i);
  return b;
}

std::vector<float> random_vector(std::size_t size, std::uint64_t stream) {
  std::vector<float> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = seeded_value(5, stream, i);
  return v;
}

// Direct convolution, written from the definition: y[j][m][oh][ow] = b[m] +
// sum_{c,i,k} w[m][c][i][k] * x[j][c][oh*s - p + i][ow*s - p + k].
float direct_conv(const Band& x, const Window& g, const std::vector<float>& w, Count j, Count m,
                  Count oh, Count ow) {
  float sum = 0.0F;
  for (Count c = 0; c < x.channels; ++c) {
    for (Count i = 0; i < g.kernel.h; ++i) {
      for (Count k = 0; k < g.kernel.w; ++k) {
        const Count ih = oh * g.stride.h - g.padding.h + i;
        const Count iw = ow * g.stride.w - g.padding.w + k;
        if (ih < 0 || ih >= g.in_height || iw < 0 || iw >= g.in_width) continue;
        const float weight =
            w[static_cast<std::size_t>(((m * x.channels + c) * g.kernel.h + i) * g.kernel.w + k)];
        sum += weight * x.data[x.offset(j, c, ih) + static_cast<std::size_t>(iw)];
      }
    }
  }
  return sum;
}

}  // namespace

TEST_CASE("conv2d with padding sums the 3x3 neighbourhood (hand values)") {
  // One 3x3 image 1..9, an all-ones 3x3 kernel, padding 1, bias 0.5.
  Band x = Band::zeros(Shape{{1, 3, 3}}, {0, 1});
  for (int i = 0; i < 9; ++i) x.data[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
  const Window g = window(3, 1, 1, 3, 3);
  const std::vector<float> w(9, 1.0F);
  const float b = 0.5F;
  ConvBuffers buffers;
  Band y;
  conv_forward(x, g, {0, 3}, w.data(), &b, 1, buffers, y);
  REQUIRE(y.data.size() == 9);
  CHECK(y.data[0] == Approx(1 + 2 + 4 + 5 + 0.5));  // corner: 12.5
  CHECK(y.data[4] == Approx(45 + 0.5));             // centre: every pixel
  CHECK(y.data[5] == Approx(2 + 3 + 5 + 6 + 8 + 9 + 0.5));
}

TEST_CASE("conv2d forward and gradients equal direct loops, on bands of rows too") {
  struct Case {
    Count k, s, p;
  };
  for (const auto& [k, s, p] : {Case{3, 1, 1}, Case{5, 2, 2}, Case{3, 2, 0}}) {
    CAPTURE(k);
    CAPTURE(s);
    CAPTURE(p);
    const Count n = 2, c_in = 2, m = 3, h = 9, w = 7;
    const Band x = random_band(n, c_in, h, w, 1);
    const Window g = window(k, s, p, h, w);
    const Count fan_in = c_in * k * k;
    const std::vector<float> weights = random_vector(static_cast<std::size_t>(m * fan_in), 2);

    ConvBuffers buffers;
    Band y;
    conv_forward(x, g, {0, g.out_height}, weights.data(), nullptr, m, buffers, y);
    for (Count j = 0; j < n; ++j)
      for (Count o = 0; o < m; ++o)
        for (Count oh = 0; oh < g.out_height; ++oh)
          for (Count ow = 0; ow < g.out_width; ++ow)
            CHECK(y.data[y.offset(j, o, oh) + static_cast<std::size_t>(ow)] ==
                  Approx(direct_conv(x, g, weights, j, o, oh, ow)).epsilon(1e-5));

    // Gradients of L = sum(Y * G): dW[m][c][i][k] = sum G * x, dX by the chain rule.
    Band grad = y;
    for (std::size_t i = 0; i < grad.data.size(); ++i) grad.data[i] = seeded_value(9, 4, i);
    std::vector<float> dw(weights.size(), 0.0F);
    conv_weight_grad(grad, buffers, dw.data(), nullptr);
    Band dx = Band::zeros(Shape{{c_in, h, w}}, {0, n});
    conv_input_grad(grad, g, weights.data(), fan_in, buffers, dx);
    std::vector<double> dw_direct(dw.size(), 0.0);
    std::vector<double> dx_direct(dx.data.size(), 0.0);
    for (Count j = 0; j < n; ++j)
      for (Count o = 0; o < m; ++o)
        for (Count oh = 0; oh < g.out_height; ++oh)
          for (Count ow = 0; ow < g.out_width; ++ow)
            for (Count c = 0; c < c_in; ++c)
              for (Count i = 0; i < k; ++i)
                for (Count kk = 0; kk < k; ++kk) {
                  const Count ih = oh * s - p + i;
                  const Count iw = ow * s - p + kk;
                  if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                  const double gy = grad.data[grad.offset(j, o, oh) + static_cast<std::size_t>(ow)];
                  const auto widx = static_cast<std::size_t>(((o * c_in + c) * k + i) * k + kk);
                  const std::size_t xidx = x.offset(j, c, ih) + static_cast<std::size_t>(iw);
                  dw_direct[widx] += gy * x.data[xidx];
                  dx_direct[xidx] += gy * weights[widx];
                }
    for (std::size_t i = 0; i < dw.size(); ++i) CHECK(dw[i] == Approx(dw_direct[i]).epsilon(1e-4));
    for (std::size_t i = 0; i < dx.data.size(); ++i)
      CHECK(dx.data[i] == Approx(dx_direct[i]).epsilon(1e-4));

    // A band: output rows [1, 3) from just the input rows they read, and the input
    // gradient of rows [2, 5) from just the output rows that read them.
    const Range out{1, 3};
    const Band xb = slice(x, x.samples, g.input_rows(out));
    Band yb;
    conv_forward(xb, g, out, weights.data(), nullptr, m, buffers, yb);
    for (Count o = 0; o < m; ++o)
      for (Count oh = out.begin; oh < out.end; ++oh)
        for (Count ow = 0; ow < g.out_width; ++ow)
          CHECK(yb.data[yb.offset(1, o, oh) + static_cast<std::size_t>(ow)] ==
                Approx(y.data[y.offset(1, o, oh) + static_cast<std::size_t>(ow)]));
    const Range held{2, 5};
    const Band gb = slice(grad, grad.samples, g.outputs_reading(held));
    Band dxb = Band::zeros(Shape{{c_in, h, w}}, {0, n}, held);
    conv_input_grad(gb, g, weights.data(), fan_in, buffers, dxb);
    for (Count c = 0; c < c_in; ++c)
      for (Count ih = held.begin; ih < held.end; ++ih)
        for (Count iw = 0; iw < w; ++iw)
          CHECK(dxb.data[dxb.offset(0, c, ih) + static_cast<std::size_t>(iw)] ==
                Approx(dx.data[dx.offset(0, c, ih) + static_cast<std::size_t>(iw)]).epsilon(1e-5));
  }
}

TEST_CASE("max pooling keeps the first maximum and routes the gradient to it") {
  // 4x4 image; 2x2 windows stride 2. Window (0,0) holds 1 5 / 5 2: maximum 5, first at (0,1).
  Band x = Band::zeros(Shape{{1, 4, 4}}, {0, 1});
  x.data = {1, 5, 0, 3,  //
            5, 2, 7, 1,  //
            0, 0, 4, 4,  //
            9, 1, 2, 8};
  const Window g = window(2, 2, 0, 4, 4);
  Band y;
  std::vector<std::int64_t> argmax;
  maxpool_forward(x, g, {0, 2}, y, argmax);
  CHECK(y.data == std::vector<float>{5, 7, 9, 8});
  CHECK(argmax == std::vector<std::int64_t>{1, 6, 12, 15});
  Band dy = y;
  dy.data = {1, 2, 3, 4};
  Band dx = Band::zeros(Shape{{1, 4, 4}}, {0, 1});
  maxpool_backward(dy, g, {0, 2}, argmax, x, dx);
  CHECK(dx.data == std::vector<float>{0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4});
}

TEST_CASE("average pooling counts padding in the divisor (count_include_pad)") {
  // 2x2 of ones, 3x3 windows, padding 1: every window sees the 4 ones, divided by 9.
  Band x = Band::zeros(Shape{{1, 2, 2}}, {0, 1});
  x.data = {1, 1, 1, 1};
  const Window g = window(3, 1, 1, 2, 2);
  Band y;
  avgpool_forward(x, g, {0, 2}, y);
  for (const float v : y.data) CHECK(v == Approx(4.0 / 9.0));
  Band dx = Band::zeros(Shape{{1, 2, 2}}, {0, 1});
  avgpool_backward(y, g, dx);
  // Each input is in all 4 windows: 4 * (4/9) / 9.
  for (const float v : dx.data) CHECK(v == Approx(16.0 / 81.0));
}

TEST_CASE("linear forward and gradients (hand values)") {
  // x = [1 2], W = [[1 0] [0 1] [1 1]], b = [0 0 1]: y = [1 2 4].
  const std::vector<float> x{1, 2};
  const std::vector<float> w{1, 0, 0, 1, 1, 1};
  const std::vector<float> b{0, 0, 1};
  std::vector<float> y(3);
  linear_forward(x.data(), 1, 2, w.data(), b.data(), 3, y.data());
  CHECK(y == std::vector<float>{1, 2, 4});
  // dY = [1 -1 2]: dW = dY^T x = [[1 2] [-1 -2] [2 4]], db = dY, dX = dY W = [3 1].
  const std::vector<float> dy{1, -1, 2};
  std::vector<float> dw(6, 0.0F);
  std::vector<float> db(3, 0.0F);
  linear_weight_grad(x.data(), dy.data(), 1, 2, 3, dw.data(), db.data());
  CHECK(dw == std::vector<float>{1, 2, -1, -2, 2, 4});
  CHECK(db == dy);
  std::vector<float> dx(2);
  linear_input_grad(dy.data(), w.data(), 1, 2, 3, dx.data());
  CHECK(dx == std::vector<float>{3, 1});
}

TEST_CASE("bands pack and unpack boxes of samples and rows") {
  Band b = Band::zeros(Shape{{2, 4, 3}}, {10, 13}, {1, 4});  // samples 10..12, rows 1..3
  for (std::size_t i = 0; i < b.data.size(); ++i) b.data[i] = static_cast<float>(i);
  // Sample 11, channel 1, row 2: ((1 * 2 + 1) * 3 + 1) * 3 = 30.
  CHECK(b.offset(11, 1, 2) == 30);
  const Band s = slice(b, {11, 12}, {2, 4});
  CHECK(s.data.size() == 2 * 2 * 3);
  CHECK(s.data[0] == 21.0F);  // sample 11, channel 0, row 2
  CHECK(s.data[6] == 30.0F);  // sample 11, channel 1, row 2
}

TEST_CASE("seeded values are reproducible and lie between -1 and 1") {
  CHECK(seeded_value(1, 2, 3) == seeded_value(1, 2, 3));
  CHECK(seeded_value(1, 2, 3) != seeded_value(1, 2, 4));
  CHECK(seeded_value(1, 2, 3) != seeded_value(2, 2, 3));
  double sum = 0.0;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const float v = seeded_value(1, 0, i);
    CHECK(v >= -1.0F);
    CHECK(v < 1.0F);
    sum += v;
  }
  CHECK(std::fabs(sum / 10000) < 0.05);
}
