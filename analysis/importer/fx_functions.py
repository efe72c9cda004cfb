"""Functions and Tensor methods of a traced model -> layers (a mixin of fx_import.FxImporter).

`+` of two activations -> add (of an activation and a learned [T, F] tensor ->
position_embedding), `*` of two -> mul, cat, flatten / view / reshape, mean, permute /
transpose, indexing and split / chunk / unbind -> slice, matmul, softmax, dropout,
F.linear and `x @ W.t()` -> linear (tied to an embedding's table when W is one), the
activations. Scaling by a constant, casts and copies, expanding and a constant mask
(masked_fill, torch.where) fold into their input.
"""

import operator

from analysis.importer.fx_trace import argument, calls, shape_of, value_of

FOLDED = ("contiguous", "clone", "detach", "to", "type", "type_as", "float", "half", "bfloat16",
          "double", "long", "int", "expand", "expand_as", "masked_fill", "div", "sub",
          "__truediv__", "__sub__")


class FunctionMapping:
    def call_function(self, node):
        import torch
        import torch.nn.functional as F
        inputs = self.activation_inputs(node)
        out = self.sample_shape(node)
        x = inputs[0]
        rank = len(shape_of(x) or [])

        def is_(*targets):
            return calls(node, *targets)

        unary = [((F.relu, torch.relu, "relu"), "relu"), ((F.relu6,), "relu6"),
                 ((F.gelu, "gelu"), "gelu"), ((F.silu,), "silu"),
                 ((torch.sigmoid, F.sigmoid, "sigmoid"), "sigmoid"),
                 ((torch.tanh, F.tanh, "tanh"), "tanh"), ((F.hardswish,), "hardswish")]
        for functions, type_ in unary:
            if is_(*functions):
                return self.add(node, self.base_name(node, type_), type_, [x])
        if is_(operator.getitem):
            return self.getitem(node, x)
        if is_(operator.add, operator.iadd, torch.add, "add", "add_", "__add__", "__iadd__"):
            return self.addition(node, inputs)
        if is_(operator.mul, operator.imul, torch.mul, "mul", "mul_", "__mul__"):
            return self.product(node, inputs)
        if is_(operator.truediv, operator.sub, torch.div, torch.sub, torch.masked_fill,
               torch.where, *FOLDED):
            if len(inputs) == 1 and self.sample_shape(x) == out:
                return self.alias(node, x)  # scaling, copying, a constant mask: elementwise
            return self.unknown_node(node, "an elementwise operation of two activations")
        if is_(torch.cat, torch.concat, "cat"):
            if len(inputs) == 1:
                return self.alias(node, x)
            dim = argument(node, 1, "dim", 0) % rank
            if self.sample_axis(x, dim) != 0:
                self.fail(node, f"concatenation along axis {dim}; dnnsim joins along the first "
                                f"axis of a sample")
            return self.add(node, self.base_name(node, "cat"), "concat", inputs)
        if is_(torch.flatten, "flatten", "view", "reshape", torch.reshape, "unsqueeze",
               "squeeze", torch.unsqueeze, torch.squeeze):
            return self.reshape(node, x, out)
        if is_(torch.mean, "mean"):
            dims = argument(node, 1, "dim")
            dims = [d % rank for d in (dims if isinstance(dims, (list, tuple)) else [dims])] \
                if dims is not None else None
            if dims is None or self.batch[x] != 0 or 0 in dims:
                self.fail(node, "a mean over the batch")
            attrs = dict(dims=[d - 1 for d in dims])
            if argument(node, 2, "keepdim", False):
                attrs["keepdim"] = True
            return self.add(node, self.base_name(node, "mean"), "mean", [x], **attrs)
        if is_(F.adaptive_avg_pool2d):
            from analysis.importer.fx_modules import compact
            return self.add(node, self.base_name(node, "adaptive_avgpool"), "adaptive_avgpool",
                            [x], output_size=compact(out[1:]))
        if is_(F.dropout, "dropout"):
            return self.add(node, self.base_name(node, "dropout"), "dropout", [x],
                            p=float(argument(node, 1, "p", 0.5)))
        if is_(F.softmax, torch.softmax, "softmax"):
            self.require_last_axis(node, x, argument(node, 1, "dim"), "softmax")
            return self.add(node, self.base_name(node, "softmax"), "softmax", [x])
        if is_(F.linear):
            return self.functional_linear(node, x, argument(node, 1, "weight"),
                                          argument(node, 2, "bias"))
        if is_(torch.matmul, operator.matmul, torch.bmm, "matmul", "bmm"):
            return self.matrix_product(node, inputs)
        if is_(torch.permute, "permute", torch.transpose, "transpose", "t", torch.t):
            return self.transpose(node, x)
        return self.unknown_node(node)

    # -- joins and products -----------------------------------------------------------
    def addition(self, node, inputs):
        if len(inputs) == 1:
            return self.alias(node, inputs[0])  # plus a constant: elementwise
        acts = [i for i in inputs if i not in self.learned]
        learned = [i for i in inputs if i in self.learned]
        if len(acts) == 1 and len(learned) == 1 and \
                self.is_position_table(learned[0], self.sample_shape(acts[0])):
            table = self.learned[learned[0]]
            return self.add(node, table.name, "position_embedding", acts, held=[table.tensor])
        return self.join(node, "add", inputs)

    def product(self, node, inputs):
        if len(inputs) == 1:
            if self.sample_shape(inputs[0]) == self.sample_shape(node):
                return self.alias(node, inputs[0])  # scaling by a constant
            return self.unknown_node(node, "a product with a constant that broadcasts")
        return self.join(node, "mul", inputs)

    def join(self, node, type_, inputs):
        shapes = [self.sample_shape(i) for i in inputs]
        axes = {self.batch[i] for i in inputs} - {None}
        if any(s != shapes[0] for s in shapes) or len(axes) > 1:
            return self.unknown_node(node, f"an elementwise {type_} of activations of shapes "
                                           f"{shapes} (dnnsim's {type_} needs one shape)")
        return self.add(node, self.base_name(node, type_), type_, inputs)

    def matrix_product(self, node, inputs):
        if len(inputs) == 2 and inputs[1] in self.learned and \
                self.learned[inputs[1]].positions is None and inputs[0] not in self.learned:
            return self.functional_linear(node, inputs[0], inputs[1], None)
        if len(inputs) != 2:
            return self.unknown_node(node, "a product with a constant")
        a, b = (self.sample_shape(i) for i in inputs)
        axes = {self.batch[i] for i in inputs} - {None}
        if len(a) != len(b) or len(a) < 2 or a[:-2] != b[:-2] or len(axes) > 1 or \
                max(axes, default=0) >= len(shape_of(node)) - 2:
            return self.unknown_node(node, f"a product of [{a}] and [{b}] per sample")
        return self.add(node, self.base_name(node, "matmul"), "matmul", inputs)

    def functional_linear(self, node, x, weight, bias):
        """F.linear(x, W, b) or x @ W.t() (W learned, [out, in]); x @ W for W [in, out]."""
        import torch.nn.functional as F
        table = self.learned.get(weight)
        if table is None or table.positions is not None or table.tensor.dim() != 2 or \
                (bias is not None and bias not in self.learned):
            return self.unknown_node(node, "a linear map whose weight is not a parameter")
        transposed = calls(node, F.linear) or table.transposed
        out = table.tensor.shape[0] if transposed else table.tensor.shape[1]
        attrs = dict(out_features=int(out))
        held = [] if bias is None else [self.learned[bias].tensor]
        if bias is None:
            attrs["bias"] = False
        tied = transposed and id(table.tensor) in self.tables
        if not tied:
            held.append(table.tensor)
        name = table.name[: -len(".weight")] if table.name.endswith(".weight") else table.name
        layer = self.add(node, self.base_name(node, "linear") if tied else name, "linear", [x],
                         held=held, **attrs)
        if tied:
            self.ties.append((layer, self.tables[id(table.tensor)]))
        return layer

    # -- data movement ------------------------------------------------------------------
    def reshape(self, node, x, out):
        import torch
        if calls(node, torch.flatten, "flatten") and argument(node, 1, "start_dim", 0) != 1:
            self.fail(node, "flatten must keep the batch axis")
        if self.batch[x] not in (0, None) or self.batch[node] not in (0, None):
            self.fail(node, "a reshape of a tensor whose batch is not its first axis")
        if len(out) == 1 and self.batch[x] == 0:
            return self.add(node, self.base_name(node, "flatten"), "flatten", [x])
        if self.sample_shape(x) == out:
            return self.alias(node, x)
        return self.add(node, self.base_name(node, "reshape"), "reshape", [x], shape=out)

    @staticmethod
    def permutation(node, x):
        """The axes of `x` in the order a transpose / permute / t of it puts them."""
        import torch
        rank = len(shape_of(x))
        full = list(range(rank))
        if calls(node, torch.transpose, "transpose"):
            a, b = argument(node, 1, "dim0") % rank, argument(node, 2, "dim1") % rank
            full[a], full[b] = full[b], full[a]
        elif calls(node, "t", torch.t):
            full.reverse()
        else:
            dims = node.args[1:] if node.op == "call_method" and len(node.args) > 2 else \
                argument(node, 1, "dims")
            full = [d % rank for d in dims]
        return full

    def transpose(self, node, x):
        perm = [a for a in (self.sample_axis(x, a) for a in self.permutation(node, x))
                if a is not None]
        if perm == sorted(perm):
            return self.alias(node, x)
        return self.add(node, self.base_name(node, "transpose"), "transpose", [x], perm=perm)

    def getitem(self, node, x):
        if x in self.tuples:
            return self.tuple_item(node, x, node.args[1])
        shape = shape_of(x)
        index = node.args[1] if isinstance(node.args[1], tuple) else (node.args[1],)
        if any(i is Ellipsis for i in index):
            at = index.index(Ellipsis)
            index = index[:at] + (slice(None),) * (len(shape) - len(index) + 1) + \
                index[at + 1:]
        cuts = []
        for axis, i in enumerate(index):
            i = value_of(i) if hasattr(i, "meta") else i
            if isinstance(i, slice):
                start, stop, step = (value_of(v) if hasattr(v, "meta") else v
                                     for v in (i.start, i.stop, i.step))
                start, stop, step = slice(start, stop, step).indices(shape[axis])
                if step != 1:
                    return self.unknown_node(node, "a slice with a step")
                if (start, stop) != (0, shape[axis]):
                    cuts.append((axis, start, stop, False))
            elif isinstance(i, int):
                cuts.append((axis, i % shape[axis], i % shape[axis] + 1, True))
            else:
                return self.unknown_node(node, "indexing other than by slices and integers")
        cuts = [c for c in cuts if self.sample_axis(x, c[0]) is not None or c[0] ==
                self.batch[x]]
        if not cuts:
            return self.alias(node, x)
        axis, start, stop, squeeze = cuts[0]
        if len(cuts) > 1 or axis == self.batch[x]:
            self.fail(node, "a slice across the batch or of more than one axis")
        return self.slice(node, x, axis, start, stop, squeeze)

    def slice(self, node, x, axis, start, stop, squeeze):
        attrs = dict(dim=self.sample_axis(x, axis), start=start, end=stop)
        if squeeze:
            attrs["squeeze"] = True
        return self.add(node, self.base_name(node, "slice"), "slice", [x], **attrs)

    def tuple_item(self, node, source, index):
        kind, *rest = self.tuples[source]
        if kind == "attention":
            out, axis = rest
            if index != 0:
                self.fail(node, "it uses the attention weights of nn.MultiheadAttention")
            self.values[node], self.batch[node] = out, axis
            return out
        x, axis, bounds, squeeze = rest
        return self.slice(node, x, axis, *bounds[index], squeeze)

    def split(self, node, x):
        """split / chunk / unbind: remembered, and cut by the getitems that read them."""
        import torch
        unbind = calls(node, "unbind", torch.unbind)
        axis = argument(node, 1 if unbind else 2, "dim", 0) % len(shape_of(x))
        if self.sample_axis(x, axis) is None:
            self.fail(node, "a split of the batch")
        bounds, start = [], 0
        for meta in node.meta["tensor_meta"]:
            size = 1 if unbind else meta.shape[axis]
            bounds.append((start, start + size))
            start += size
        self.tuples[node] = ("split", x, axis, bounds, unbind)
        self.batch[node] = self.batch[x]
