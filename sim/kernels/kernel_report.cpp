#include "sim/kernels/kernel_report.hpp"

#include <algorithm>

#include <ostream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/report/result_writers.hpp"

namespace dnnsim::kernels {
namespace {

constexpr std::array<const char*, kAccounts> kAccountNames{
    "forward_bytes", "backward_bytes",     "gradient_bytes",
    "halo_bytes",    "redistribute_bytes", "unmodelled_bytes"};

std::string bytes_cell(double bytes) {
  return bytes == 0.0 ? "-" : human_bytes(bytes);
}

}  // namespace

nlohmann::ordered_json to_json(const KernelReport& r, const Network& network) {
  nlohmann::ordered_json j;
  j["engine"] = "kernels";
  j["workload"] = r.workload;
  j["batch"] = r.batch;
  j["procs"] = r.procs;
  j["grid"] = {{"pr", r.grid.pr}, {"pc", r.grid.pc}, {"pp", 1}};
  j["strategy"] = std::string(to_string(r.strategy));
  j["sequence_parallel"] = r.sequence_parallel;
  j["iterations"] = r.iterations;
  j["iteration_s"] = r.iteration_s;
  j["compute_s"] = r.compute_s;
  j["comm_s"] = r.comm_s;
  j["max_rel_error"] = r.max_rel_error;
  double total = 0.0;
  for (const LayerReport& l : r.layers) total += l.comm_bytes();
  j["comm_bytes"] = total;
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerReport& l = r.layers[i];
    nlohmann::ordered_json layer;
    layer["name"] = network.layers[i].name;
    layer["type"] = std::string(to_string(network.layers[i].type));
    layer["strategy"] = std::string(to_string(l.kind));
    layer["compute_s"] = l.compute_s;
    layer["comm_s"] = l.comm_s;
    layer["comm_bytes"] = l.comm_bytes();
    for (std::size_t a = 0; a < kAccounts; ++a) layer[kAccountNames[a]] = l.bytes[a];
    layer["busiest_rank_bytes"] = l.busiest_rank_bytes;
    layer["max_rel_error"] = l.max_rel_error;
    layers.push_back(std::move(layer));
  }
  return j;
}

void write_table(std::ostream& out, const KernelReport& r, const Network& network) {
  fmt::print(out,
             "{} on MPI + OpenBLAS: P = {} as a {} grid ({}{}), batch {}, median of {} "
             "iterations\n\n",
             r.workload, r.procs, r.grid.to_string(), to_string(r.strategy),
             r.sequence_parallel ? ", sequence parallel" : "", r.batch, r.iterations);
  std::size_t name_width = 14;
  std::size_t type_width = 8;
  for (const Layer& layer : network.layers) {
    name_width = std::max(name_width, layer.name.size());
    type_width = std::max(type_width, to_string(layer.type).size());
  }
  fmt::print(out, "{:<{}} {:<{}} {:<11} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9}\n",
             "layer", name_width, "type", type_width, "kind", "compute", "comm", "forward",
             "backward", "gradient", "halo", "redistrib", "rel.err");
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerReport& l = r.layers[i];
    const auto b = [&l](Account a) { return bytes_cell(l.bytes[static_cast<std::size_t>(a)]); };
    fmt::print(out,
               "{:<{}} {:<{}} {:<11} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9.2e}\n",
               network.layers[i].name, name_width, to_string(network.layers[i].type), type_width,
               to_string(l.kind), human_seconds(l.compute_s), human_seconds(l.comm_s),
               b(Account::forward), b(Account::backward), b(Account::gradient), b(Account::halo),
               b(Account::redistribute), l.max_rel_error);
  }
  fmt::print(out, "\niteration {}  =  compute {}  +  communication {}\n",
             human_seconds(r.iteration_s), human_seconds(r.compute_s), human_seconds(r.comm_s));
  fmt::print(out, "max relative error against one process: {:.3e}\n", r.max_rel_error);
}

}  // namespace dnnsim::kernels
