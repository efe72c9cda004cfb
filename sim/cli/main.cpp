// dnnsim: a simulator of distributed DNN training (see README.md and docs/design.md).
// Errors from inside arrive here as exceptions and leave as one message and exit status.

#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "dnnsim: time distributed DNN training under model, batch, domain and integrated "
      "parallelism"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace | debug | info | warn | error")
      ->default_str("warn");
  app.set_version_flag("--version", "dnnsim 0.1.0");
  app.parse_complete_callback([&log_level] {
    const auto level = spdlog::level::from_str(log_level);
    if (level == spdlog::level::off && log_level != "off") {
      constexpr std::array<std::string_view, 6> kLevels{"trace", "debug", "info",
                                                        "warn",  "error", "off"};
      throw dnnsim::InputError("", std::nullopt, "--log-level",
                               dnnsim::unknown_name("log level", log_level, kLevels));
    }
    spdlog::set_level(level);
  });
  dnnsim::cli::add_info_command(app);
  dnnsim::cli::add_analytic_command(app);
  dnnsim::cli::add_simulate_command(app);
  dnnsim::cli::add_taskgraph_command(app);
  dnnsim::cli::add_optimize_command(app);
  dnnsim::cli::add_sweep_command(app);
  dnnsim::cli::add_calibrate_command(app);
  dnnsim::cli::add_import_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "dnnsim: error: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  } catch (const dnnsim::ReportedError& e) {
    return e.status();
  } catch (const dnnsim::InputError& e) {
    std::cerr << "dnnsim: error: " << e.what() << '\n';
    return 1;
  } catch (const dnnsim::LimitError& e) {
    std::cerr << "dnnsim: error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dnnsim: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

// Leaves without the static destructors of the libraries libsimgrid loads (ns-3 tears
// down its type registries for about 2 ms, a twentieth of a small simulation); every file
// is closed by then, and the streams are flushed here. Under the sanitizers the normal exit
// stays, so that LeakSanitizer still checks at exit.
[[noreturn]] void leave(int status) {
  std::cout.flush();
  std::cerr.flush();
  spdlog::shutdown();
  std::fflush(nullptr);
#if defined(__SANITIZE_ADDRESS__)
  std::exit(status);
#else
  std::_Exit(status);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  leave(run(argc, argv));
}
