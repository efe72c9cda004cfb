#pragma once
// `dnnsim import --input`: one sample of the model's input, as the user writes it.
//   CxHxW      images (3x224x224)          -> input: {channels: C, height: H, width: W}
//   F          vectors of F features (768) -> input: {features: F}
//   TxF        T vectors of F features     -> input: {tokens: T, features: F}
//   tokens:T   a sequence of T token ids   -> input: {tokens: T}
// Checked before the importer starts: sizes are decimal whole numbers in [1, 2^40] and a
// sample holds at most 2^53 elements, as in workload files.

#include <string>
#include <string_view>

namespace dnnsim::cli {

/// The value checked and written the importer's way (lower-case `x`); throws InputError
/// naming '--input' with one line saying what was wrong.
[[nodiscard]] std::string checked_import_input(std::string_view text);

}  // namespace dnnsim::cli
