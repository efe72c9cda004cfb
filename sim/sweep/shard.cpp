#include "sim/sweep/shard.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"

namespace dnnsim {
namespace {

struct LauncherPair {
  const char* rank;
  const char* size;
};

constexpr LauncherPair kLaunchers[] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                       {"PMI_RANK", "PMI_SIZE"},
                                       {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"},
                                       {"SLURM_PROCID", "SLURM_NTASKS"}};

std::optional<long long> whole_number(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

long long number_or(const std::optional<std::string>& text, long long otherwise) {
  if (!text) return otherwise;
  return whole_number(*text).value_or(-1);  // not a number: caught as an impossible step
}

[[noreturn]] void refuse(const LauncherPair& pair, const std::string& why) {
  throw InputError("", std::nullopt, fmt::format("{} / {}", pair.rank, pair.size),
                   fmt::format("{}; the launcher's variables give this process's shard of the "
                               "sweep (or pass --shard K/N)",
                               why));
}

std::string quoted(const std::optional<std::string>& v) {
  return v ? fmt::format("'{}'", *v) : std::string("unset");
}

}  // namespace

Shard shard_from_environment(const Environment& env) {
  std::optional<Shard> chosen;
  for (const LauncherPair& pair : kLaunchers) {
    const auto rank_text = env(pair.rank);
    const auto size_text = env(pair.size);
    if (!rank_text && !size_text) continue;
    const std::string given = fmt::format("{} is {} and {} is {}", pair.rank, quoted(rank_text),
                                          pair.size, quoted(size_text));
    if (!rank_text || !size_text) refuse(pair, given + ": a shard needs both");
    const auto rank = whole_number(*rank_text);
    const auto size = whole_number(*size_text);
    if (!rank || !size) refuse(pair, given + ": expected whole numbers");
    long long k = *rank;
    const long long n = *size;
    if (pair.rank == std::string_view("SLURM_ARRAY_TASK_ID")) {
      // --array=1-8 numbers the tasks 1 ... 8, --array=0-14:2 0, 2, ... 14.
      const auto min = number_or(env("SLURM_ARRAY_TASK_MIN"), 0);
      const auto step = number_or(env("SLURM_ARRAY_TASK_STEP"), 1);
      if (step < 1 || (k - min) % step != 0) {
        refuse(pair, given + fmt::format(", with SLURM_ARRAY_TASK_MIN {} and _STEP {}: not a "
                                         "task of the array",
                                         min, step));
      }
      k = (k - min) / step;
    }
    if (n < 1 || n > 1'000'000) refuse(pair, given + ": the size must be 1 to 1000000");
    if (k < 0 || k >= n) {
      refuse(pair, given + fmt::format(": shard {} does not exist in {} shards", k, n));
    }
    if (!chosen && n > 1) chosen = Shard{static_cast<int>(k), static_cast<int>(n)};
  }
  return chosen.value_or(Shard{});
}

std::string study_fingerprint(const std::vector<std::string>& texts) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const std::string& text : texts) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;  // a separator, so that ("ab", "c") and ("a", "bc") differ
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

std::string part_text(Shard shard, std::string_view study,
                      const std::vector<std::pair<std::size_t, std::string>>& rows) {
  std::string text = fmt::format("# dnnsim sweep part {} of {}, study {}, {} rows\n", shard.index,
                                 shard.count, study, rows.size());
  for (const auto& [index, row] : rows) text += fmt::format("{},{}", index, row);
  return text;
}

void read_part(const std::string& file, std::string_view text, Shard shard, std::string_view study,
               std::size_t total, std::map<std::size_t, std::string>& rows) {
  const auto fail = [&](int line, const std::string& why) {
    throw InputError(file, line, "", fmt::format("{}; remove it and run that shard again", why));
  };
  const std::size_t owed = total > static_cast<std::size_t>(shard.index)
                               ? (total - static_cast<std::size_t>(shard.index) +
                                  static_cast<std::size_t>(shard.count) - 1) /
                                     static_cast<std::size_t>(shard.count)
                               : 0;
  std::size_t at = 0;
  const auto next_line = [&]() -> std::optional<std::string_view> {
    if (at >= text.size()) return std::nullopt;
    const auto end = text.find('\n', at);
    if (end == std::string_view::npos) {
      at = text.size();
      return std::nullopt;  // a line without its end: the part was cut short
    }
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    return line;
  };
  const auto header = next_line();
  char header_study[65] = {};
  int k = -1;
  int n = -1;
  std::size_t count = 0;
  const std::string header_text(header.value_or(""));
  if (!header ||
      std::sscanf(header_text.c_str(), "# dnnsim sweep part %d of %d, study %64[0-9a-f], %zu rows",
                  &k, &n, header_study, &count) != 4) {
    fail(1, "not a part of a dnnsim sweep (no header), or a damaged one");
  }
  if (k != shard.index || n != shard.count) {
    fail(1, fmt::format("its header says part {} of {}, not {} of {}", k, n, shard.index,
                        shard.count));
  }
  if (study != header_study) {
    fail(1, "a part of another study (another sweep file, or inputs that changed since)");
  }
  if (count != owed) {
    fail(1, fmt::format("its header counts {} rows, but shard {} of {} runs {}", count, shard.index,
                        shard.count, owed));
  }
  for (std::size_t r = 0; r < count; ++r) {
    const int line = static_cast<int>(r) + 2;
    const auto row = next_line();
    if (!row) fail(line, fmt::format("cut short: {} of its {} rows", r, count));
    const auto comma = row->find(',');
    const auto index = whole_number(row->substr(0, comma));
    if (comma == std::string_view::npos || !index || *index < 0 ||
        static_cast<std::size_t>(*index) >= total || *index % shard.count != shard.index) {
      fail(line, "damaged: a row without the index of one of this shard's configurations");
    }
    const auto [it, inserted] =
        rows.emplace(static_cast<std::size_t>(*index), std::string(row->substr(comma + 1)) + "\n");
    if (!inserted) fail(line, fmt::format("damaged: configuration {} twice", *index));
  }
  if (at < text.size())
    fail(static_cast<int>(count) + 2, "damaged: more rows than its header says");
}

std::string part_name(const std::string& output, Shard shard) {
  return fmt::format("{}.part-{}-of-{}", output, shard.index, shard.count);
}

void merge_parts_if_complete(const std::string& output, int n, std::string_view study,
                             std::size_t total, std::string_view header) {
  const auto all_there = [&] {
    for (int k = 0; k < n; ++k) {
      if (!std::filesystem::exists(part_name(output, {k, n}))) return false;
    }
    return true;
  };
  if (!all_there()) return;
  const std::string lock = output + ".merge-lock";
  const int fd = ::open(lock.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw InputError(lock, std::nullopt, "--output",
                     fmt::format("cannot create the merge lock: {}", std::strerror(errno)));
  }
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &whole) != 0 || !all_there()) {  // another shard merges, or did
    ::close(fd);
    return;
  }
  try {
    std::map<std::size_t, std::string> rows;
    for (int k = 0; k < n; ++k) {
      const std::string part = part_name(output, {k, n});
      read_part(part, read_input_file(part, "sweep part"), {k, n}, study, total, rows);
    }
    std::string text = std::string(header) + "\n";
    for (const auto& [index, row] : rows) text += row;
    write_atomically(output, text, "--output");
    for (int k = 0; k < n; ++k) std::filesystem::remove(part_name(output, {k, n}));
  } catch (...) {
    ::unlink(lock.c_str());
    ::close(fd);
    throw;
  }
  ::unlink(lock.c_str());
  ::close(fd);
}

}  // namespace dnnsim
