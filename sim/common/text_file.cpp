#include "sim/common/text_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "sim/common/error.hpp"

namespace dnnsim {

void write_atomically(const std::string& path, std::string_view text, const std::string& key) {
  namespace fs = std::filesystem;
  // The process id keeps concurrent writers (sweep shards) off each other's temporary file.
  const fs::path temp = path + ".tmp-dnnsim-" + std::to_string(::getpid());
  std::error_code ec;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path, std::nullopt, key, "cannot write this file");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      throw InputError(path, std::nullopt, key, "writing failed (is the disk full?)");
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw InputError(path, std::nullopt, key, "cannot move the file into place");
  }
}

}  // namespace dnnsim
