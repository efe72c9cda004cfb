#include "sim/common/text_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, std::string_view key, const std::string& message) {
  throw InputError(path, std::nullopt, std::string(key), message);
}

std::string system_reason() {
  return std::strerror(errno);
}

/// The file a write to `path` lands in: `path` itself, or the end of its chain of symbolic
/// links (which may not exist yet).
fs::path write_target(const std::string& path) {
  fs::path target(path);
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(target, ec)) return target;
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) return target;
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  fail(path, "", "too many levels of symbolic links");
}

/// Blocks SIGINT, SIGTERM and SIGHUP while alive: a signal that arrives while a result file
/// is written takes effect once the file is whole (or removed), never in between.
class SignalsDeferred {
 public:
  SignalsDeferred() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SignalsDeferred() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsDeferred(const SignalsDeferred&) = delete;
  SignalsDeferred& operator=(const SignalsDeferred&) = delete;

 private:
  sigset_t old_{};
};

/// Creates an empty temporary file next to `target`; returns its name and descriptor.
std::pair<std::string, int> temporary_beside(const fs::path& target, const std::string& path,
                                             std::string_view key) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string pattern = (dir / fmt::format(".{}.tmp-XXXXXX", target.filename().string())).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) fail(path, key, fmt::format("cannot write here: {}", system_reason()));
  return {pattern, fd};
}

}  // namespace

void require_input_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) fail(path, "", fmt::format("{} file not found", what));
    fail(path, "", fmt::format("cannot read the {} file: {}", what, system_reason()));
  }
  if (S_ISDIR(st.st_mode)) fail(path, "", fmt::format("expected a {} file, got a directory", what));
  if (!S_ISREG(st.st_mode)) {
    fail(path, "",
         fmt::format("is not a regular file (a device, FIFO or socket); expected a {} file", what));
  }
  if (st.st_size > kMaxInputFileBytes) {
    fail(path, "",
         fmt::format("is {} bytes; dnnsim reads {} files of up to {} bytes (64 MiB)", st.st_size,
                     what, kMaxInputFileBytes));
  }
}

std::string read_input_file(const std::string& path, std::string_view what) {
  require_input_file(path, what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, "", fmt::format("cannot read the {} file: {}", what, system_reason()));
  // Read at most one byte past the limit: a file that grows while it is read, or one whose
  // size the system does not know (/proc), still stops there.
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string reason = system_reason();
      ::close(fd);
      fail(path, "", fmt::format("cannot read the {} file: {}", what, reason));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<std::int64_t>(text.size()) > kMaxInputFileBytes) {
      ::close(fd);
      fail(path, "",
           fmt::format("is more than {} bytes; dnnsim reads {} files of up to 64 MiB",
                       kMaxInputFileBytes, what));
    }
  }
  ::close(fd);
  return text;
}

void require_writable_output(const std::string& path, std::string_view key) {
  if (path.empty()) return;
  const fs::path target = write_target(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      fail(path, key, "is a directory; expected the name of a file to write");
    if (!S_ISREG(st.st_mode)) {
      fail(path, key,
           "is not a regular file (a device, FIFO or socket); dnnsim writes results only to "
           "regular files");
    }
  }
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fail(path, key,
         fmt::format("cannot write here: the directory '{}' does not exist", dir.string()));
  }
  // The only sure test of a directory (read-only file systems, permissions, root's rights):
  // create a file there, and remove it.
  const auto [temp, fd] = temporary_beside(target, path, key);
  ::close(fd);
  ::unlink(temp.c_str());
}

bool same_output(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;  // standard output
  std::error_code ec;
  const fs::path x = fs::weakly_canonical(fs::absolute(write_target(a)), ec);
  const fs::path y = fs::weakly_canonical(fs::absolute(write_target(b)), ec);
  return x == y;
}

void write_atomically(const std::string& path, std::string_view text, std::string_view key) {
  require_writable_output(path, key);
  const fs::path target = write_target(path);
  const SignalsDeferred deferred;
  const auto [temp, fd] = temporary_beside(target, path, key);
  const auto give_up = [&, temp = temp](const std::string& message) {
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, key, message);
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up(fmt::format("writing failed: {}", system_reason()));
    done += static_cast<std::size_t>(n);
  }
  // mkstemp makes the file private (0600); results get the usual rights (umask applies).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0 || ::close(fd) != 0) {
    const std::string reason = system_reason();
    ::unlink(temp.c_str());
    fail(path, key, fmt::format("writing failed: {}", reason));
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = system_reason();
    ::unlink(temp.c_str());
    fail(path, key, fmt::format("cannot move the file into place: {}", reason));
  }
}

}  // namespace dnnsim
