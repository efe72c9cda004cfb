#include "sim/cli/forwarded_signals.hpp"

#include <fmt/format.h>

namespace dnnsim::cli {
namespace {

constexpr std::array<int, 3> kForwarded{SIGINT, SIGTERM, SIGHUP};

// Shared with the handler, hence sig_atomic_t: the first signal received, and the process
// group it is forwarded to (0 while there is no child). pid_t is an int, as is sig_atomic_t.
static_assert(sizeof(pid_t) <= sizeof(std::sig_atomic_t));
volatile std::sig_atomic_t g_received = 0;
volatile std::sig_atomic_t g_child_group = 0;

extern "C" void forward_signal(int signal) {
  if (g_received == 0) g_received = signal;
  const pid_t group = g_child_group;
  if (group > 0) ::kill(-group, signal);
}

}  // namespace

ForwardedSignals::ForwardedSignals() {
  g_received = 0;
  g_child_group = 0;
  struct sigaction action {};
  action.sa_handler = forward_signal;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kForwarded.size(); ++i) {
    ::sigaction(kForwarded[i], &action, &previous_[i]);
  }
}

ForwardedSignals::~ForwardedSignals() {
  g_child_group = 0;
  for (std::size_t i = 0; i < kForwarded.size(); ++i) {
    ::sigaction(kForwarded[i], &previous_[i], nullptr);
  }
}

int ForwardedSignals::received() const noexcept {
  return g_received;
}

void ForwardedSignals::forward_to(pid_t group) noexcept {
  g_child_group = group;
  if (group > 0 && g_received != 0) ::kill(-group, g_received);
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGKILL:
      return "SIGKILL";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    default:
      return fmt::format("signal {}", signal);
  }
}

}  // namespace dnnsim::cli
