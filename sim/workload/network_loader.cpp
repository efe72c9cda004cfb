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
#include "sim/workload/shape_inference.hpp"

namespace dnnsim {
namespace {

constexpr std::string_view kInputName = "input";

std::string describe_product(const Shape& shape) {
  return fmt::format("{}", fmt::join(shape.dims, " x "));
}

Shape parse_input(const YamlMap& top) {
  const YamlMap input(top.node("input"), top.file(), "input");
  input.require_known_keys({"features", "channels", "height", "width"});
  Shape shape;
  if (input.has("features")) {
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

std::vector<std::string> parse_inputs(const YamlMap& entry) {
  const YAML::Node node = entry.node("inputs");
  std::vector<std::string> names;
  if (node.IsScalar()) {
    names.push_back(node.Scalar());
  } else if (node.IsSequence() && node.size() > 0) {
    for (const auto& item : node) {
      if (!item.IsScalar()) entry.fail("inputs", "expected a list of layer names");
      names.push_back(item.Scalar());
    }
  } else {
    entry.fail("inputs", "expected a layer name or a list of layer names");
  }
  return names;
}

Layer parse_layer(const YAML::Node& node, const std::string& file, std::size_t index) {
  const YamlMap probe(node, file, fmt::format("layers[{}]", index));
  // A typo in `name` or `type` is named as such rather than as a missing key.
  const bool named = probe.has("name") && node["name"].IsScalar() && !node["name"].Scalar().empty();
  if (!named || !probe.has("type")) {
    const YamlMap entry(node, file,
                        named ? fmt::format("layer '{}'", node["name"].Scalar()) : probe.context());
    entry.require_known_keys({"name", "type", "inputs", "out_channels", "out_features", "kernel",
                              "stride", "padding", "groups", "bias", "output_size", "p"});
  }
  Layer layer;
  layer.name = probe.string("name");
  layer.line = line_of(node).value_or(0);
  const YamlMap entry(node, file, fmt::format("layer '{}'", layer.name));
  if (layer.name == kInputName) {
    entry.fail("name", "'input' names the network's input; choose another layer name");
  }
  const std::string type_name = entry.string("type");
  const auto type = layer_type_from_string(type_name);
  if (!type) entry.fail("type", unknown_name("layer type", type_name, layer_type_names()));
  layer.type = *type;
  if (entry.has("inputs")) layer.input_names = parse_inputs(entry);

  switch (layer.type) {
    case LayerType::conv2d:
      entry.require_known_keys({"name", "type", "inputs", "out_channels", "kernel", "stride",
                                "padding", "groups", "bias"});
      layer.out_channels = entry.positive_int("out_channels");
      {
        const auto [kh, kw] = entry.int_pair("kernel", 1);
        layer.kernel = {kh, kw};
      }
      if (entry.has("stride")) {
        const auto [sh, sw] = entry.int_pair("stride", 1);
        layer.stride = {sh, sw};
      }
      if (entry.has("padding")) {
        const auto [ph, pw] = entry.int_pair("padding", 0);
        layer.padding = {ph, pw};
      }
      if (entry.has("groups")) layer.groups = entry.positive_int("groups");
      if (entry.has("bias")) layer.bias = entry.boolean("bias");
      break;
    case LayerType::linear:
      entry.require_known_keys({"name", "type", "inputs", "out_features", "bias"});
      layer.out_features = entry.positive_int("out_features");
      if (entry.has("bias")) layer.bias = entry.boolean("bias");
      break;
    case LayerType::maxpool:
    case LayerType::avgpool: {
      entry.require_known_keys(
          {"name", "type", "inputs", "kernel", "stride", "padding", "ceil_mode"});
      if (entry.has("ceil_mode")) layer.ceil_mode = entry.boolean("ceil_mode");
      const auto [kh, kw] = entry.int_pair("kernel", 1);
      layer.kernel = {kh, kw};
      layer.stride = layer.kernel;  // PyTorch: stride defaults to the kernel size
      if (entry.has("stride")) {
        const auto [sh, sw] = entry.int_pair("stride", 1);
        layer.stride = {sh, sw};
      }
      if (entry.has("padding")) {
        const auto [ph, pw] = entry.int_pair("padding", 0);
        layer.padding = {ph, pw};
      }
      break;
    }
    case LayerType::adaptive_avgpool: {
      entry.require_known_keys({"name", "type", "inputs", "output_size"});
      const auto [oh, ow] = entry.int_pair("output_size", 1);
      layer.output_size = {oh, ow};
      break;
    }
    case LayerType::dropout:
      entry.require_known_keys({"name", "type", "inputs", "p"});
      if (entry.has("p")) (void)entry.number_in("p", 0.0, 1.0);
      break;
    case LayerType::layernorm:
      entry.require_known_keys({"name", "type", "inputs", "normalized_shape"});
      if (entry.has("normalized_shape")) {
        layer.shape = entry.positive_int_list("normalized_shape");
      }
      break;
    case LayerType::mean:
      entry.require_known_keys({"name", "type", "inputs", "dims", "keepdim"});
      layer.axes = entry.non_negative_int_list("dims");
      if (entry.has("keepdim")) layer.keepdim = entry.boolean("keepdim");
      break;
    case LayerType::parameter:
      if (entry.has("inputs")) {
        entry.fail("inputs", "a parameter layer is a learned tensor: it reads no input");
      }
      entry.require_known_keys({"name", "type", "shape"});
      layer.shape = entry.positive_int_list("shape");
      break;
    case LayerType::reshape:
      entry.require_known_keys({"name", "type", "inputs", "shape"});
      layer.shape = entry.positive_int_list("shape");
      break;
    case LayerType::transpose:
      entry.require_known_keys({"name", "type", "inputs", "perm"});
      layer.axes = entry.non_negative_int_list("perm");
      break;
    case LayerType::slice:
      entry.require_known_keys({"name", "type", "inputs", "dim", "start", "end", "squeeze"});
      layer.slice_dim = entry.non_negative_int("dim");
      layer.slice_start = entry.has("start") ? entry.non_negative_int("start") : 0;
      layer.slice_end = entry.positive_int("end");
      if (entry.has("squeeze")) layer.squeeze = entry.boolean("squeeze");
      break;
    default:
      entry.require_known_keys({"name", "type", "inputs"});
      break;
  }
  return layer;
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
    infer_layer(layer, shapes, net.file);
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
  top.require_known_keys({"name", "dtype", "batch", "input", "layers"});
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
  net.batch = top.positive_int("batch");
  net.input = parse_input(top);
  const YAML::Node layers = top.node("layers");
  if (!layers.IsSequence() || layers.size() == 0) {
    top.fail("layers", "expected a non-empty list of layers");
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    net.layers.push_back(parse_layer(layers[i], file, i));
  }
  link_network(net);
  return net;
}

Network load_network(const std::string& path) {
  return parse_network(load_yaml_file(path, "workload"), path);
}

}  // namespace dnnsim
