#include "sim/cli/progress.hpp"

#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace dnnsim::cli {

Progress::Progress(std::size_t total, bool enabled)
    : total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::advance() {
  ++done_;
  // Redraw at most ten times a second: thousands of analytic rows come in milliseconds.
  if (std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100)) draw();
}

void Progress::draw() {
  if (!enabled_) return;
  last_draw_ = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(last_draw_ - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
  constexpr int kWidth = 30;
  const int filled = total_ == 0 ? kWidth : static_cast<int>(kWidth * done_ / total_);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu rows, %.1f/s, %s left   ",
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), done_, total_,
               rate, fmt::format("{:.0f}s", left).c_str());
  std::fflush(stderr);
}

void Progress::done() {
  if (!enabled_) return;
  draw();
  std::fprintf(stderr, "\n");
}

}  // namespace dnnsim::cli
