#pragma once
// Sweep shards (docs/sweeps.md, "Past one machine"): which share of the rows this process
// runs, from --shard K/N or from the launcher's environment, and the part file each shard
// writes, which the last one to finish merges. A part names its shard and its study (a
// fingerprint of the sweep file and every input it reads), so that a stale part of another
// study, or a damaged one, is refused instead of merged.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnnsim {

struct Shard {
  int index = 0;  ///< K
  int count = 1;  ///< N
};

/// Reads an environment variable; nothing when it is unset or empty.
using Environment = std::function<std::optional<std::string>(const char*)>;

/// The shard a launcher says this process is: Open MPI's OMPI_COMM_WORLD_RANK / _SIZE,
/// MPICH's PMI_RANK / PMI_SIZE, a Slurm job array's SLURM_ARRAY_TASK_ID / _COUNT (counted
/// from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP), or Slurm's SLURM_PROCID /
/// SLURM_NTASKS; the first of these that splits the work in more than one shard, else 0/1.
/// A pair that makes no sense (a rank without a size, a size of 0, a rank past the size,
/// text) is an InputError naming both variables, whichever pair would be used.
[[nodiscard]] Shard shard_from_environment(const Environment& env);

/// A fingerprint of a study: FNV-1a over the texts it is made of (the sweep file, every
/// workload and platform it reads), as 16 hexadecimal digits.
[[nodiscard]] std::string study_fingerprint(const std::vector<std::string>& texts);

/// The text of shard `shard`'s part: a header naming the shard and the study, then one line
/// "index,row" per row this shard ran (each `row` ends with a newline).
[[nodiscard]] std::string part_text(Shard shard, std::string_view study,
                                    const std::vector<std::pair<std::size_t, std::string>>& rows);

/// Reads the part `file` of shard `shard` back into `rows` (index -> row), checking that it
/// belongs to `study`, has its header and every row this shard owes among `total`, once.
/// Throws InputError naming the file and the line.
void read_part(const std::string& file, std::string_view text, Shard shard, std::string_view study,
               std::size_t total, std::map<std::size_t, std::string>& rows);

/// OUTPUT.part-K-of-N, the file shard K of N writes.
[[nodiscard]] std::string part_name(const std::string& output, Shard shard);

/// After writing its part, a shard merges when every part is there. Exactly one shard does
/// it: the one that takes an fcntl lock on OUTPUT.merge-lock, which the system releases when
/// its holder ends, however it ends, so a crash never blocks later runs. Every part must be
/// of `study` and whole (read_part); the rows of the `total` configurations come out in the
/// single-machine order under `header`, and the parts are removed. Throws InputError.
void merge_parts_if_complete(const std::string& output, int shard_count, std::string_view study,
                             std::size_t total, std::string_view header);

}  // namespace dnnsim
