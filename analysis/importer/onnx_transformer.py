"""The layers of transformers in an ONNX graph (a mixin of onnx_import.OnnxImporter).

- `Gather` of an initializer [V, F] at token ids -> `embedding` (its table);
- a linear layer whose weight is the transpose of an embedding's table (PyTorch's tied
  `lm_head.weight = wte.weight`, exported as a folded copy) -> `linear` with `tied_to`;
- a learned [T, F] initializer added to [T, F] tokens -> `position_embedding`, and so is
  the `Gather` of a T x F table at positions 0..T-1 (of a larger table: a `parameter`
  layer, a `slice` of its rows and an `add`). PyTorch's exporter, with fixed shapes, folds
  the embedding of positions into the T rows it reads: the table's other rows are lost;
- `Where` with a constant condition (a causal mask: masked_fill), or the `Add` of a
  constant of zeros and -inf (nn.MultiheadAttention's attn_mask) -> folded into its input.

Attention, which ONNX spells with generic operators, becomes one `attention` layer where
it can be recognised (onnx_attention.py).
"""


from analysis.importer.workload import INPUT


class TransformerMapping:
    def embedding(self, node, ids):
        from analysis.importer.batch_axis import Batch
        table = self.inits[node.input[0]]
        if table.ndim != 2 or self.batch[ids] != Batch(0) or len(self.sample(ids)) != 1:
            self.fail(node, f"an embedding reads token ids [T] (--input tokens:T); this one "
                            f"reads {self.sample(ids)} per sample from a table of shape "
                            f"{list(table.shape)}")
        vocab, features = (int(d) for d in table.shape)
        from analysis.importer.onnx_import import _param_name
        layer = self.add_layer(node, "embedding", [ids], self.shape[ids] + [features], Batch(0),
                               name=_param_name(node.input[0]), vocab=vocab, features=features)
        self.tables.append((layer, table))
        return layer

    def tied_table(self, weight_in_out):
        """The embedding layer whose table is this [in, out] weight transposed, or None."""
        np = self.np
        for layer, table in self.tables:
            if table.shape == weight_in_out.T.shape and np.array_equal(table, weight_in_out.T):
                return layer
        return None

    def position_embedding(self, node, x, init, sample):
        from analysis.importer.onnx_import import _SYNTHETIC, _param_name, _scope
        scope = _scope(node.name)
        name = _param_name(init) if not _SYNTHETIC.match(init) else \
            (f"{scope}.position_embedding" if scope else "position_embedding")
        return self.add_layer(node, "position_embedding", [x], self.shape[x], self.batch[x],
                              name=name)

    def is_mask(self, name):
        """Whether a constant only hides scores: zeros, and values at or below -1e4."""
        value = self.const(name)
        np = self.np
        return value is not None and value.dtype.kind == "f" and value.ndim >= 2 and \
            bool(np.any(value <= -1e4)) and bool(np.all((value == 0) | (value <= -1e4)))

    def where(self, node, acts):
        cond, a, b = node.input[:3]
        if self.is_act(cond) or len(acts) != 1 or (a in acts) == (b in acts):
            return self.unknown_node(node, "a choice between activations, or by one")
        other = b if a in acts else a
        if self.const(other) is None or self.const(other).size != 1:
            return self.unknown_node(node, "a choice of an activation and a tensor")
        self.alias(node, acts[0])  # a constant mask: elementwise, folded
        condition = self.const(cond)
        if condition is not None and float(self.const(other).flat[0]) <= -1e4:
            hidden = condition.astype(bool)
            self.masks[node.output[0]] = hidden if other == a else ~hidden
        return None

    def fuse_attention(self, output):
        """Attention spelled with generic layers becomes one layer (onnx_attention.py)."""
        from analysis.importer.onnx_attention import AttentionFusion
        shapes = {}
        for name, layer in self.layer.items():
            if layer != INPUT and self.batch[name].valid(self.shape[name], self.n):
                shapes.setdefault(layer, self.sample(name))
        before = {layer.name for layer in self.w.layers}
        fusion = AttentionFusion(self.w, shapes, self.softmax_masks, self.layer[output])
        self.other_masks = fusion.run()
        gone = before - {layer.name for layer in self.w.layers}
        self.scopes = {k: v for k, v in self.scopes.items() if k not in gone}

    def learn_rows(self, node):
        """Remembers a Gather of a table's rows at constant positions."""
        if node.op_type == "Gather" and node.input[0] in self.inits and \
                self.const(node.input[1]) is not None and _attrs_axis(node) == 0:
            self.rows[node.output[0]] = (node.input[0], self.const(node.input[1]))

    def add_rows(self, node, x, rows_name):
        """Tokens + the rows of a table at their positions."""
        from analysis.importer.onnx_import import _param_name, _scope
        np = self.np
        init, positions = self.rows[rows_name]
        table, positions = self.inits[init], positions.flatten()
        sample, start = self.sample(x), int(positions[0]) if positions.size else 0
        if table.ndim != 2 or sample != [positions.size, int(table.shape[1])] or \
                not np.array_equal(positions, np.arange(start, start + positions.size)):
            return self.unknown_node(node, f"an embedding of positions {positions.tolist()} "
                                           f"added to samples of shape {sample}")
        if (start, positions.size) == (0, table.shape[0]):
            return self.add_layer(node, "position_embedding", [x], self.shape[x],
                                  self.batch[x], name=_param_name(init))
        param = self.parameter(node, _param_name(init), list(table.shape))
        part = self.w.add(f"{_param_name(init)}.slice", "slice", [param], node.name, dim=0,
                          start=start, end=start + positions.size)
        scope = _scope(node.name)
        layer = self.w.add(f"{scope}.add" if scope else "add", "add", [self.layer[x], part],
                           node.name)
        self.scopes[layer] = (scope, "add")
        return self.set_out(node, node.output[0], layer, self.shape[x], self.batch[x])


def _attrs_axis(node):
    return next((a.i for a in node.attribute if a.name == "axis"), 0)
