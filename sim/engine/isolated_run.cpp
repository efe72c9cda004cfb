#include "sim/engine/isolated_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/report/result_json.hpp"

namespace dnnsim {
namespace {

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The child: simulate, send the Result or the error as JSON, exit without unwinding the
// parent's state (no atexit handlers, no flushing of inherited buffers).
[[noreturn]] void run_child(int fd, const Network& network, const Platform& platform,
                            const Plan& plan, std::int64_t batch, const ReplayOptions& options) {
  nlohmann::json reply;
  try {
    reply["result"] = result_to_json(simulate(network, platform, plan, batch, options));
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

}  // namespace

ChildSimulation::ChildSimulation(const Network& network, const Platform& platform, const Plan& plan,
                                 std::int64_t batch, const ReplayOptions& options) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for the simulation");
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("cannot fork the simulation process");
  }
  if (pid_ == 0) {
    ::close(fds[0]);
    run_child(fds[1], network, platform, plan, batch, options);
  }
  ::close(fds[1]);
  fd_ = fds[0];
}

ChildSimulation::ChildSimulation(ChildSimulation&& other) noexcept
    : pid_(other.pid_), fd_(other.fd_), reply_(std::move(other.reply_)) {
  other.pid_ = -1;
  other.fd_ = -1;
}

ChildSimulation::~ChildSimulation() {
  if (fd_ >= 0) ::close(fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool ChildSimulation::read_some() {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    reply_.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buffer) return false;
  }
}

Result ChildSimulation::finish() {
  while (!read_some()) {
  }
  ::close(fd_);
  fd_ = -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || reply_.empty()) {
    throw std::runtime_error(
        WIFSIGNALED(status)
            ? fmt::format("the simulation process was killed by signal {} ({}); SimGrid's "
                          "own message, if any, is above",
                          WTERMSIG(status), strsignal(WTERMSIG(status)))
            : std::string("the simulation process failed"));
  }
  const nlohmann::json reply = nlohmann::json::parse(reply_);
  if (reply.contains("error")) {
    const auto& e = reply["error"];
    const std::string type = e["type"];
    if (type == "input") {
      const int line = e["line"];
      throw InputError(e["file"], line > 0 ? std::optional<int>(line) : std::nullopt, e["key"],
                       e["message"]);
    }
    if (type == "limit") throw LimitError(e["layer"], e["message"]);
    throw std::runtime_error(e["message"].get<std::string>());
  }
  return result_from_json(reply["result"]);
}

Result simulate_in_child(const Network& network, const Platform& platform, const Plan& plan,
                         std::int64_t batch, const ReplayOptions& options) {
  ChildSimulation child(network, platform, plan, batch, options);
  return child.finish();
}

}  // namespace dnnsim
