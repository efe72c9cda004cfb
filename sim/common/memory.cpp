#include "sim/common/memory.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "sim/common/error.hpp"

namespace dnnsim {

double available_memory_bytes() {
  if (const char* limit = std::getenv(kMemoryLimitVariable); limit != nullptr) {
    // A value that does not parse would otherwise turn the check off without a word.
    char* end = nullptr;
    const double bytes = std::strtod(limit, &end);
    if (end == limit || *end != '\0' || !std::isfinite(bytes) || !(bytes > 0.0)) {
      throw InputError("", std::nullopt, kMemoryLimitVariable,
                       fmt::format("expected a positive number of bytes, got '{}'", limit));
    }
    return bytes;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0.0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return 0.0;
}

}  // namespace dnnsim
