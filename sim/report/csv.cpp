#include "sim/report/csv.hpp"

#include <fmt/format.h>

namespace dnnsim {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_number(double x) {
  return fmt::format("{}", x);
}

}  // namespace dnnsim
