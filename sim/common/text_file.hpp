#pragma once
// Writing result files whole: through a temporary file renamed into place, so that a reader
// (or a later run) never finds half a file, and a failure leaves nothing behind.

#include <string>
#include <string_view>

namespace dnnsim {

/// Writes `text` to `path`. Throws InputError naming `path` and `key` (the option or setting
/// that gave the path) when the file cannot be written or moved into place.
void write_atomically(const std::string& path, std::string_view text, const std::string& key);

}  // namespace dnnsim
