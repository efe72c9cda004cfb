#include "sim/common/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dnnsim {

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  // Not thread-safe sinks: dnnsim logs from one thread (SimGrid's actors run in turn).
  auto created = spdlog::stderr_logger_st(module);
  created->set_pattern("[%l] [%n] %v");
  return created;
}

}  // namespace dnnsim
