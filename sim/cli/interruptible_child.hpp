#pragma once
// Runs a helper program (the Python importer) so that an interrupted dnnsim leaves nothing
// running behind it: the child gets a process group of its own, SIGINT, SIGTERM and SIGHUP
// sent to dnnsim are forwarded to that group, a group still alive after a grace period is
// killed, and whatever the child leaves in its group when it ends is killed too.

#include <array>
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "sim/cli/forwarded_signals.hpp"

namespace dnnsim::cli {

struct ChildExit {
  int status = 0;       ///< waitpid's status
  int interrupted = 0;  ///< the signal dnnsim received before the child ended, 0 if none
};

/// Runs argv[0] (a path) with `argv` and environment `env` in a new process group, stdin
/// from /dev/null and stdout onto stderr; waits for it, forwarding `signals` to its group.
/// Once a signal has been received, the group has `grace` to end before it is killed.
/// Throws std::runtime_error when the child cannot be started.
[[nodiscard]] ChildExit run_in_own_group(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         std::chrono::milliseconds grace,
                                         ForwardedSignals& signals);

}  // namespace dnnsim::cli
