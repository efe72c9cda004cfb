#pragma once
// Resolves `alexnet` to workloads/alexnet.yaml and `crossbar` to platforms/crossbar.yaml;
// a path that exists is taken as it is.

#include <filesystem>
#include <string>
#include <string_view>

namespace dnnsim {

/// The source tree holding workloads/, platforms/ and analysis/ (DNNSIM_DATA_DIR in the
/// environment overrides the one compiled in).
[[nodiscard]] std::filesystem::path data_dir();

/// `kind` is "workloads" or "platforms".
[[nodiscard]] std::string resolve_preset(const std::string& name_or_path, std::string_view kind);

}  // namespace dnnsim
