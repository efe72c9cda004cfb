// Bad input at the level of the parsers: exact messages, and the bounds that keep the
// arithmetic on accepted input from overflowing.
#include <doctest/doctest.h>

#include <array>
#include <string>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/strategy/process_grid.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/workload/network_loader.hpp"
#include "sim/workload/shape_inference.hpp"

using namespace dnnsim;

namespace {

// The message of the InputError that `run` throws, or "no error".
template <class Run>
std::string error_of(Run&& run) {
  try {
    run();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string yaml_error(const std::string& text) {
  return error_of([&] { (void)parse_yaml_text(text, "t.yaml", "workload"); });
}

std::string resolve(const std::string& name, std::string_view) {
  if (name != "mlp" && name != "crossbar") throw InputError(name, std::nullopt, "", "not found");
  return name;
}

std::string sweep_error(const std::string& text) {
  return error_of([&] { (void)expand(parse_sweep_spec(YAML::Load(text), "s.yaml", resolve)); });
}

}  // namespace

TEST_CASE("a repeated key is an error at its second line, in any mapping") {
  CHECK(yaml_error("name: a\nbatch: 1\nname: b\n") ==
        "t.yaml:3: 'name': duplicate key; line 1 already sets it");
  CHECK(yaml_error("a:\n  - {x: 1}\n  - {x: 1, y: 2, x: 3}\n") ==
        "t.yaml:3: 'a[1].x': duplicate key; line 3 already sets it");
  // Aliases share their node: walked once, and not mistaken for repeated keys.
  CHECK(yaml_error("a: &n {x: 1}\nb: *n\nc: *n\n") == "no error");
}

TEST_CASE("text that is not YAML is named as such") {
  CHECK(yaml_error(std::string("a: 1\n\0", 6)) ==
        "t.yaml: is a binary file, expected a YAML workload description");
  CHECK(yaml_error("a: 1\nb: caf\xe9\n") ==
        "t.yaml:2: byte 0xE9 is not UTF-8 text; expected a YAML workload description (is "
        "this a binary file?)");
  CHECK(yaml_error("a: caf\xc3\xa9\n") == "no error");  // UTF-8 is fine
  CHECK(yaml_error("# nothing\n") == "t.yaml: the workload file is empty");
  CHECK(yaml_error("[1, 2]\n") ==
        "t.yaml:1: expected a YAML mapping describing a workload, got [1, 2]");
}

TEST_CASE("unknown names list the choices and suggest the closest") {
  constexpr std::array<std::string_view, 3> kNames{"column", "row", "ring"};
  CHECK(unknown_name("placement", "colum", kNames) ==
        "unknown placement 'colum' (did you mean 'column'?); expected one of: column, row, ring");
  CHECK(unknown_name("placement", "diagonal", kNames) ==
        "unknown placement 'diagonal'; expected one of: column, row, ring");
}

TEST_CASE("integers beyond 2^40 and counts beyond 2^53 are errors, not overflows") {
  const std::string head = "name: x\nbatch: 2\n";
  CHECK(error_of([&] {
          (void)parse_network(YAML::Load(head + "input: {features: 2199023255552}\nlayers: "
                                                "[{name: r, type: relu}]\n"),
                              "n.yaml");
        }) ==
        "n.yaml:3: 'input.features': '2199023255552' is too large; dnnsim takes integers "
        "up to 2^40 = 1099511627776");
  CHECK(error_of([&] {
          (void)parse_network(YAML::Load(head + "input: {features: 1099511627776}\nlayers: "
                                                "[{name: fc, type: linear, out_features: 8193}]\n"),
                              "n.yaml");
        }) ==
        "n.yaml:4: 'layer 'fc'': the number of parameters is too large; dnnsim counts up "
        "to 2^53 = 9007199254740992");
  CHECK(checked_elements(Shape{{kMaxInteger, 8192}}) == kMaxCount);
  CHECK_FALSE(checked_elements(Shape{{kMaxInteger, 8193}}));
  CHECK_FALSE(checked_elements(Shape{{kMaxInteger, kMaxInteger, kMaxInteger}}));
  CHECK(parse_grid("1048576x1048576") == ProcessGrid{1 << 20, 1 << 20});
  CHECK_FALSE(parse_grid("1048576x1048577"));
  CHECK_FALSE(parse_grid("1099511627776x1099511627776"));
}

TEST_CASE("sweep specs: grids matching no P, unknown names and too many rows") {
  const std::string head = "workloads: mlp\nplatforms: crossbar\nprocs: [4, 8]\n";
  CHECK(sweep_error(head + "grids: [2x2, 3x3]\nstrategies: integrated\n") ==
        "s.yaml:4: 'grids': grid 3x3 has 9 processes, which is none of procs");
  CHECK(sweep_error(head + "strategies: batch\nplacement: rwo\n") ==
        "s.yaml:5: 'placement': unknown placement 'rwo'; expected one of: column, row");
  CHECK(sweep_error(head + "strategies: [batch, optimised]\n") ==
        "s.yaml:4: 'strategies': unknown strategy 'optimised' (did you mean 'optimized'?); "
        "expected one of: batch, model, integrated, domain, hybrid, tensor, optimized");
  std::string scales;
  for (int i = 1; i <= 1000; ++i) scales += (i > 1 ? ", " : "") + std::to_string(i);
  CHECK(sweep_error(head + "strategies: [batch, model]\noverrides: {bandwidth_scale: [" + scales +
                    "], latency_scale: [" + scales + "]}\n") ==
        "s.yaml: the sweep has more than 1000000 configurations; split it into several sweeps");
}
