#include "sim/engine/isolated_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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

std::string read_all(int fd) {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

Result simulate_in_child(const Network& network, const Platform& platform, const Plan& plan,
                         std::int64_t batch, const ReplayOptions& options) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for the simulation");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("cannot fork the simulation process");
  if (pid == 0) {
    ::close(fds[0]);
    nlohmann::json reply;
    try {
      reply["result"] = result_to_json(simulate(network, platform, plan, batch, options));
    } catch (const InputError& e) {
      reply["error"] = {{"type", "input"}, {"file", e.file()}, {"line", e.line().value_or(0)},
                        {"key", e.key()}, {"message", e.detail()}};
    } catch (const LimitError& e) {
      reply["error"] = {{"type", "limit"}, {"layer", e.layer()}, {"message", e.limit()}};
    } catch (const std::exception& e) {
      reply["error"] = {{"type", "other"}, {"message", e.what()}};
    }
    write_all(fds[1], reply.dump());
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  const std::string text = read_all(fds[0]);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
    throw std::runtime_error(
        WIFSIGNALED(status)
            ? fmt::format("the simulation process was killed by signal {} ({})", WTERMSIG(status),
                          strsignal(WTERMSIG(status)))
            : std::string("the simulation process failed"));
  }
  const nlohmann::json reply = nlohmann::json::parse(text);
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

}  // namespace dnnsim
