#pragma once
// Reading input files and writing result files safely. Inputs: only regular files, and at
// most kMaxInputFileBytes of them, so that /dev/zero, a FIFO or a runaway file ends in a
// message instead of a hang or gigabytes of memory. Outputs: through a temporary file
// renamed into place (a reader never finds half a file; a failure leaves nothing), written
// through a symbolic link to its target, never over a device or other non-regular file.

#include <cstdint>
#include <string>
#include <string_view>

namespace dnnsim {

/// The largest input file dnnsim reads: 64 MiB, far beyond any workload, platform, plan or
/// sweep written by hand or imported (a 10,000-layer network is about 1 MB of YAML).
inline constexpr std::int64_t kMaxInputFileBytes = std::int64_t{64} << 20;

/// Checks that `path` names a regular file of at most kMaxInputFileBytes bytes. `what` says
/// which kind of file it should be ("workload", "SimGrid platform"). Throws InputError.
void require_input_file(const std::string& path, std::string_view what);

/// The whole text of an input file, checked by require_input_file. Throws InputError.
[[nodiscard]] std::string read_input_file(const std::string& path, std::string_view what);

/// Refuses, before any work, an output path that cannot be written: a directory, a device
/// or other non-regular file, a directory that does not exist or where this process cannot
/// create a file (read-only, no permission: the system's reason is kept). `key` is the
/// option or setting that gave the path. Empty paths (standard output) pass.
void require_writable_output(const std::string& path, std::string_view key);

/// True when writing `a` and writing `b` would land in the same file (through symbolic
/// links, `.` and `..`): two outputs of one run must differ.
[[nodiscard]] bool same_output(const std::string& a, const std::string& b);

/// Writes `text` to `path` (through a symbolic link to its target). Throws InputError
/// naming `path` and `key` when the file cannot be written or moved into place. SIGINT and
/// SIGTERM wait until the file is whole or removed.
void write_atomically(const std::string& path, std::string_view text, std::string_view key);

}  // namespace dnnsim
