#include "sim/workload/network_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>

#include <array>
#include <unordered_map>

#include "sim/common/bounds.hpp"
#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"
#include "sim/workload/layer_loader.hpp"
#include "sim/workload/shape_inference.hpp"
#include "sim/workload/transformer_form.hpp"

namespace dnnsim {
namespace {

std::string describe_product(const Shape& shape) {
  return fmt::format("{}", fmt::join(shape.dims, " x "));
}

Shape parse_input(const YamlMap& top, bool& tokens) {
  const YamlMap input(top.node("input"), top.file(), "input");
  input.require_known_keys({"features", "channels", "height", "width", "tokens"});
  Shape shape;
  tokens = input.has("tokens");
  if (tokens) {
    // {tokens: T}: a sequence of token ids; {tokens: T, features: F}: T vectors of F
    // features (hidden states, as a transformer block reads them).
    for (const std::string_view key : {"channels", "height", "width"}) {
      if (input.has(key)) {
        input.fail(key,
                   "an input of {tokens: T} is a sequence: it has no channels, height or "
                   "width (give {tokens: T, features: F} for T vectors of F features)");
      }
    }
    shape = input.has("features")
                ? Shape{{input.positive_int("tokens"), input.positive_int("features")}}
                : Shape{{input.positive_int("tokens")}};
  } else if (input.has("features")) {
    for (const std::string_view key : {"channels", "height", "width"}) {
      if (input.has(key)) {
        input.fail(key,
                   "an input is either {features: N} (vectors) or {channels: C, height: H, "
                   "width: W} (images), not both");
      }
    }
    shape = Shape{{input.positive_int("features")}};
  } else {
    shape = Shape{{input.positive_int("channels"), input.positive_int("height"),
                   input.positive_int("width")}};
  }
  if (!checked_elements(shape)) {
    input.fail("", fmt::format("{} elements per sample is too many; dnnsim counts up to 2^53 = {}",
                               describe_product(shape), kMaxCount));
  }
  return shape;
}

[[noreturn]] void fail_layer(const Network& net, const Layer& layer, std::string_view key,
                             const std::string& message) {
  throw InputError(net.file, layer.line > 0 ? std::optional<int>(layer.line) : std::nullopt,
                   fmt::format("layer '{}'{}{}", layer.name, key.empty() ? "" : ".", key), message);
}

}  // namespace

void link_network(Network& net) {
  const std::size_t n = net.layers.size();
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [it, inserted] = index.emplace(net.layers[i].name, i);
    if (!inserted) {
      fail_layer(net, net.layers[i], "name",
                 fmt::format("duplicate layer name; line {} already uses it",
                             net.layers[it->second].line));
    }
    names.push_back(net.layers[i].name);
  }
  names.push_back(kInputName);

  net.graph = LayerGraph(n);
  for (std::size_t i = 0; i < n; ++i) {
    Layer& layer = net.layers[i];
    layer.inputs.clear();
    if (layer.type == LayerType::parameter) continue;  // a learned tensor reads nothing
    if (layer.input_names.empty()) {
      if (i > 0) {
        layer.inputs.push_back(i - 1);
        boost::add_edge(i - 1, i, net.graph);
      }
      continue;
    }
    for (const auto& name : layer.input_names) {
      if (name == kInputName) {
        if (layer.input_names.size() > 1) {
          fail_layer(net, layer, "inputs", "the network input cannot be joined with layers");
        }
        continue;
      }
      const auto it = index.find(name);
      if (it == index.end()) {
        fail_layer(net, layer, "inputs",
                   fmt::format("no layer is called '{}'{}", name, did_you_mean(name, names)));
      }
      layer.inputs.push_back(it->second);
      boost::add_edge(it->second, i, net.graph);
    }
  }

  net.topo_order.clear();
  try {
    boost::topological_sort(net.graph, std::back_inserter(net.topo_order));
  } catch (const boost::not_a_dag&) {
    std::vector<std::size_t> component(n);
    const auto count = boost::strong_components(
        net.graph, boost::make_iterator_property_map(component.begin(),
                                                     boost::get(boost::vertex_index, net.graph)));
    std::vector<std::size_t> size(count, 0);
    for (const auto c : component) ++size[c];
    for (std::size_t i = 0; i < n; ++i) {
      bool self_loop = false;
      for (const auto input : net.layers[i].inputs) self_loop = self_loop || input == i;
      if (size[component[i]] > 1 || self_loop) {
        fail_layer(net, net.layers[i], "inputs",
                   "the layer graph has a cycle through this layer; inputs must form a DAG");
      }
    }
    throw;  // unreachable: not_a_dag implies a cycle
  }
  std::reverse(net.topo_order.begin(), net.topo_order.end());

