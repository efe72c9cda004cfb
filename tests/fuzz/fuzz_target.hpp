#pragma once
// What every fuzz target shares: the bytes become the text of a YAML file named kFuzzFile,
// read by the same code as a file on disk (parse_yaml_text, then the loader). InputError and
// LimitError are the clean answers to bad input; anything else (another exception, a crash,
// a sanitizer report, a hang) is a bug that libFuzzer reports.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "sim/common/error.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/result/result.hpp"

namespace dnnsim::fuzz {

inline constexpr std::string_view kFuzzFile = "fuzz.yaml";

/// A bug that is not an exception: report it and abort, so that libFuzzer keeps the input.
[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "dnnsim fuzz: bug: %s\n", what.c_str());
  std::abort();
}

/// An answer to good input must be finite, non-negative times and memory.
inline void check_result(const Result& r) {
  for (const double x : {r.iteration_s, r.compute_s, r.comm_s, r.memory_bytes_per_proc}) {
    if (!std::isfinite(x) || x < 0) bug("a result is not a finite non-negative number");
  }
}

/// Runs `parse(root)` on the bytes as a YAML `what` file.
template <class Parse>
int run(const std::uint8_t* data, std::size_t size, std::string_view what, Parse&& parse) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    parse(parse_yaml_text(text, std::string(kFuzzFile), what));
  } catch (const InputError& e) {
    // Every message about the file names it (docs/design.md, "Errors").
    if (e.file() != kFuzzFile) bug(std::string("an error does not name the file: ") + e.what());
  } catch (const LimitError&) {
  }
  return 0;
}

}  // namespace dnnsim::fuzz
