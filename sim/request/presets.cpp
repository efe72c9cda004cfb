#include "sim/request/presets.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace dnnsim {

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("DNNSIM_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return DNNSIM_DATA_DIR;
}

std::string resolve_preset(const std::string& name, std::string_view kind) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(name, ec)) return name;
  const bool bare = name.find('/') == std::string::npos && !name.ends_with(".yaml") &&
                    !name.ends_with(".yml") && !name.ends_with(".xml");
  const fs::path dir = data_dir() / kind;
  if (bare) {
    const fs::path preset = dir / (name + ".yaml");
    if (fs::exists(preset, ec)) return preset.string();
  }
  std::vector<std::string> presets;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") presets.push_back(entry.path().stem().string());
  }
  std::sort(presets.begin(), presets.end());
  const std::string what = kind == "workloads" ? "workload" : "platform";
  std::vector<std::string_view> views(presets.begin(), presets.end());
  throw InputError(
      name, std::nullopt, "",
      fmt::format("{} file not found{}; presets: {}", what,
                  bare ? did_you_mean(name, views) : std::string{}, fmt::join(presets, ", ")));
}

}  // namespace dnnsim
