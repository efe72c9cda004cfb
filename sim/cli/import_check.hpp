#pragma once
// What the importer says PyTorch has (analysis/importer/workload.py, `expected`), checked
// against the workload dnnsim loaded from what it wrote: per layer, the parameters PyTorch's
// tensors hold and the output shape of one sample. A difference is a bug of the importer.

#include <filesystem>
#include <optional>
#include <string>

#include "sim/workload/network.hpp"

namespace dnnsim::cli {

/// The first difference between `net` and the expected file (one line per layer: name, tab,
/// parameters or '-', tab, output shape as AxB or '-'), with how many more there are;
/// nullopt when they agree or the importer wrote no such file.
[[nodiscard]] std::optional<std::string> disagreement_with_pytorch(
    const Network& net, const std::filesystem::path& expected);

}  // namespace dnnsim::cli
