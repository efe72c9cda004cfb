#include "sim/workload/transformer_form.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "sim/common/suggest.hpp"

namespace dnnsim {

TransformerForm parse_transformer_form(const YamlMap& map) {
  map.require_known_keys({"style", "layers", "hidden", "heads", "kv_heads", "ffn", "seq", "vocab",
                          "dropout", "flash"});
  TransformerForm f;
  const std::string style = map.string("style");
  if (style == "gpt") {
    f.style = TransformerStyle::gpt;
  } else if (style == "llama") {
    f.style = TransformerStyle::llama;
  } else {
    constexpr std::array<std::string_view, 2> kStyles{"gpt", "llama"};
    map.fail("style", unknown_name("transformer style", style, kStyles));
  }
  f.layers = map.positive_int("layers");
  f.hidden = map.positive_int("hidden");
  f.heads = map.positive_int("heads");
  f.kv_heads = map.has("kv_heads") ? map.positive_int("kv_heads") : f.heads;
  f.seq = map.positive_int("seq");
  f.vocab = map.positive_int("vocab");
  if (f.hidden % f.heads != 0) {
    map.fail("heads", fmt::format("heads = {} must divide hidden = {} (each head has hidden / "
                                  "heads features)",
                                  f.heads, f.hidden));
  }
  if (f.heads % f.kv_heads != 0) {
    map.fail("kv_heads", fmt::format("kv_heads = {} must divide heads = {}", f.kv_heads, f.heads));
  }
  const bool gpt = f.style == TransformerStyle::gpt;
  if (!map.has("ffn") && !gpt) {
    map.fail("ffn", "is missing: a llama states its MLP's inner size (e.g. 11008 for 7B)");
  }
  f.ffn = map.has("ffn") ? map.positive_int("ffn") : 4 * f.hidden;
  f.dropout = map.has("dropout") ? map.number_in("dropout", 0.0, 1.0) : (gpt ? 0.1 : 0.0);
  if (map.has("flash")) f.flash = map.boolean("flash");
  return f;
}

namespace {

/// Appends layers reading the previous one unless `inputs` says otherwise.
class Builder {
 public:
  explicit Builder(int line) : line_(line) {}

  Layer& add(std::string name, LayerType type, std::vector<std::string> inputs = {}) {
    Layer layer;
    layer.name = std::move(name);
    layer.type = type;
    layer.input_names = std::move(inputs);
    layer.line = line_;
    layers_.push_back(std::move(layer));
    return layers_.back();
  }
  Layer& linear(std::string name, Count out, bool bias, std::vector<std::string> inputs = {}) {
    Layer& l = add(std::move(name), LayerType::linear, std::move(inputs));
    l.out_features = out;
    l.bias = bias;
    return l;
  }
  Layer& dropout(std::string name, double p) {
    Layer& l = add(std::move(name), LayerType::dropout);
    l.dropout = p;
    return l;
  }
  Layer& layernorm(std::string name, Count hidden, std::vector<std::string> inputs = {}) {
    Layer& l = add(std::move(name), LayerType::layernorm, std::move(inputs));
    l.shape = {hidden};  // over the features of each token
    return l;
  }
  [[nodiscard]] std::vector<Layer> take() { return std::move(layers_); }

 private:
  int line_;
  std::vector<Layer> layers_;
};

}  // namespace

std::optional<BlockName> split_block_name(std::string_view name) noexcept {
  if (!name.starts_with("block")) return std::nullopt;
  std::size_t i = 5;
  std::int64_t value = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') {
    value = value * 10 + (name[i] - '0');
    ++i;
  }
  if (i == 5 || i >= name.size() || name[i] != '.') return std::nullopt;
  return BlockName{value, name.substr(i + 1)};
}

std::vector<Layer> expand_transformer(const TransformerForm& f, int line) {
  Builder b(line);
  const bool gpt = f.style == TransformerStyle::gpt;
  const Count head_dim = f.hidden / f.heads;
  const Count qkv = (f.heads + 2 * f.kv_heads) * head_dim;
  const bool dropout = f.dropout > 0.0;

  Layer& wte = b.add(gpt ? "wte" : "embed", LayerType::embedding);
  wte.vocab = f.vocab;
  wte.out_features = f.hidden;
  const std::string table = wte.name;
  std::string x = table;
  if (gpt) {
    b.add("wpe", LayerType::position_embedding);
    x = "wpe";
    if (dropout) x = b.dropout("drop", f.dropout).name;
  }
  for (Count i = 0; i < f.layers; ++i) {
    const std::string p = fmt::format("block{}.", i);
    if (gpt) {
      b.layernorm(p + "ln1", f.hidden, {x});
    } else {
      b.add(p + "norm1", LayerType::rmsnorm, {x});
    }
    b.linear(p + "attn.qkv", qkv, gpt);
    Layer& core = b.add(p + "attn.core", LayerType::attention);
    core.heads = f.heads;
    core.kv_heads = f.kv_heads;
    core.causal = true;
    core.dropout = f.dropout;
    core.flash = f.flash;
    b.linear(p + "attn.proj", f.hidden, gpt);
    if (dropout) b.dropout(p + "attn.drop", f.dropout);
    const std::string attn_out = dropout ? p + "attn.drop" : p + "attn.proj";
    b.add(p + "attn.add", LayerType::add, {attn_out, x});
    const std::string mid = p + "attn.add";
    std::string mlp_out;
    if (gpt) {
      b.layernorm(p + "ln2", f.hidden);
      b.linear(p + "mlp.fc1", f.ffn, true);
      b.add(p + "mlp.gelu", LayerType::gelu);
      b.linear(p + "mlp.fc2", f.hidden, true);
      mlp_out = p + "mlp.fc2";
      if (dropout) mlp_out = b.dropout(p + "mlp.drop", f.dropout).name;
    } else {
      b.add(p + "norm2", LayerType::rmsnorm);
      b.linear(p + "mlp.gate", f.ffn, false);
      b.add(p + "mlp.silu", LayerType::silu);
      b.linear(p + "mlp.up", f.ffn, false, {p + "norm2"});
      b.add(p + "mlp.mul", LayerType::mul, {p + "mlp.silu", p + "mlp.up"});
      b.linear(p + "mlp.down", f.hidden, false);
      mlp_out = p + "mlp.down";
    }
    x = b.add(p + "mlp.add", LayerType::add, {mlp_out, mid}).name;
  }
  if (gpt) {
    b.layernorm("ln_f", f.hidden, {x});
  } else {
    b.add("norm_f", LayerType::rmsnorm, {x});
  }
  Layer& logits = b.linear("logits", f.vocab, false);
  if (gpt) logits.tied_to = table;
  return b.take();
}

}  // namespace dnnsim
