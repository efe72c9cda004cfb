"""Module calls of a traced model -> layers (a mixin of fx_import.FxImporter).

`Conv2d` -> conv2d, `Linear` -> linear (`tied_to` when its weight is an `Embedding`'s
table), `Embedding` -> embedding (token ids) or a learned tensor (constant positions),
`MultiheadAttention` -> linear (fused QKV) + attention + linear, norms, pools, activations,
dropout, flatten, softmax, identity.
"""

from analysis.importer.fx_attention import multihead_mask
from analysis.importer.fx_trace import argument, derived, shape_of


def _pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def compact(pair):
    return pair[0] if len(pair) == 2 and pair[0] == pair[1] else list(pair)


class ModuleMapping:
    def call_module(self, node):
        import torch.nn as nn
        m = self.gm.get_submodule(node.target)
        inputs = self.activation_inputs(node)
        name = node.target
        out = self.sample_shape(node)
        simple = {nn.ReLU: "relu", nn.ReLU6: "relu6", nn.GELU: "gelu", nn.SiLU: "silu",
                  nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Hardswish: "hardswish",
                  nn.Identity: "identity"}
        for cls, type_ in simple.items():
            if type(m) is cls:
                return self.add(node, name, type_, inputs[:1], module=m)
        if isinstance(m, nn.Conv2d):
            if _pair(m.dilation) != [1, 1] or m.padding_mode != "zeros" or \
                    isinstance(m.padding, str):
                self.fail(node, "only zero-padded, undilated convolutions with numeric padding")
            attrs = dict(out_channels=m.out_channels, kernel=compact(_pair(m.kernel_size)))
            if _pair(m.stride) != [1, 1]:
                attrs["stride"] = compact(_pair(m.stride))
            if _pair(m.padding) != [0, 0]:
                attrs["padding"] = compact(_pair(m.padding))
            if m.groups != 1:
                attrs["groups"] = m.groups
            if m.bias is None:
                attrs["bias"] = False
            type_ = "conv2d"
        elif isinstance(m, nn.Linear):
            return self.linear_module(node, m, inputs)
        elif isinstance(m, nn.Embedding):
            return self.embedding(node, m, inputs)
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            if not m.affine:
                self.fail(node, "batchnorm without affine parameters")
            type_, attrs = "batchnorm", {}
        elif isinstance(m, nn.LayerNorm):
            if not m.elementwise_affine:
                self.fail(node, "layernorm without affine parameters")
            type_, attrs = "layernorm", dict(normalized_shape=list(m.normalized_shape))
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            if isinstance(m, nn.MaxPool2d) and _pair(m.dilation) != [1, 1]:
                self.fail(node, "dilated pooling")
            kernel = _pair(m.kernel_size)
            stride = _pair(m.stride if m.stride is not None else m.kernel_size)
            type_ = "maxpool" if isinstance(m, nn.MaxPool2d) else "avgpool"
            attrs = dict(kernel=compact(kernel))
            if stride != kernel:
                attrs["stride"] = compact(stride)
            if _pair(m.padding) != [0, 0]:
                attrs["padding"] = compact(_pair(m.padding))
            if m.ceil_mode:
                attrs["ceil_mode"] = True
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            type_, attrs = "adaptive_avgpool", dict(output_size=compact(out[1:]))
        elif isinstance(m, nn.Dropout):
            type_, attrs = "dropout", dict(p=float(m.p))
        elif isinstance(m, nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1 or len(out) != 1 or self.batch[node] != 0:
                self.fail(node, "flatten must start at axis 1 and run to the end")
            type_, attrs = "flatten", {}
        elif isinstance(m, nn.Softmax):
            self.require_last_axis(node, inputs[0], m.dim, "softmax")
            type_, attrs = "softmax", {}
        else:
            return self.unknown_node(node)
        return self.add(node, name, type_, inputs[:1], module=m, **attrs)

    def linear_module(self, node, m, inputs):
        """A linear layer; one whose weight is an embedding's table holds only its bias
        (tie() makes it read the table)."""
        attrs = dict(out_features=m.out_features)
        if m.bias is None:
            attrs["bias"] = False
        tied = id(m.weight) in self.tables
        held = [p for p in (m.weight, m.bias) if p is not None and not (tied and p is m.weight)]
        layer = self.add(node, node.target, "linear", inputs[:1], held=held, **attrs)
        if tied:
            self.ties.append((layer, self.tables[id(m.weight)]))
        return layer

    def embedding(self, node, m, inputs):
        if not derived(node.args[0]):
            return self.learn(node, node.target, m.weight, rows=node.args[0])
        ids = inputs[0]
        if len(self.sample_shape(ids)) != 1:
            self.fail(node, f"dnnsim's embedding reads token ids [T] (--input tokens:T); "
                            f"this one reads {self.sample_shape(ids)} per sample")
        layer = self.add(node, node.target, "embedding", [ids], module=m,
                         vocab=m.num_embeddings, features=m.embedding_dim)
        self.embedding_layers.setdefault(node.target, layer)
        return layer

    def multihead_attention(self, node, m):
        """The fused in-projection (3E features), the attention core and out_proj."""
        query, key, value = (argument(node, i, k) for i, k in
                             enumerate(("query", "key", "value")))
        if not (query is key is value):
            self.fail(node, "query, key and value differ (cross-attention); dnnsim's "
                            "attention reads one sequence")
        if not m._qkv_same_embed_dim or m.bias_k is not None or m.add_zero_attn:
            self.fail(node, "kdim/vdim, add_bias_kv or add_zero_attn")
        padding = argument(node, 3, "key_padding_mask")
        kind = multihead_mask(node, m)
        if kind is None or (hasattr(padding, "meta") and derived(padding)):
            self.fail(node, "a mask computed from the input")
        axis = 0 if m.batch_first else 1
        if query not in self.values or self.batch.get(query) != axis or \
                len(shape_of(query)) != 3:
            self.fail(node, f"with batch_first={m.batch_first} it reads [N, T, E] as "
                            f"{'[N, T, E]' if m.batch_first else '[T, N, E]'}; its input "
                            f"has shape {shape_of(query)}")
        bias = {} if m.in_proj_bias is not None else {"bias": False}
        qkv = self.w.add(f"{node.target}.in_proj", "linear", [self.values[query]], node.name,
                         out_features=3 * m.embed_dim, **bias)
        in_proj = [p for p in (m.in_proj_weight, m.in_proj_bias) if p is not None]
        self.w.expect(qkv, sum(p.numel() for p in in_proj))
        attrs = dict(heads=m.num_heads)
        if kind == "causal":
            attrs["causal"] = True
        if m.dropout:
            attrs["dropout"] = float(m.dropout)
        core = self.w.add(f"{node.target}.attention", "attention", [qkv], node.name, **attrs)
        bias = {} if m.out_proj.bias is not None else {"bias": False}
        out = self.w.add(f"{node.target}.out_proj", "linear", [core], node.name,
                         out_features=m.embed_dim, **bias)
        self.w.expect(core, 0)
        self.w.expect(out, sum(p.numel() for p in m.out_proj.parameters()))
        self.used.update(id(p) for p in m.parameters())
        self.tuples[node] = ("attention", out, axis)
        self.batch[node] = axis
        if kind == "other":
            self.other_masks.append(node.target)
