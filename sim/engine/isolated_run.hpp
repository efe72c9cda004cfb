#pragma once
// Runs SimGrid simulations in child processes (SimGrid's engine is one per process and its
// global state outlives it, DESIGN.md "Beyond one machine") and returns their Results.

#include <sys/types.h>

#include <string>

#include "sim/engine/replay.hpp"

namespace dnnsim {

/// One simulation running in a forked child; the parent reads its reply through a pipe.
/// Several can run at once (`sweep --jobs N`): poll their fd() and call read_some().
class ChildSimulation {
 public:
  ChildSimulation(const Network& network, const Platform& platform, const Plan& plan,
                  std::int64_t batch, const ReplayOptions& options);
  ChildSimulation(ChildSimulation&& other) noexcept;
  ChildSimulation& operator=(ChildSimulation&&) = delete;
  ChildSimulation(const ChildSimulation&) = delete;
  ChildSimulation& operator=(const ChildSimulation&) = delete;
  ~ChildSimulation();

  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// Reads what the child has written; true once it has closed its end.
  bool read_some();
  /// Waits for the child and returns its Result, or rethrows its error (InputError,
  /// LimitError, std::runtime_error).
  [[nodiscard]] Result finish();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string reply_;
};

/// Forks, simulates in the child, and returns the child's Result.
[[nodiscard]] Result simulate_in_child(const Network& network, const Platform& platform,
                                       const Plan& plan, std::int64_t batch,
                                       const ReplayOptions& options);

}  // namespace dnnsim
