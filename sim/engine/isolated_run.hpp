#pragma once
// SimGrid runs in child processes (sim/engine/child_process.hpp): simulations of sweeps,
// of the optimizer and on SimGrid XML platforms, and reading an XML platform's numbers.

#include <string>

#include "sim/engine/child_process.hpp"
#include "sim/engine/replay.hpp"

namespace dnnsim {

/// One simulation running in a child; several can run at once (`sweep --jobs N`): poll
/// their fd() and call read_some().
class ChildSimulation {
 public:
  ChildSimulation(const Network& network, const Platform& platform, const Plan& plan,
                  std::int64_t batch, const ReplayOptions& options);

  [[nodiscard]] int fd() const noexcept { return process_.fd(); }
  bool read_some() { return process_.read_some(); }
  /// Waits for the child and returns its Result, or throws its error (InputError,
  /// LimitError, std::runtime_error).
  [[nodiscard]] Result finish();

 private:
  ChildProcess process_;
};

/// Forks, simulates in the child, and returns the child's Result.
[[nodiscard]] Result simulate_in_child(const Network& network, const Platform& platform,
                                       const Plan& plan, std::int64_t batch,
                                       const ReplayOptions& options);

/// A SimGrid XML platform as dnnsim sees it (docs/platforms.md, "SimGrid XML platforms"):
/// replayed as it is (`simgrid_xml`), with as many hosts as it has; for the optimizer's
/// search, the first host's speed as node.flops and the route between the first two hosts
/// as the network (alpha: its latency; beta: one over its slowest link's bandwidth); no
/// memory limit. Loaded in a child; throws InputError naming the file for anything SimGrid
/// refuses or crashes on.
[[nodiscard]] Platform load_simgrid_xml_platform(const std::string& path);

}  // namespace dnnsim
