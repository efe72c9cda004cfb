#pragma once
// CSV fields as every CSV dnnsim writes has them (RFC 4180): quoted when they hold a comma,
// a quote or a line break, quotes doubled; numbers in their shortest exact form.

#include <string>
#include <string_view>

namespace dnnsim {

[[nodiscard]] std::string csv_field(std::string_view text);

/// The shortest text that reads back as the same double.
[[nodiscard]] std::string csv_number(double x);

}  // namespace dnnsim
