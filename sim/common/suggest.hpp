#pragma once
// "Did you mean" for unknown keys and names.

#include <span>
#include <string>
#include <string_view>

namespace dnnsim {

/// Edit distance (insertions, deletions, substitutions) between two strings.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
[[nodiscard]] std::string closest_match(std::string_view word,
                                        std::span<const std::string_view> candidates);

/// " (did you mean 'x'?)" or "" when nothing is close.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       std::span<const std::string_view> candidates);

/// `text` as a message shows it: control characters escaped, cut after `max` characters.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t max = 60);

/// "unknown <what> 'word' (did you mean 'x'?); expected one of: a, b, c", the message for a
/// name that is not one of `candidates`.
[[nodiscard]] std::string unknown_name(std::string_view what, std::string_view word,
                                       std::span<const std::string_view> candidates);

}  // namespace dnnsim
