// `dnnsim import SOURCE --input 3x224x224 --output FILE.yaml`: turns a PyTorch or ONNX model
// into a workload. The importer is Python (analysis/importer, run with Debian's
// /usr/bin/python3 as a child process, whose errors reach the user as they are); this side
// checks that what it wrote loads as a workload and only then moves it onto FILE.yaml, so a
// failure leaves nothing behind.

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/presets.hpp"
#include "sim/common/error.hpp"
#include "sim/workload/network_loader.hpp"

extern char** environ;

namespace dnnsim::cli {
namespace {

namespace fs = std::filesystem;

struct ImportOptions {
  std::string source;
  std::string input;
  std::optional<std::int64_t> batch;
  std::string name;
  std::string output;
  bool allow_unknown = false;
};

std::string python_interpreter() {
  if (const char* env = std::getenv("DNNSIM_PYTHON"); env != nullptr && *env != '\0') return env;
  return "/usr/bin/python3";
}

/// A file next to `output` that the importer writes and that is renamed onto it on success.
std::string temporary_next_to(const fs::path& output) {
  const fs::path dir = output.parent_path().empty() ? fs::path(".") : output.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError("", std::nullopt, "--output",
                     fmt::format("the directory {} does not exist", dir.string()));
  }
  std::string pattern = (dir / fmt::format(".{}.XXXXXX", output.filename().string())).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) {
    throw InputError("", std::nullopt, "--output",
                     fmt::format("cannot write in {}: {}", dir.string(), std::strerror(errno)));
  }
  ::close(fd);
  return buffer.data();
}

/// Runs argv[0] with `argv` and PYTHONPATH set to the source tree; returns its wait status.
int run_child(const std::vector<std::string>& argv) {
  std::vector<std::string> env_text;
  const std::string tree = data_dir().string();
  const char* old_path = std::getenv("PYTHONPATH");
  env_text.push_back("PYTHONPATH=" + tree +
                     (old_path != nullptr && *old_path != '\0' ? ":" + std::string(old_path) : ""));
  env_text.emplace_back("PYTHONDONTWRITEBYTECODE=1");
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("PYTHONPATH=") && !entry.starts_with("PYTHONDONTWRITEBYTECODE=")) {
      env_text.emplace_back(entry);
    }
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  if (pid == 0) {
    ::execve(args[0], args.data(), envp.data());
    const std::string message =
        fmt::format("dnnsim: error: cannot run {}: {}\n", argv[0], std::strerror(errno));
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno)));
  }
  return status;
}

void run_import(const ImportOptions& o) {
  const fs::path output(o.output);
  const std::string temp = temporary_next_to(output);
  std::vector<std::string> argv{
      python_interpreter(), "-m", "analysis.importer", o.source, "--input", o.input,
      "--output",           temp};
  if (o.batch) {
    argv.emplace_back("--batch");
    argv.push_back(std::to_string(*o.batch));
  }
  if (!o.name.empty()) {
    argv.emplace_back("--name");
    argv.push_back(o.name);
  }
  if (o.allow_unknown) argv.emplace_back("--allow-unknown");

  std::error_code ec;
  int status = 0;
  try {
    status = run_child(argv);
  } catch (...) {
    fs::remove(temp, ec);
    throw;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fs::remove(temp, ec);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) throw ReportedError(1);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) throw ReportedError(1);
    throw std::runtime_error(
        WIFEXITED(status)
            ? fmt::format("the importer ({} -m analysis.importer) failed with exit status {}",
                          argv[0], WEXITSTATUS(status))
            : fmt::format("the importer ({} -m analysis.importer) was killed by signal {}", argv[0],
                          WTERMSIG(status)));
  }
  Network net;
  try {
    net = load_network(temp);
  } catch (const InputError& e) {
    fs::remove(temp, ec);
    throw InputError(o.output, std::nullopt, "",
                     fmt::format("the importer wrote a workload dnnsim cannot load ({}); this is "
                                 "a bug of the importer",
                                 e.detail()));
  }
  fs::rename(temp, output, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw InputError(o.output, std::nullopt, "", fmt::format("cannot write: {}", ec.message()));
  }
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
  cmd->add_option("--input", options->input, "One sample: CxHxW (e.g. 3x224x224) or features")
      ->required();
  cmd->add_option("--batch,-B", options->batch, "Default mini-batch of the workload (256)");
  cmd->add_option("--name", options->name, "Workload name (default: the model's)");
  cmd->add_option("--output,-o", options->output, "Workload YAML to write")->required();
  cmd->add_flag("--allow-unknown", options->allow_unknown,
                "Import operations dnnsim has no layer for as pass-through identity layers");
  cmd->callback([options] { run_import(*options); });
}

}  // namespace dnnsim::cli
