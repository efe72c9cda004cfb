#include "sim/cli/interruptible_child.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace dnnsim::cli {
namespace {

constexpr std::array<int, 3> kForwarded{SIGINT, SIGTERM, SIGHUP};

}  // namespace

ChildExit run_in_own_group(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env, std::chrono::milliseconds grace,
                           ForwardedSignals& signals) {
  // Everything the child needs is built before fork: after it, only system calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string cannot_run = fmt::format("dnnsim: error: cannot run {}: ", argv.front());

  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) throw std::runtime_error(fmt::format("/dev/null: {}", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(null_fd);
    throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {
    // Its own group: a terminal's ^C reaches dnnsim only, which forwards it, so the child
    // never sees one signal twice. Not being the terminal's foreground group, it would stop
    // on writing to it under `stty tostop` (SIGTTOU, ignored) or on reading (stdin is
    // /dev/null). Its stdout goes to stderr: dnnsim's stdout is the one summary line.
    ::setpgid(0, 0);
    for (const int forwarded : kForwarded) ::signal(forwarded, SIG_DFL);
    ::signal(SIGTTOU, SIG_IGN);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::execve(args[0], args.data(), envp.data());
    const int error = errno;
    (void)!::write(STDERR_FILENO, cannot_run.data(), cannot_run.size());
    const char* reason = std::strerror(error);
    (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
    (void)!::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
  }
  ::close(null_fd);
  // Also here: whichever of the two runs first, the group exists before a signal goes to it.
  ::setpgid(pid, pid);
  signals.forward_to(pid);

  // Polled rather than blocked on: a signal landing between a check and a blocking wait
  // would leave a child that ignores it running, with no deadline to kill it.
  int status = 0;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      signals.forward_to(0);
      throw std::runtime_error(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
    }
    if (signals.received() != 0) {
      const auto now = std::chrono::steady_clock::now();
      if (!kill_at) kill_at = now + grace;
      if (now >= *kill_at) ::kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  signals.forward_to(0);
  // What the child started and left in its group would outlive dnnsim: none of it is wanted.
  ::kill(-pid, SIGKILL);
  return {status, signals.received()};
}

}  // namespace dnnsim::cli