  net.params_upstream.assign(n, false);
  std::vector<Shape> shapes;
  for (const std::size_t i : net.topo_order) {
    Layer& layer = net.layers[i];
    shapes.clear();
    bool upstream = false;
    for (const auto input : layer.inputs) {
      shapes.push_back(net.layers[input].out_shape);
      upstream = upstream || net.params_upstream[input] || net.layers[input].params > 0;
    }
    if (layer.inputs.empty() && layer.type != LayerType::parameter) shapes.push_back(net.input);
    net.params_upstream[i] = upstream;
    // Token ids exist only as the network's input {tokens: T}.
    if (layer.type == LayerType::embedding &&
        (!layer.inputs.empty() || !net.tokens || net.input.rank() != 1)) {
      fail_layer(net, layer, "",
                 "an embedding reads token ids: the network's input, given as {tokens: T}");
    }
    infer_layer(layer, shapes, net.file);
  }
  // A linear layer tied to an embedding takes its table (vocab x features) as its weight
  // (features -> vocab): logits tied to the token embedding.
  for (Layer& layer : net.layers) {
    if (!layer.is_tied()) continue;
    const std::size_t t = net.find(layer.tied_to);
    if (t == n || net.layers[t].type != LayerType::embedding) {
      std::vector<std::string_view> tables;
      for (const Layer& l : net.layers) {
        if (l.type == LayerType::embedding) tables.push_back(l.name);
      }
      fail_layer(net, layer, "tied_to",
                 fmt::format("no embedding is called '{}'{}", layer.tied_to,
                             did_you_mean(layer.tied_to, tables)));
    }
    const Layer& table = net.layers[t];
    const Count in_features = layer.in_shape.dims.back();
    if (table.vocab != layer.out_features || table.out_features != in_features) {
      fail_layer(net, layer, "tied_to",
                 fmt::format("a linear layer of {} -> {} features cannot use the {} x {} table "
                             "of '{}' (vocab x features) as its weight",
                             in_features, layer.out_features, table.vocab, table.out_features,
                             table.name));
    }
    layer.tied = t;
  }
  Count total = 0;
  for (const Layer& layer : net.layers) {
    total += layer.params;  // each at most kMaxCount: no overflow before the check
    if (total > kMaxCount) {
      fail_layer(
          net, layer, "",
          fmt::format("the network's parameters add up to more than 2^53 = {} here", kMaxCount));
    }
  }
}

Network parse_network(const YAML::Node& root, const std::string& file) {
  const YamlMap top(root, file, "");
  top.require_known_keys({"name", "dtype", "batch", "input", "layers", "transformer", "optimizer"});
  Network net;
  net.file = file;
  net.name = top.string("name");
  if (top.has("dtype")) {
    const std::string dtype = top.string("dtype");
    if (dtype == "fp32") {
      net.dtype = DType::fp32;
    } else if (dtype == "fp16") {
      net.dtype = DType::fp16;
    } else if (dtype == "bf16") {
      net.dtype = DType::bf16;
    } else {
      constexpr std::array<std::string_view, 3> kDtypes{"fp32", "fp16", "bf16"};
      top.fail("dtype", unknown_name("dtype", dtype, kDtypes));
    }
  }
  if (top.has("optimizer")) {
    const std::string name = top.string("optimizer");
    const auto optimizer = optimizer_from_string(name);
    if (!optimizer) top.fail("optimizer", unknown_name("optimizer", name, kOptimizerNames));
    net.optimizer = *optimizer;
  }
  net.batch = top.positive_int("batch");
  if (top.has("transformer")) {
    // The form sets the input and the layers: a sample is one sequence of `seq` tokens.
    for (const std::string_view key : {"layers", "input"}) {
      if (top.has(key)) {
        top.fail(key, "a workload gives either `transformer:` or `input:` and `layers:`");
      }
    }
    const TransformerForm form =
        parse_transformer_form(YamlMap(top.node("transformer"), file, "transformer"));
    net.tokens = true;
    net.input = Shape{{form.seq}};
    net.layers = expand_transformer(form, line_of(top.node("transformer")).value_or(0));
  } else {
    net.input = parse_input(top, net.tokens);
    const YAML::Node layers = top.node("layers");
    if (!layers.IsSequence() || layers.size() == 0) {
      top.fail("layers", "expected a non-empty list of layers");
    }
    for (std::size_t i = 0; i < layers.size(); ++i) {
      net.layers.push_back(parse_layer(layers[i], file, i));
    }
  }
  link_network(net);
  return net;
}

Network load_network(const std::string& path) {
  return parse_network(load_yaml_file(path, "workload"), path);
}

}  // namespace dnnsim
