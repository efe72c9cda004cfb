#include <doctest/doctest.h>

#include <map>
#include <string>

#include "sim/common/error.hpp"
#include "sim/sweep/shard.hpp"

using namespace dnnsim;

namespace {

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string refusal(const std::map<std::string, std::string>& vars) {
  try {
    (void)shard_from_environment(env_of(vars));
  } catch (const InputError& e) {
    return e.detail();
  }
  return "";
}

}  // namespace

TEST_CASE("the launcher's variables give the shard, the first that splits the work") {
  const Shard none = shard_from_environment(env_of({}));
  CHECK(none.index == 0);
  CHECK(none.count == 1);
  const Shard mpi = shard_from_environment(
      env_of({{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "3"}}));
  CHECK(mpi.index == 2);
  CHECK(mpi.count == 3);
  // mpirun -np 1 inside a Slurm job array: the array splits the work.
  const Shard array = shard_from_environment(env_of({{"OMPI_COMM_WORLD_RANK", "0"},
                                                     {"OMPI_COMM_WORLD_SIZE", "1"},
                                                     {"SLURM_ARRAY_TASK_ID", "5"},
                                                     {"SLURM_ARRAY_TASK_COUNT", "8"}}));
  CHECK(array.index == 5);
  CHECK(array.count == 8);
  // --array=10-24:2 has tasks 10, 12, ... 24: task 14 is shard 2 of 8.
  const Shard stepped = shard_from_environment(env_of({{"SLURM_ARRAY_TASK_ID", "14"},
                                                       {"SLURM_ARRAY_TASK_COUNT", "8"},
                                                       {"SLURM_ARRAY_TASK_MIN", "10"},
                                                       {"SLURM_ARRAY_TASK_STEP", "2"}}));
  CHECK(stepped.index == 2);
  CHECK(stepped.count == 8);
}

TEST_CASE("launcher variables that make no sense are refused, naming both") {
  CHECK(
      refusal({{"PMI_RANK", "4"}, {"PMI_SIZE", "4"}})
          .starts_with("PMI_RANK is '4' and PMI_SIZE is '4': shard 4 does not exist in 4 shards"));
  CHECK(refusal({{"PMI_SIZE", "4"}})
            .starts_with("PMI_RANK is unset and PMI_SIZE is '4': a shard "
                         "needs both"));
  CHECK(refusal({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "0"}})
            .starts_with("SLURM_PROCID is '0' and SLURM_NTASKS is '0': the size must be"));
  CHECK(refusal({{"SLURM_PROCID", "-1"}, {"SLURM_NTASKS", "2"}})
            .starts_with("SLURM_PROCID is '-1' and SLURM_NTASKS is '2': shard -1 does not exist"));
  CHECK(refusal({{"SLURM_ARRAY_TASK_ID", "13"},
                 {"SLURM_ARRAY_TASK_COUNT", "8"},
                 {"SLURM_ARRAY_TASK_MIN", "10"},
                 {"SLURM_ARRAY_TASK_STEP", "2"}})
            .find("not a task of the array") != std::string::npos);
}

TEST_CASE("a part reads back whole, and a stale or damaged one is refused") {
  // 5 configurations over 2 shards: shard 1 runs configurations 1 and 3.
  const std::string text = part_text({1, 2}, "00000000000000ab", {{1, "b\n"}, {3, "d\n"}});
  CHECK(text == "# dnnsim sweep part 1 of 2, study 00000000000000ab, 2 rows\n1,b\n3,d\n");
  std::map<std::size_t, std::string> rows;
  read_part("p", text, {1, 2}, "00000000000000ab", 5, rows);
  CHECK(rows == std::map<std::size_t, std::string>{{1, "b\n"}, {3, "d\n"}});

  const auto detail = [&](std::string_view part, Shard shard, std::string_view study) {
    std::map<std::size_t, std::string> r;
    try {
      read_part("p", part, shard, study, 5, r);
    } catch (const InputError& e) {
      return std::to_string(e.line().value_or(0)) + ": " + e.detail();
    }
    return std::string();
  };
  CHECK(detail(text, {1, 2}, "00000000000000cd").starts_with("1: a part of another study"));
  CHECK(detail(text, {0, 2}, "00000000000000ab").starts_with("1: its header says part 1 of 2"));
  CHECK(detail(text.substr(0, text.size() - 4), {1, 2}, "00000000000000ab")
            .starts_with("3: cut short: 1 of its 2 rows"));
  CHECK(detail("1,b\n3,d\n", {1, 2}, "00000000000000ab").starts_with("1: not a part"));
  CHECK(detail("# dnnsim sweep part 1 of 2, study 00000000000000ab, 2 rows\n1,b\n1,d\n", {1, 2},
               "00000000000000ab")
            .starts_with("3: damaged: configuration 1 twice"));
  CHECK(detail("# dnnsim sweep part 1 of 2, study 00000000000000ab, 2 rows\n1,b\n2,d\n", {1, 2},
               "00000000000000ab")
            .starts_with("3: damaged: a row without the index"));
}

TEST_CASE("a study's fingerprint changes with any of its texts") {
  const std::string a = study_fingerprint({"spec", "workload"});
  CHECK(a.size() == 16);
  CHECK(a == study_fingerprint({"spec", "workload"}));
  CHECK(a != study_fingerprint({"spec", "workload2"}));
  CHECK(study_fingerprint({"ab", "c"}) != study_fingerprint({"a", "bc"}));
}
