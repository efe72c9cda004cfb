#pragma once
// One spdlog logger per module ("platform", "plan", "engine", "optimizer", "sweep"), quiet by
// default: `dnnsim --log-level debug` shows on stderr what a user debugging a platform or a
// plan wants to see (sizes built, each layer's kind, grid and layout, the search's choices),
// `trace` more. Lines read "[debug] [platform] ...".

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace dnnsim {

/// The logger of `module`, created on first use at the level set by spdlog::set_level.
[[nodiscard]] std::shared_ptr<spdlog::logger> logger(const std::string& module);

}  // namespace dnnsim
