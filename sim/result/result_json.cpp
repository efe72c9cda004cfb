#include "sim/result/result_json.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace dnnsim {
namespace {

template <typename T>
T field(const nlohmann::ordered_json& j, const char* key) {
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("result JSON: '{}': {}", key, e.what()));
  }
}

}  // namespace

nlohmann::ordered_json to_json(const Result& r, const Network& network) {
  nlohmann::ordered_json j;
  j["engine"] = r.engine;
  j["workload"] = r.workload;
  j["platform"] = r.platform;
  j["batch"] = r.batch;
  j["procs"] = r.procs;
  j["grid"] = {{"pr", r.grid.pr}, {"pc", r.grid.pc}, {"pp", r.pipeline ? r.pipeline->stages : 1}};
  j["strategy"] = std::string(to_string(r.strategy));
  j["sequence_parallel"] = r.sequence_parallel;
  j["iteration_s"] = r.iteration_s;
  j["compute_s"] = r.compute_s;
  j["comm_s"] = r.comm_s;
  j["model_flops"] = r.model_flops;
  j["mfu"] = r.mfu();
  j["memory_bytes_per_proc"] = static_cast<std::int64_t>(std::ceil(r.memory_bytes_per_proc));
  const auto bytes = [](double b) { return static_cast<std::int64_t>(std::ceil(b)); };
  j["memory"] = {{"weights_bytes", bytes(r.memory.weights_bytes)},
                 {"gradients_bytes", bytes(r.memory.gradients_bytes)},
                 {"optimizer_bytes", bytes(r.memory.optimizer_bytes)},
                 {"activations_bytes", bytes(r.memory.activations_bytes)},
                 {"total_bytes", bytes(r.memory.total_bytes())}};
  // null when the platform states no memory (a SimGrid XML platform).
  j["memory_limit_bytes"] =
      r.memory_limit_bytes ? nlohmann::ordered_json(*r.memory_limit_bytes) : nullptr;
  j["exceeds_memory"] = r.exceeds_memory();
  if (r.spread) {
    j["first_rank_s"] = r.spread->first_rank_s;
    j["last_rank_s"] = r.spread->last_rank_s;
    j["first_rank"] = r.spread->first_rank;
    j["last_rank"] = r.spread->last_rank;
  }
  if (r.pipeline) {
    j["pipeline"] = {{"stages", r.pipeline->stages},
                     {"microbatches", r.pipeline->microbatches},
                     {"schedule", r.pipeline->schedule},
                     {"bubble_s", r.pipeline->bubble_s}};
  }
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    layers.push_back({{"name", network.layers[i].name},
                      {"type", std::string(to_string(network.layers[i].type))},
                      {"strategy", std::string(to_string(l.kind))},
                      {"grid", {{"pr", l.grid.pr}, {"pc", l.grid.pc}}},
                      {"compute_s", l.compute_s},
                      {"comm_s", l.comm_s()},
                      {"forward_s", l.forward_s},
                      {"backward_s", l.backward_s},
                      {"gradient_s", l.gradient_s},
                      {"halo_s", l.halo_s},
                      {"redistribute_s", l.redistribute_s},
                      {"comm_bytes", l.comm_bytes}});
  }
  return j;
}

Result result_from_json(const nlohmann::ordered_json& j) {
  Result r;
  r.engine = field<std::string>(j, "engine");
  r.workload = field<std::string>(j, "workload");
  r.platform = field<std::string>(j, "platform");
  r.batch = field<std::int64_t>(j, "batch");
  r.procs = field<std::int64_t>(j, "procs");
  const auto& grid = j.at("grid");
  r.grid = {field<std::int64_t>(grid, "pr"), field<std::int64_t>(grid, "pc")};
  const auto strategy = field<std::string>(j, "strategy");
  if (const auto s = strategy_from_string(strategy)) {
    r.strategy = *s;
  } else if (strategy == to_string(Strategy::plan)) {
    r.strategy = Strategy::plan;
  } else {
    throw std::runtime_error(fmt::format("result JSON: unknown strategy '{}'", strategy));
  }
  r.sequence_parallel = field<bool>(j, "sequence_parallel");
  r.iteration_s = field<double>(j, "iteration_s");
  r.compute_s = field<double>(j, "compute_s");
  r.comm_s = field<double>(j, "comm_s");
  r.memory_bytes_per_proc = field<double>(j, "memory_bytes_per_proc");
  if (j.contains("model_flops")) {
    // mfu = model_flops / (iteration_s * procs * peak): the peak per process, back.
    r.model_flops = field<double>(j, "model_flops");
    const double mfu = field<double>(j, "mfu");
    const double denominator = mfu * r.iteration_s * static_cast<double>(r.procs);
    r.peak_flops_per_proc = denominator > 0.0 ? r.model_flops / denominator : 0.0;
  }
  const auto& memory = j.at("memory");
  r.memory = {field<double>(memory, "weights_bytes"), field<double>(memory, "gradients_bytes"),
              field<double>(memory, "optimizer_bytes"), field<double>(memory, "activations_bytes")};
  if (!j.at("memory_limit_bytes").is_null()) {
    r.memory_limit_bytes = field<double>(j, "memory_limit_bytes");
  }
  if (j.contains("pipeline")) {
    const auto& p = j.at("pipeline");
    r.pipeline =
        PipelineResult{field<std::int64_t>(p, "stages"), field<std::int64_t>(p, "microbatches"),
                       field<std::string>(p, "schedule"), field<double>(p, "bubble_s")};
  }
  if (j.contains("last_rank_s")) {
    r.spread =
        RankSpread{field<double>(j, "first_rank_s"), field<double>(j, "last_rank_s"),
                   field<std::int64_t>(j, "first_rank"), field<std::int64_t>(j, "last_rank")};
  }
  for (const auto& l : j.at("layers")) {
    LayerResult lr;
    const auto kind = kind_from_string(field<std::string>(l, "strategy"));
    if (!kind) throw std::runtime_error("result JSON: unknown layer strategy");
    lr.kind = *kind;
    const auto& layer_grid = l.at("grid");
    lr.grid = {field<std::int64_t>(layer_grid, "pr"), field<std::int64_t>(layer_grid, "pc")};
    lr.compute_s = field<double>(l, "compute_s");
    lr.forward_s = field<double>(l, "forward_s");
    lr.backward_s = field<double>(l, "backward_s");
    lr.gradient_s = field<double>(l, "gradient_s");
    lr.halo_s = field<double>(l, "halo_s");
    lr.redistribute_s = field<double>(l, "redistribute_s");
    lr.comm_bytes = field<double>(l, "comm_bytes");
    r.layers.push_back(lr);
  }
  return r;
}

}  // namespace dnnsim
