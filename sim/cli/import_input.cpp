#include "sim/cli/import_input.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace dnnsim::cli {
namespace {

constexpr std::string_view kOption = "--input";
constexpr std::string_view kTokens = "tokens:";

[[noreturn]] void fail(const std::string& message) {
  throw InputError("", std::nullopt, std::string(kOption), message);
}

[[noreturn]] void fail_form(std::string_view text) {
  fail(
      fmt::format("expected CxHxW (e.g. 3x224x224), TxF (1024x768), a feature count (768) or "
                  "tokens:T (tokens:1024), got '{}'",
                  excerpt(text)));
}

/// One size: decimal digits, in [1, 2^40].
std::int64_t size_of(std::string_view part, std::string_view text) {
  const auto bad = [&] {
    const std::string where = part == text ? "" : fmt::format(" in '{}'", excerpt(text));
    fail(fmt::format("expected sizes written in decimal digits in [1, 2^40 = {}], got '{}'{}",
                     kMaxInteger, excerpt(part), where));
  };
  if (part.empty() || part.find_first_not_of("0123456789") != std::string_view::npos) bad();
  std::int64_t value = 0;
  for (const char c : part) {
    value = value * 10 + (c - '0');
    if (value > kMaxInteger) bad();  // stops long before 64 bits overflow
  }
  if (value < 1) bad();
  return value;
}

}  // namespace

std::string checked_import_input(std::string_view text) {
  const bool tokens = text.starts_with(kTokens);
  const std::string_view body = tokens ? text.substr(kTokens.size()) : text;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = body.find_first_of("xX", start);
    parts.push_back(body.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (text.empty() || (tokens && parts.size() != 1) || parts.size() > 3) fail_form(text);
  std::vector<std::int64_t> sizes;
  for (const std::string_view part : parts) {
    // A part that is no number at all means another form was meant ('3x224x', 'abc',
    // 'tokens:'); one that looks like a number is a size out of range ('0', '-4', '1e3').
    if (part.empty() ||
        std::string_view("0123456789+-.").find(part.front()) == std::string_view::npos) {
      fail_form(text);
    }
    sizes.push_back(size_of(part, text));
  }
  // Each size is at most 2^40: a product stays in 64 bits while it is at most 2^53.
  std::int64_t elements = 1;
  for (const std::int64_t size : sizes) {
    if (elements > kMaxCount / size) {
      fail(fmt::format("{} elements per sample is too many; dnnsim counts up to 2^53 = {}",
                       fmt::join(sizes, " x "), kMaxCount));
    }
    elements *= size;
  }
  return fmt::format("{}{}", tokens ? kTokens : "", fmt::join(sizes, "x"));
}

}  // namespace dnnsim::cli
