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

namespace dnnsim::cli {

/// While alive, SIGINT, SIGTERM and SIGHUP do not end dnnsim: the first one is remembered
/// and each is forwarded to the process group of the child `run_in_own_group` runs. The
/// previous handlers come back on destruction. One at a time.
class ForwardedSignals {
 public:
  ForwardedSignals();
  ~ForwardedSignals();
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;

  /// The first signal received since construction, 0 if none.
  [[nodiscard]] int received() const noexcept;

 private:
  std::array<struct sigaction, 3> previous_{};
};

struct ChildExit {
  int status = 0;       ///< waitpid's status
  int interrupted = 0;  ///< the signal dnnsim received before the child ended, 0 if none
};

/// Runs argv[0] (a path) with `argv` and environment `env` in a new process group, stdin
/// from /dev/null and stdout onto stderr; waits for it. Once a signal has been received,
/// the group has `grace` to end before it is killed. Needs a live ForwardedSignals; throws
/// std::runtime_error when the child cannot be started.
[[nodiscard]] ChildExit run_in_own_group(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         std::chrono::milliseconds grace);

/// "SIGINT", "SIGTERM", ... for messages.
[[nodiscard]] std::string signal_name(int signal);

}  // namespace dnnsim::cli
