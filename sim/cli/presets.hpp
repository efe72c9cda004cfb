#pragma once
// Resolves `alexnet` to workloads/alexnet.yaml and `crossbar` to platforms/crossbar.yaml;
// a path that exists is taken as it is.

#include <string>
#include <string_view>

namespace dnnsim::cli {

/// `kind` is "workloads" or "platforms".
[[nodiscard]] std::string resolve_preset(const std::string& name_or_path, std::string_view kind);

}  // namespace dnnsim::cli
