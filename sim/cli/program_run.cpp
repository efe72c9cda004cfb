#include "sim/cli/program_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

extern char** environ;

namespace dnnsim::cli {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};

// Reads what is there without blocking; true once the writer has closed its end.
bool drain(int fd, std::string& into) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    return false;  // EAGAIN: nothing more for now
  }
}

}  // namespace

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

ProgramRun run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       ForwardedSignals& signals, const ProgramOptions& options) {
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
  int out_fds[2] = {-1, -1};
  if (options.capture_stdout && ::pipe2(out_fds, O_CLOEXEC) != 0) {
    ::close(null_fd);
    throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(null_fd);
    if (out_fds[0] >= 0) {
      ::close(out_fds[0]);
      ::close(out_fds[1]);
    }
    throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {
    // Its own group: a terminal's ^C reaches dnnsim only, which forwards it, so the child
    // never sees one signal twice. Not being the terminal's foreground group, it would stop
    // on writing to it under `stty tostop` (SIGTTOU, ignored) or on reading (stdin is
    // /dev/null).
    ::setpgid(0, 0);
    for (const int forwarded : kForwarded) ::signal(forwarded, SIG_DFL);
    ::signal(SIGTTOU, SIG_IGN);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(options.capture_stdout ? out_fds[1] : STDERR_FILENO, STDOUT_FILENO);
    ::execvpe(args[0], args.data(), envp.data());
    const int error = errno;
    (void)!::write(STDERR_FILENO, cannot_run.data(), cannot_run.size());
    const char* reason = std::strerror(error);
    (void)!::write(STDERR_FILENO, reason, std::strlen(reason));
    (void)!::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
  }
  ::close(null_fd);
  if (out_fds[1] >= 0) {
    ::close(out_fds[1]);
    ::fcntl(out_fds[0], F_SETFL, O_NONBLOCK);
  }
  // Also here: whichever of the two runs first, the group exists before a signal goes to it.
  ::setpgid(pid, pid);
  signals.forward_to(pid);

  // Polled rather than blocked on: a signal landing between a check and a blocking wait
  // would leave a child that ignores it running, with no deadline to kill it.
  ProgramRun run;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  bool output_closed = out_fds[0] < 0;
  while (true) {
    if (!output_closed) {
      pollfd p{out_fds[0], POLLIN, 0};
      (void)::poll(&p, 1, 20);
      output_closed = drain(out_fds[0], run.out);
    } else {
      ::usleep(20'000);
    }
    const pid_t done = ::waitpid(pid, &run.status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      signals.forward_to(0);
      if (out_fds[0] >= 0) ::close(out_fds[0]);
      throw std::runtime_error(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
    }
    if (signals.received() != 0) {
      const auto now = std::chrono::steady_clock::now();
      if (!kill_at) kill_at = now + options.grace;
      if (now >= *kill_at) ::kill(-pid, SIGKILL);
    }
  }
  if (out_fds[0] >= 0) {
    // What it wrote just before ending; then the pipe closes (or another process of its
    // group, killed below, held it open).
    drain(out_fds[0], run.out);
    ::close(out_fds[0]);
  }
  signals.forward_to(0);
  // What the child started and left in its group would outlive dnnsim: none of it is wanted.
  ::kill(-pid, SIGKILL);
  run.interrupted = signals.received();
  return run;
}

}  // namespace dnnsim::cli
