// `dnnsim import SOURCE --input 3x224x224 --output FILE.yaml`: turns a PyTorch or ONNX model
// into a workload. The importer is Python (analysis/importer, run with Debian's
// /usr/bin/python3 as a child process); this side gives it a temporary directory next to
// FILE.yaml, prints its one-line error (it writes it to a file there, so that an importer
// that dies without a word is told apart), checks that what it wrote loads as a workload and
// only then moves it onto FILE.yaml. A failure or an interruption removes the directory; an
// importer's output dnnsim cannot load, or whose parameters or shapes differ from what the
// importer says PyTorch has (import_check.hpp), is kept for inspection as FILE.yaml.rejected.

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/import_check.hpp"
#include "sim/cli/import_input.hpp"
#include "sim/cli/program_run.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/request/run_options.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::cli {
namespace {

namespace fs = std::filesystem;

// How long the importer has to end after dnnsim forwarded it a signal (Python stops at its
// next bytecode; a model that catches KeyboardInterrupt does not).
constexpr std::chrono::milliseconds kGrace{3000};

struct ImportOptions {
  std::string source;
  std::string input;
  std::optional<std::int64_t> batch;
  std::string name;
  std::string output;
  bool allow_unknown = false;
  bool verbose = false;
};

std::string python_interpreter() {
  if (const char* env = std::getenv("DNNSIM_PYTHON"); env != nullptr && *env != '\0') return env;
  return "/usr/bin/python3";
}

/// A directory next to `output` for the importer's files; removed with everything in it
/// unless the caller moved them out.
class WorkDirectory {
 public:
  explicit WorkDirectory(const fs::path& output) {
    const fs::path dir = output.parent_path().empty() ? fs::path(".") : output.parent_path();
    std::string pattern = (dir / fmt::format(".{}.XXXXXX", output.filename().string())).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw InputError("", std::nullopt, "--output",
                       fmt::format("cannot write in {}: {}", dir.string(), std::strerror(errno)));
    }
    path_ = pattern;
  }
  ~WorkDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  WorkDirectory(const WorkDirectory&) = delete;
  WorkDirectory& operator=(const WorkDirectory&) = delete;

  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

/// The environment of the importer: ours, with PYTHONPATH leading to the source tree.
std::vector<std::string> importer_environment() {
  std::vector<std::string> env;
  const std::string tree = data_dir().string();
  const char* old_path = std::getenv("PYTHONPATH");
  env.push_back("PYTHONPATH=" + tree +
                (old_path != nullptr && *old_path != '\0' ? ":" + std::string(old_path) : ""));
  env.emplace_back("PYTHONDONTWRITEBYTECODE=1");
  for (const std::string& entry : current_environment()) {
    if (!entry.starts_with("PYTHONPATH=") && !entry.starts_with("PYTHONDONTWRITEBYTECODE=")) {
      env.push_back(entry);
    }
  }
  return env;
}

/// The importer's one-line message, or "" when it left none.
std::string read_message(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string message = text.str();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one line, whatever was written
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

[[noreturn]] void throw_interrupted(const ImportOptions& o, int signal) {
  throw std::runtime_error(fmt::format("{}: import interrupted by {}; nothing written to {}",
                                       o.source, signal_name(signal), o.output));
}

void run_import(const ImportOptions& o) {
  require_writable_output(o.output, "--output");
  const fs::path output(o.output);
  // From here on ^C or a SIGTERM is noticed and passed to the importer, not fatal to dnnsim:
  // the work directory must be removed on the way out.
  ForwardedSignals signals;
  const WorkDirectory work(output);
  const fs::path written = work.path() / output.filename();
  const fs::path message_file = work.path() / "message";
  const fs::path expected_file = work.path() / "expected";
  std::vector<std::string> argv{python_interpreter(), "-m", "analysis.importer", o.source};
  argv.insert(argv.end(), {"--input", o.input, "--output", written.string(), "--message-file",
                           message_file.string(), "--expected-file", expected_file.string()});
  if (o.batch) {
    argv.emplace_back("--batch");
    argv.push_back(std::to_string(*o.batch));
  }
  if (!o.name.empty()) {
    argv.emplace_back("--name");
    argv.push_back(o.name);
  }
  if (o.allow_unknown) argv.emplace_back("--allow-unknown");
  if (o.verbose) argv.emplace_back("--verbose");
  if (signals.received() != 0) throw_interrupted(o, signals.received());

  const ProgramRun child = run_program(argv, importer_environment(), signals,
                                       {.capture_stdout = false, .grace = kGrace});
  if (child.interrupted != 0) throw_interrupted(o, child.interrupted);
  const int status = child.status;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (const std::string message = read_message(message_file); !message.empty()) {
      throw std::runtime_error(message);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) throw ReportedError(1);  // exec failed
    const std::string importer = fmt::format("the importer ({} -m analysis.importer)", argv[0]);
    throw std::runtime_error(WIFEXITED(status)
                                 ? fmt::format("{}: {} exited with status {} without a message",
                                               o.source, importer, WEXITSTATUS(status))
                                 : fmt::format("{}: {} was killed by {}", o.source, importer,
                                               signal_name(WTERMSIG(status))));
  }
  // A bug of the importer: keep what it wrote, for inspection.
  const std::string kept = o.output + ".rejected";
  const auto keep = [&] {
    std::error_code ec;
    fs::rename(written, kept, ec);
    return ec ? fmt::format("not kept ({}: {})", kept, ec.message())
              : fmt::format("kept as {}", kept);
  };
  Network net;
  try {
    net = load_network(written.string());
  } catch (const InputError& e) {
    const std::string fate = keep();
    const bool moved = fate.starts_with("kept");
    throw std::runtime_error(fmt::format(
        "the importer wrote a workload dnnsim cannot load (a bug of the importer), {}: {}", fate,
        InputError(moved ? kept : o.output, e.line(), e.key(), e.detail()).what()));
  }
  if (const auto difference = disagreement_with_pytorch(net, expected_file)) {
    throw std::runtime_error(
        fmt::format("the importer wrote a workload that disagrees with PyTorch (a bug of the "
                    "importer), {}: {}",
                    keep(), *difference));
  }
  if (signals.received() != 0) throw_interrupted(o, signals.received());
  std::error_code ec;
  fs::rename(written, output, ec);
  if (ec)
    throw InputError(o.output, std::nullopt, "", fmt::format("cannot write: {}", ec.message()));
  fmt::print("{}: {} layers, {} parameters, {:.4f} GFLOP per sample forward\n", o.output,
             net.layers.size(), net.total_params(), net.total_flops_per_sample() / 1e9);
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import a PyTorch (torchvision:NAME, FILE.py:FUNCTION) or ONNX model as a workload");
  cmd->add_option("source", options->source,
                  "torchvision:NAME, FILE.py:FUNCTION (returns an nn.Module) or FILE.onnx")
      ->required();
  cmd->add_option_function<std::string>(
         "--input",
         [options](const std::string& text) { options->input = checked_import_input(text); },
         "One sample: CxHxW (e.g. 3x224x224), TxF (T vectors of F features, 1024x768), F "
         "features, or tokens:T (T token ids, tokens:1024)")
      ->required();
  add_integer_option(*cmd, "--batch,-B", options->batch,
                     "Default mini-batch of the workload (256)");
  cmd->add_option("--name", options->name, "Workload name (default: the model's)");
  cmd->add_option("--output,-o", options->output, "Workload YAML to write")->required();
  cmd->add_flag("--allow-unknown", options->allow_unknown,
                "Import operations dnnsim has no layer for as pass-through identity layers");
  cmd->add_flag("--verbose", options->verbose,
                "On an error in the model's code, print Python's traceback before the message");
  cmd->callback([options] { run_import(*options); });
}

}  // namespace dnnsim::cli
