#pragma once
// Integer options, read as people write them: decimal digits only. CLI11 alone reads "010"
// as octal 8 and "0x10" as 16, and clamps a value too large for 64 bits; here "010" is 10,
// and anything else (a sign, a prefix, a fraction, a value out of range) is refused with
// the value quoted as typed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "sim/common/bounds.hpp"

namespace dnnsim {

/// `text` as a decimal integer in [min, max]; throws InputError naming `option`.
[[nodiscard]] std::int64_t parse_decimal(std::string_view text, std::string_view option,
                                         std::int64_t min, std::int64_t max);

/// Registers `name` (e.g. "--procs,-P"), stored in `value` once parsed and checked.
CLI::Option* add_integer_option(CLI::App& command, const std::string& name,
                                std::optional<std::int64_t>& value, const std::string& description,
                                std::int64_t min = 1, std::int64_t max = kMaxInteger);
CLI::Option* add_integer_option(CLI::App& command, const std::string& name, std::int64_t& value,
                                const std::string& description, std::int64_t min = 1,
                                std::int64_t max = kMaxInteger);
CLI::Option* add_integer_option(CLI::App& command, const std::string& name, int& value,
                                const std::string& description, int min, int max);

}  // namespace dnnsim
