#pragma once
// Times and sizes as dnnsim prints them for people: four significant digits of seconds in
// the unit that fits, three of bytes in powers of 1000.

#include <string>

namespace dnnsim {

/// "1.234 ms", "56.7 us", "2.5 s": seconds for people.
[[nodiscard]] std::string human_seconds(double seconds);
/// "1.50 GB", "12.0 MB": bytes for people (powers of 1000).
[[nodiscard]] std::string human_bytes(double bytes);

}  // namespace dnnsim
