#include "sim/report/result_json.hpp"

namespace dnnsim {

nlohmann::json result_to_json(const Result& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerResult& l : r.layers) {
    layers.push_back({static_cast<int>(l.kind), l.compute_s, l.forward_s, l.backward_s,
                      l.gradient_s, l.halo_s, l.redistribute_s, l.comm_bytes});
  }
  nlohmann::json j = {{"engine", r.engine},
                      {"workload", r.workload},
                      {"platform", r.platform},
                      {"batch", r.batch},
                      {"procs", r.procs},
                      {"pr", r.grid.pr},
                      {"pc", r.grid.pc},
                      {"strategy", static_cast<int>(r.strategy)},
                      {"iteration_s", r.iteration_s},
                      {"compute_s", r.compute_s},
                      {"comm_s", r.comm_s},
                      {"memory_bytes_per_proc", r.memory_bytes_per_proc},
                      {"memory_limit_bytes", r.memory_limit_bytes},
                      {"layers", layers}};
  if (r.spread) {
    j["spread"] = {r.spread->first_rank_s, r.spread->last_rank_s, r.spread->first_rank,
                   r.spread->last_rank};
  }
  return j;
}

Result result_from_json(const nlohmann::json& j) {
  Result r;
  r.engine = j.at("engine");
  r.workload = j.at("workload");
  r.platform = j.at("platform");
  r.batch = j.at("batch");
  r.procs = j.at("procs");
  r.grid = {j.at("pr"), j.at("pc")};
  r.strategy = static_cast<Strategy>(j.at("strategy").get<int>());
  r.iteration_s = j.at("iteration_s");
  r.compute_s = j.at("compute_s");
  r.comm_s = j.at("comm_s");
  r.memory_bytes_per_proc = j.at("memory_bytes_per_proc");
  r.memory_limit_bytes = j.at("memory_limit_bytes");
  for (const auto& l : j.at("layers")) {
    r.layers.push_back(
        {static_cast<Kind>(l[0].get<int>()), l[1], l[2], l[3], l[4], l[5], l[6], l[7]});
  }
  if (j.contains("spread")) {
    const auto& s = j["spread"];
    r.spread = RankSpread{s[0], s[1], s[2], s[3]};
  }
  return r;
}

}  // namespace dnnsim
