"""Learned tensors a traced model reads (a mixin of fx_import.FxImporter).

A parameter the forward() reads (`get_attr`), an embedding of constant positions, or the
transpose of a 2-D parameter (`W.t()`) is remembered, not yet a layer. What reads it
decides: added to `[T, F]` tokens whose shape it has, it is their `position_embedding`;
the weight of `F.linear` or of `x @ W.t()`, a `linear` layer's (fx_functions.py); anything
else makes it a `parameter` layer (with a `slice` of an embedding's table at its
positions, or a `transpose` of W).
"""

import dataclasses

from analysis.importer.fx_trace import calls, value_of


@dataclasses.dataclass
class Learned:
    """A learned tensor no layer reads yet."""
    name: str               # the parameter's path, or the embedding module's
    tensor: object          # the parameter
    positions: object = None  # an embedding's rows at these constant positions
    transposed: bool = False  # W.t() of the parameter W


class LearnedTensors:
    def learn(self, node, name, tensor, rows=None, transposed=False):
        positions = None if rows is None else value_of(rows)
        if rows is not None and positions is None:
            self.fail(node, "an embedding of positions the importer cannot compute")
        self.learned[node] = Learned(name, tensor, positions, transposed)
        self.batch[node] = None

    def is_position_table(self, node, sample):
        """Whether a learned tensor is exactly a T x F table added to [T, F] tokens."""
        import torch
        table = self.learned[node]
        if len(sample) != 2 or self.sample_shape(node) != sample or table.transposed:
            return False
        return table.positions is None or (table.tensor.shape[0] == sample[0] and torch.equal(
            table.positions.flatten(), torch.arange(sample[0])))

    def materialize(self, node):
        """A `parameter` layer (and a slice of an embedding's table at its positions)."""
        import torch
        table = self.learned[node]
        self.used.add(id(table.tensor))
        if table.positions is None:
            shape = list(table.tensor.shape)
            if len(shape) > 1 and shape[0] == 1:
                shape = shape[1:]
            layer = self.w.add(table.name, "parameter", [], node.name, shape=shape)
            self.w.expect(layer, table.tensor.numel(), shape)
            if table.transposed:
                layer = self.w.add(f"{table.name}.t", "transpose", [layer], node.name,
                                   perm=[1, 0])
            return layer
        rows = table.positions.flatten()
        start = int(rows[0]) if rows.numel() else 0
        if rows.dim() != 1 or table.positions.dim() > 1 and table.positions.shape[0] != 1 or \
                not torch.equal(rows, torch.arange(start, start + rows.numel())):
            self.fail(node, "an embedding of positions that are not consecutive")
        layer = self.w.add(table.name, "parameter", [], node.name,
                           shape=list(table.tensor.shape))
        self.w.expect(layer, table.tensor.numel(), table.tensor.shape)
        if (start, rows.numel()) != (0, table.tensor.shape[0]):
            layer = self.w.add(f"{table.name}.slice", "slice", [layer], node.name, dim=0,
                               start=start, end=start + rows.numel())
        return layer

    def is_transposed_parameter(self, node):
        """W.t(), W.T or W.transpose(0, 1) of a learned 2-D parameter, not yet a layer."""
        source = node.args[0] if node.args else None
        table = self.learned.get(source) if hasattr(source, "meta") else None
        if table is None or table.positions is not None or table.transposed or \
                table.tensor.dim() != 2:
            return False
        return calls(node, "t") or (calls(node, getattr) and node.args[1] == "T") or (
            calls(node, "transpose") and {a % 2 for a in node.args[1:3]} == {0, 1})
