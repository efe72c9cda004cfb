// `dnnsim info WORKLOAD`: per-layer shapes, parameters and forward FLOPs.

#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.hpp"
#include "sim/common/error.hpp"
#include "sim/common/text_file.hpp"
#include "sim/report/result_writers.hpp"
#include "sim/request/integer_option.hpp"
#include "sim/request/presets.hpp"
#include "sim/request/run_options.hpp"
#include "sim/workload/network_loader.hpp"

namespace dnnsim::cli {
namespace {

struct InfoOptions {
  std::string workload;
  std::optional<std::int64_t> batch;
  std::string format = "table";
  std::string output;
};

std::string shape_text(const Shape& shape) {
  return fmt::format("{}", fmt::join(shape.dims, "x"));
}

/// What a layer's type leaves open and the workload set: heads, vocabulary, tying, dropout.
std::string details(const Layer& l) {
  std::vector<std::string> parts;
  switch (l.type) {
    case LayerType::attention:
      parts.push_back(l.kv_heads == l.heads ? fmt::format("heads {}", l.heads)
                                            : fmt::format("heads {} (kv {})", l.heads, l.kv_heads));
      if (l.causal) parts.emplace_back("causal");
      if (l.flash) parts.emplace_back("flash");
      if (l.dropout > 0.0) parts.push_back(fmt::format("dropout {:g}", l.dropout));
      break;
    case LayerType::embedding:
      parts.push_back(fmt::format("vocab {}", l.vocab));
      break;
    case LayerType::dropout:
      parts.push_back(fmt::format("p {:g}", l.dropout));
      break;
    case LayerType::linear:
      if (l.is_tied()) parts.push_back(fmt::format("weight of {}", l.tied_to));
      break;
    default:
      break;
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string render(const Network& net, std::int64_t batch, Format format) {
  std::ostringstream out;
  switch (format) {
    case Format::json: {
      nlohmann::ordered_json j;
      j["name"] = net.name;
      j["dtype"] = std::string(to_string(net.dtype));
      j["optimizer"] = std::string(to_string(net.optimizer));
      j["batch"] = batch;
      j["input"] = net.input.dims;
      j["params"] = net.total_params();
      j["flops_per_sample"] = net.total_flops_per_sample();
      j["flops_per_batch"] = net.total_flops_per_sample() * static_cast<double>(batch);
      auto& layers = j["layers"] = nlohmann::ordered_json::array();
      for (const Layer& l : net.layers) {
        std::vector<std::string> inputs;
        for (const auto k : l.inputs) inputs.push_back(net.layers[k].name);
        if (l.inputs.empty() && l.type != LayerType::parameter) inputs.push_back("input");
        nlohmann::ordered_json layer = {
            {"name", l.name},     {"type", std::string(to_string(l.type))},
            {"inputs", inputs},   {"output", l.out_shape.dims},
            {"params", l.params}, {"flops_per_sample", l.flops_per_sample}};
        if (l.type == LayerType::attention) {
          layer["heads"] = l.heads;
          layer["kv_heads"] = l.kv_heads;
          layer["causal"] = l.causal;
          layer["flash"] = l.flash;
        }
        if (l.type == LayerType::attention || l.type == LayerType::dropout) {
          layer["dropout"] = l.dropout;
        }
        if (l.type == LayerType::embedding) layer["vocab"] = l.vocab;
        if (l.is_tied()) layer["tied_to"] = l.tied_to;
        layers.push_back(std::move(layer));
      }
      out << j.dump(2) << '\n';
      break;
    }
    case Format::csv:
      out << "name,type,output,params,flops_per_sample\n";
      for (const Layer& l : net.layers) {
        fmt::print(out, "{},{},{},{},{}\n", l.name, to_string(l.type), shape_text(l.out_shape),
                   l.params, l.flops_per_sample);
      }
      break;
    case Format::table:
      fmt::print(out, "{} ({}, {}, input {}, {} layers)\n\n", net.name, to_string(net.dtype),
                 to_string(net.optimizer), shape_text(net.input), net.layers.size());
      fmt::print(out, "{:<24} {:<18} {:>16} {:>14} {:>16}  {}\n", "layer", "type", "output",
                 "params", "GFLOP/sample", "details");
      for (const Layer& l : net.layers) {
        const std::string line =
            fmt::format("{:<24} {:<18} {:>16} {:>14L} {:>16.4f}  {}", l.name, to_string(l.type),
                        shape_text(l.out_shape), l.params, l.flops_per_sample / 1e9, details(l));
        fmt::print(out, "{}\n", line.substr(0, line.find_last_not_of(' ') + 1));
      }
      fmt::print(out,
                 "\ntotal: {} parameters, {:.4f} GFLOP per sample forward, {:.4f} TFLOP per "
                 "batch of {} (forward)\n",
                 net.total_params(), net.total_flops_per_sample() / 1e9,
                 net.total_flops_per_sample() * static_cast<double>(batch) / 1e12, batch);
      break;
  }
  return out.str();
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd =
      app.add_subcommand("info", "Per-layer shapes, parameters and FLOPs of a workload");
  cmd->add_option("workload", options->workload, "Workload YAML file or preset name")->required();
  add_integer_option(*cmd, "--batch,-B", options->batch,
                     "Mini-batch size (default: the workload's)");
  cmd->add_option("--format", options->format, "table | json | csv")->default_str("table");
  cmd->add_option("--output,-o", options->output, "Write to this file instead of stdout");
  cmd->callback([options] {
    const Format format = parse_format(options->format);
    require_writable_output(options->output, "--output");
    const Network net = load_network(resolve_preset(options->workload, "workloads"));
    const std::int64_t batch = options->batch.value_or(net.batch);
    emit(options->output, render(net, batch, format));
  });
}

}  // namespace dnnsim::cli
