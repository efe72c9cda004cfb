#pragma once
// Errors that reach the user. Every loader throws InputError with the file, the line
// (when YAML knows it) and the key; plan checks throw LimitError naming the layer and the
// limit. The CLI catches both at its boundary and prints one message.

#include <optional>
#include <stdexcept>
#include <string>

namespace dnnsim {

/// A mistake in a file or an option: where it is and what was expected.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::optional<int> line, std::string key, std::string message);

  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] std::optional<int> line() const noexcept { return line_; }
  [[nodiscard]] const std::string& key() const noexcept { return key_; }
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }

 private:
  std::string file_;
  std::optional<int> line_;  // 1-based
  std::string key_;
  std::string detail_;
};

/// A plan that breaks one of the cost model's scaling limits.
class LimitError : public std::runtime_error {
 public:
  LimitError(std::string layer, std::string limit);

  [[nodiscard]] const std::string& layer() const noexcept { return layer_; }
  [[nodiscard]] const std::string& limit() const noexcept { return limit_; }

 private:
  std::string layer_;
  std::string limit_;
};

/// A failure a child process has already reported on stderr: the CLI only exits with
/// `status`, adding nothing.
class ReportedError : public std::runtime_error {
 public:
  explicit ReportedError(int status)
      : std::runtime_error("reported by a child process"), status_(status) {}

  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  int status_;
};

}  // namespace dnnsim
