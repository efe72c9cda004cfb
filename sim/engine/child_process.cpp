#include "sim/engine/child_process.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {
namespace {

constexpr std::string_view kNotePrefix = "dnnsim-note: ";

void write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The child: run the work, send its reply or its error as JSON, leave without unwinding
// the parent's state (no atexit handlers, no flushing of inherited buffers).
[[noreturn]] void run_child(int fd, const ChildWork& work) {
  nlohmann::ordered_json reply;
  try {
    reply["result"] = work();
  } catch (const InputError& e) {
    reply["error"] = {{"type", "input"},
                      {"file", e.file()},
                      {"line", e.line().value_or(0)},
                      {"key", e.key()},
                      {"message", e.detail()}};
  } catch (const LimitError& e) {
    reply["error"] = {{"type", "limit"}, {"layer", e.layer()}, {"message", e.limit()}};
  } catch (const std::exception& e) {
    reply["error"] = {{"type", "other"}, {"message", e.what()}};
  }
  write_all(fd, reply.dump());
  ::close(fd);
  ::_exit(0);
}

std::string read_all(int fd) {
  std::string text;
  if (::lseek(fd, 0, SEEK_SET) < 0) return text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > (1u << 20)) break;  // the first lines are what matters
  }
  return text;
}

/// What a dead child said: our own note if it left one, else SimGrid's first line (before
/// its backtrace), else nothing.
std::string last_words(const std::string& stderr_text) {
  std::istringstream in(stderr_text);
  std::string line;
  std::string first;
  while (std::getline(in, line)) {
    if (line.starts_with(kNotePrefix)) return line.substr(kNotePrefix.size());
    const auto text = line.find_first_not_of(" \t");
    if (text == std::string::npos || !first.empty()) continue;
    const std::string_view rest = std::string_view(line).substr(text);
    if (rest.starts_with("Backtrace") || rest.starts_with("->")) continue;
    first = line.substr(text);
  }
  return first;
}

}  // namespace

ChildProcess::ChildProcess(const ChildWork& work, std::string about) : about_(std::move(about)) {
  stderr_fd_ = ::memfd_create("dnnsim-child-stderr", MFD_CLOEXEC);
  if (stderr_fd_ < 0) {
    throw std::runtime_error(
        fmt::format("cannot create a file for the child's messages: {}", std::strerror(errno)));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(stderr_fd_);
    throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(stderr_fd_);
    throw std::runtime_error(fmt::format("cannot fork: {}", std::strerror(errno)));
  }
  if (pid_ == 0) {
    // Dies with the parent, whatever kills it; takes the default action on the signals an
    // interruptible parent catches.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    ::dup2(stderr_fd_, STDERR_FILENO);
    ::close(fds[0]);
    run_child(fds[1], work);
  }
  ::close(fds[1]);
  fd_ = fds[0];
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_),
      fd_(other.fd_),
      stderr_fd_(other.stderr_fd_),
      reply_(std::move(other.reply_)),
      about_(std::move(other.about_)) {
  other.pid_ = -1;
  other.fd_ = -1;
  other.stderr_fd_ = -1;
}

ChildProcess::~ChildProcess() {
  if (fd_ >= 0) ::close(fd_);
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool ChildProcess::read_some() {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    reply_.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buffer) return false;
  }
}

nlohmann::ordered_json ChildProcess::finish() {
  while (!read_some()) {
  }
  ::close(fd_);
  fd_ = -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  const std::string said = read_all(stderr_fd_);
  ::close(stderr_fd_);
  stderr_fd_ = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || reply_.empty()) {
    const std::string words = last_words(said);
    const std::string how = WIFSIGNALED(status)
                                ? fmt::format("stopped by signal {} ({})", WTERMSIG(status),
                                              strsignal(WTERMSIG(status)))
                                : fmt::format("failed with exit status {}", WEXITSTATUS(status));
    if (!about_.empty()) {
      throw InputError(about_, std::nullopt, "",
                       words.empty() ? fmt::format("SimGrid {} on this platform", how)
                                     : fmt::format("SimGrid {}: {}", how, words));
    }
    throw std::runtime_error(
        fmt::format("the simulation process {}{}{}", how, words.empty() ? "" : ": ", words));
  }
  const auto reply = nlohmann::ordered_json::parse(reply_);
  if (reply.contains("error")) {
    const auto& e = reply["error"];
    const std::string type = e["type"];
    if (type == "input") {
      const int line = e["line"];
      throw InputError(e["file"], line > 0 ? std::optional<int>(line) : std::nullopt, e["key"],
                       e["message"]);
    }
    if (type == "limit") throw LimitError(e["layer"], e["message"]);
    const std::string message = e["message"];
    if (!about_.empty()) throw InputError(about_, std::nullopt, "", message);
    throw std::runtime_error(message);
  }
  // A run that went well passes on what SimGrid warned about.
  if (!said.empty()) std::cerr << said << std::flush;
  return reply["result"];
}

CrashNote::CrashNote(const std::string& note) {
  // Only where stderr is the child's in-memory file: a terminal would show the note.
  mark_ = ::lseek(STDERR_FILENO, 0, SEEK_END);
  if (mark_ < 0) return;
  write_all(STDERR_FILENO, fmt::format("{}{}\n", kNotePrefix, note));
}

CrashNote::~CrashNote() {
  if (mark_ >= 0 && ::ftruncate(STDERR_FILENO, mark_) == 0) ::lseek(STDERR_FILENO, mark_, SEEK_SET);
}

}  // namespace dnnsim
