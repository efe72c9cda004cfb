#pragma once
// SIGINT, SIGTERM and SIGHUP caught while a long command runs, so that it stops cleanly:
// its child processes stopped, its temporary files removed, one line said (docs/robustness.md,
// "Interruptions"). The command checks received() where it can stop; a signal is also
// forwarded to the process group of a helper program it runs (forward_to).

#include <sys/types.h>

#include <array>
#include <csignal>
#include <string>

namespace dnnsim::cli {

/// While alive, SIGINT, SIGTERM and SIGHUP do not end dnnsim: the first one is remembered
/// and each is forwarded to the process group given to forward_to. The previous handlers
/// come back on destruction. One at a time.
class ForwardedSignals {
 public:
  ForwardedSignals();
  ~ForwardedSignals();
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;

  /// The first signal received since construction, 0 if none.
  [[nodiscard]] int received() const noexcept;
  /// Forwards signals to process group `group` from now on (0: to nobody); one already
  /// received is sent to it at once.
  void forward_to(pid_t group) noexcept;

 private:
  std::array<struct sigaction, 3> previous_{};
};

/// "SIGINT", "SIGTERM", ... for messages.
[[nodiscard]] std::string signal_name(int signal);

}  // namespace dnnsim::cli
