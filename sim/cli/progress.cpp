#include "sim/cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace dnnsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// A bar appears after a second; a line every five seconds.
constexpr auto kBarDelay = std::chrono::seconds(1);
constexpr auto kBarRedraw = std::chrono::milliseconds(100);
constexpr auto kLineEvery = std::chrono::seconds(5);

std::string duration_text(double seconds) {
  if (seconds < 90.0) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400.0) return fmt::format("{:.0f} min", seconds / 60.0);
  return fmt::format("{:.1f} h", seconds / 3600.0);
}

}  // namespace

ProgressStyle stderr_progress_style(bool quiet) {
  if (quiet) return ProgressStyle::off;
  return ::isatty(STDERR_FILENO) ? ProgressStyle::bar : ProgressStyle::lines;
}

Progress::Progress(std::size_t total, std::string task, std::string unit, ProgressStyle style)
    : total_(total),
      task_(std::move(task)),
      unit_(std::move(unit)),
      style_(style),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::set(std::size_t done) {
  done_ = done;
  draw();
}

void Progress::draw() {
  if (style_ == ProgressStyle::off) return;
  const auto now = Clock::now();
  if (style_ == ProgressStyle::bar) {
    if (now - start_ < kBarDelay || (shown_ && now - last_draw_ < kBarRedraw)) return;
  } else if (now - last_draw_ < kLineEvery) {
    return;
  }
  last_draw_ = now;
  print(false);
}

void Progress::done() {
  if (!shown_) return;
  done_ = total_;
  print(true);
}

void Progress::print(bool final) {
  shown_ = true;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
  const std::string when = final ? fmt::format("done in {}", duration_text(elapsed))
                                 : fmt::format("{} left", duration_text(left));
  if (style_ == ProgressStyle::bar) {
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = total_ == 0 ? kWidth : kWidth * done_ / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %s, %.1f/s, %s   %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done_, total_, unit_.c_str(), rate,
                 when.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %zu/%zu %s, %.1f/s, %s\n", task_.c_str(), done_, total_,
                 unit_.c_str(), rate, when.c_str());
  }
  std::fflush(stderr);
}

}  // namespace dnnsim::cli
