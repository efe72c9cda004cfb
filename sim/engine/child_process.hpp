#pragma once
// Work done in a forked child process, its JSON reply read back by the parent. SimGrid's
// engine is one per process and its global state outlives it (docs/design.md, "Beyond one
// machine"), and SimGrid aborts the process on some platforms: each simulation of a sweep
// or of the optimizer, and everything that loads a user's SimGrid XML platform, runs here.
// What the child prints on stderr is kept; if it dies, its first line becomes the error.

#include <sys/types.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace dnnsim {

/// Returns the reply, or throws InputError, LimitError or another std::exception, which the
/// parent's finish() throws again.
using ChildWork = std::function<nlohmann::ordered_json()>;

class ChildProcess {
 public:
  /// Starts `work` in a child. `about` is the file the work depends on (a SimGrid XML
  /// platform): a child that dies is reported as an error of that file.
  explicit ChildProcess(const ChildWork& work, std::string about = "");
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  /// Kills a child still running (an interrupted sweep) and waits for it.
  ~ChildProcess();

  /// The pipe the reply arrives on, for poll().
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// Reads what the child has written; true once it has closed its end.
  bool read_some();
  /// Waits for the child and returns its reply, or throws its error.
  [[nodiscard]] nlohmann::ordered_json finish();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int stderr_fd_ = -1;  ///< an in-memory file holding the child's stderr
  std::string reply_;
  std::string about_;
};

/// Inside a child: a note of what SimGrid is about to do, kept on stderr only while it
/// does it, so that a crash (SimGrid dereferences a missing route) is reported as this note
/// rather than as a bare signal.
class CrashNote {
 public:
  explicit CrashNote(const std::string& note);
  ~CrashNote();
  CrashNote(const CrashNote&) = delete;
  CrashNote& operator=(const CrashNote&) = delete;

 private:
  off_t mark_ = 0;
};

}  // namespace dnnsim
