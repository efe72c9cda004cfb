#include "sim/workload/layer_loader.hpp"

#include <fmt/format.h>

#include "sim/common/error.hpp"
#include "sim/common/suggest.hpp"
#include "sim/common/yaml_map.hpp"

namespace dnnsim {
namespace {

/// A window's `stride` and `padding`, when given (else the defaults already set).
void read_stride_and_padding(const YamlMap& entry, Layer& layer) {
  if (entry.has("stride")) {
    const auto [sh, sw] = entry.int_pair("stride", 1);
    layer.stride = {sh, sw};
  }
  if (entry.has("padding")) {
    const auto [ph, pw] = entry.int_pair("padding", 0);
    layer.padding = {ph, pw};
  }
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

}  // namespace

Layer parse_layer(const YAML::Node& node, const std::string& file, std::size_t index) {
  const YamlMap probe(node, file, fmt::format("layers[{}]", index));
  // A typo in `name` or `type` is named as such rather than as a missing key.
  const bool named = probe.has("name") && node["name"].IsScalar() && !node["name"].Scalar().empty();
  if (!named || !probe.has("type")) {
    const YamlMap entry(node, file,
                        named ? fmt::format("layer '{}'", node["name"].Scalar()) : probe.context());
    entry.require_known_keys({"name",        "type",   "inputs",  "out_channels", "out_features",
                              "kernel",      "stride", "padding", "groups",       "bias",
                              "output_size", "p",      "vocab",   "features",     "heads",
                              "kv_heads",    "causal", "dropout", "flash",        "tied_to"});
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
      read_stride_and_padding(entry, layer);
      if (entry.has("groups")) layer.groups = entry.positive_int("groups");
      if (entry.has("bias")) layer.bias = entry.boolean("bias");
      break;
    case LayerType::linear:
      entry.require_known_keys({"name", "type", "inputs", "out_features", "bias", "tied_to"});
      layer.out_features = entry.positive_int("out_features");
      if (entry.has("bias")) layer.bias = entry.boolean("bias");
      if (entry.has("tied_to")) layer.tied_to = entry.string("tied_to");
      break;
    case LayerType::embedding:
      entry.require_known_keys({"name", "type", "inputs", "vocab", "features"});
      layer.vocab = entry.positive_int("vocab");
      layer.out_features = entry.positive_int("features");
      break;
    case LayerType::attention:
      entry.require_known_keys(
          {"name", "type", "inputs", "heads", "kv_heads", "causal", "dropout", "flash"});
      layer.heads = entry.positive_int("heads");
      layer.kv_heads = entry.has("kv_heads") ? entry.positive_int("kv_heads") : layer.heads;
      if (entry.has("causal")) layer.causal = entry.boolean("causal");
      if (entry.has("dropout")) layer.dropout = entry.number_in("dropout", 0.0, 1.0);
      if (entry.has("flash")) layer.flash = entry.boolean("flash");
      break;
    case LayerType::maxpool:
    case LayerType::avgpool: {
      entry.require_known_keys(
          {"name", "type", "inputs", "kernel", "stride", "padding", "ceil_mode"});
      if (entry.has("ceil_mode")) layer.ceil_mode = entry.boolean("ceil_mode");
      const auto [kh, kw] = entry.int_pair("kernel", 1);
      layer.kernel = {kh, kw};
      layer.stride = layer.kernel;  // PyTorch: stride defaults to the kernel size
      read_stride_and_padding(entry, layer);
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
      // PyTorch's default p = 0.5.
      layer.dropout = entry.has("p") ? entry.number_in("p", 0.0, 1.0) : 0.5;
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

}  // namespace dnnsim
