#pragma once
// Progress of a long command on stderr: on a terminal a bar (done / total, rate, time
// left), redrawn at most ten times a second; elsewhere (a log file, a batch job) a line
// every few seconds. Nothing for commands that end within a second (bar) or a few seconds
// (lines), so quick runs stay quiet.

#include <chrono>
#include <cstddef>
#include <string>

namespace dnnsim::cli {

enum class ProgressStyle { bar, lines, off };

/// The bar on a terminal, lines elsewhere, nothing when `quiet`.
[[nodiscard]] ProgressStyle stderr_progress_style(bool quiet);

class Progress {
 public:
  /// `unit` names what is counted ("rows", "steps"); `task` prefixes the lines ("sweep").
  Progress(std::size_t total, std::string task, std::string unit, ProgressStyle style);
  void advance() { set(done_ + 1); }
  /// For work whose size is known only once it starts.
  void set_total(std::size_t total) { total_ = total; }
  void set(std::size_t done);
  /// Redraws now if it is time (also when nothing advanced, so the time left stays fresh).
  void draw();
  /// Ends the bar's line, or prints a last line if lines were printed.
  void done();

 private:
  void print(bool final);

  std::size_t total_;
  std::size_t done_ = 0;
  std::string task_;
  std::string unit_;
  ProgressStyle style_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace dnnsim::cli
