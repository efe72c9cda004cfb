#include "sim/common/suggest.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace dnnsim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  std::size_t best_distance = std::string_view::npos;
  for (const auto candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // A typo changes a few characters; more than a third of the word is another word.
  const std::size_t tolerance = std::max<std::size_t>(1, (word.size() + 2) / 3);
  if (best.empty() || best_distance > tolerance) return {};
  return std::string(best);
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? std::string{} : fmt::format(" (did you mean '{}'?)", match);
}

std::string excerpt(std::string_view text, std::size_t max) {
  std::string out;
  for (const char c : text.substr(0, max)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02X}", byte);
    } else {
      out += c;
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string unknown_name(std::string_view what, std::string_view word,
                         std::span<const std::string_view> candidates) {
  std::string expected;
  for (const auto c : candidates) {
    if (!expected.empty()) expected += ", ";
    expected += c;
  }
  return fmt::format("unknown {} '{}'{}; expected one of: {}", what, excerpt(word),
                     did_you_mean(word, candidates), expected);
}

}  // namespace dnnsim
