#include "sim/request/integer_option.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace dnnsim {
namespace {

/// "2^40 = 1099511627776" for the usual bound, else the number.
std::string bound_text(std::int64_t bound) {
  return bound == kMaxInteger ? fmt::format("2^40 = {}", bound) : fmt::format("{}", bound);
}

/// The long name of an option declared as "--procs,-P".
std::string long_name(const std::string& name) {
  return name.substr(0, name.find(','));
}

}  // namespace

std::int64_t parse_decimal(std::string_view text, std::string_view option, std::int64_t min,
                           std::int64_t max) {
  const auto fail = [&](std::string_view what) -> std::int64_t {
    throw InputError("", std::nullopt, std::string(option),
                     fmt::format("expected {} in [{}, {}], got '{}'", what, min, bound_text(max),
                                 excerpt(text)));
  };
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail("a whole number written in decimal digits");
  }
  std::int64_t value = 0;
  for (const char c : text) {
    value = value * 10 + (c - '0');
    if (value > max) return fail("a whole number");  // stops before 64 bits overflow
  }
  if (value < min) return fail("a whole number");
  return value;
}

CLI::Option* add_integer_option(CLI::App& command, const std::string& name,
                                std::optional<std::int64_t>& value, const std::string& description,
                                std::int64_t min, std::int64_t max) {
  const std::string option = long_name(name);
  return command.add_option_function<std::string>(
      name,
      [&value, option, min, max](const std::string& text) {
        value = parse_decimal(text, option, min, max);
      },
      description);
}

CLI::Option* add_integer_option(CLI::App& command, const std::string& name, std::int64_t& value,
                                const std::string& description, std::int64_t min,
                                std::int64_t max) {
  const std::string option = long_name(name);
  return command.add_option_function<std::string>(
      name,
      [&value, option, min, max](const std::string& text) {
        value = parse_decimal(text, option, min, max);
      },
      description);
}

CLI::Option* add_integer_option(CLI::App& command, const std::string& name, int& value,
                                const std::string& description, int min, int max) {
  const std::string option = long_name(name);
  return command.add_option_function<std::string>(
      name,
      [&value, option, min, max](const std::string& text) {
        value = static_cast<int>(parse_decimal(text, option, min, max));
      },
      description);
}

}  // namespace dnnsim
