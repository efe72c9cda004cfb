#pragma once
// A progress bar on the terminal: done / total, rate, time left. Silent when not a tty.

#include <chrono>
#include <cstddef>

namespace dnnsim::cli {

class Progress {
 public:
  Progress(std::size_t total, bool enabled);
  void advance();
  void draw();
  void done();

 private:
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace dnnsim::cli
