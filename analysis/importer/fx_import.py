"""nn.Module -> workload through torch.fx symbolic tracing.

The model is traced (fx_trace.py: each node remembers the module whose forward() created
it) and run once on zeros, so that every node's shape is known, and the value of every
node that does not depend on the input (masks, positions). Each node that computes an
activation becomes one layer: a module call is named after the module (`layer1.0.conv1`,
`layer1.0.relu#2` for its second call; fx_modules.py), an operation written in a forward()
after the module it sits in (`layer1.0.add`; fx_functions.py). Operations that only
scale, copy or mask an activation are folded into their input; attention written by hand
becomes one layer (fx_attention.py).

Where the batch lies is followed per node (an axis, or None for a learned tensor that is
the same for every sample), so that `[T, N, E]` tensors (nn.MultiheadAttention without
batch_first) read as `[T, E]` per sample. A learned tensor (a parameter the forward()
reads, an embedding of constant positions) becomes a layer only when something reads it
(fx_learned.py).
"""

import operator

from analysis.importer.errors import ImportFailure, unmappable
from analysis.importer.fx_attention import find_attention
from analysis.importer.fx_functions import FunctionMapping
from analysis.importer.fx_learned import LearnedTensors
from analysis.importer.fx_modules import ModuleMapping
from analysis.importer.fx_trace import FX_ARGUMENT, calls, derived, is_tensor, propagate, \
    shape_of, trace
from analysis.importer.fx_trace import TraceFailure  # noqa: F401 (raised to the caller)
from analysis.importer.workload import INPUT, Workload

EXPORT_BATCH = 2  # samples of the zero tensor the model runs on


class FxImporter(ModuleMapping, FunctionMapping, LearnedTensors):
    def __init__(self, model, gm, workload: Workload, model_name: str, allow_unknown: bool):
        import torch.nn as nn
        self.model = model
        self.gm = gm
        self.w = workload
        self.model_name = model_name
        self.allow_unknown = allow_unknown
        self.values = {}    # fx node -> layer name (or INPUT) holding its activation
        self.batch = {}     # fx node -> axis of the batch in its output (None: broadcast)
        self.learned = {}   # fx node -> Learned
        self.tuples = {}    # fx node of a tuple (split, nn.MultiheadAttention) -> its parts
        self.used = set()   # id() of the parameters the layers hold
        self.unknown = []   # (node, kind) imported as identity
        self.tables = {id(m.weight): path for path, m in model.named_modules()
                       if isinstance(m, nn.Embedding)}
        self.embedding_layers = {}  # embedding module path -> its layer
        self.ties = []              # (linear layer, embedding module path)
        self.other_masks = []       # attention whose mask is neither none nor causal
        self.attention = find_attention(gm, self.module_of)
        self.consumed = set()
        for match in self.attention.values():
            self.consumed |= match.nodes - {match.end}

    # -- helpers ---------------------------------------------------------------------
    def module_of(self, node):
        return self.gm.get_submodule(node.target)

    def sample_axis(self, node, axis):
        """The axis of one sample that axis `axis` of the node's tensor is; None for the
        batch (or the leading 1 of a learned tensor broadcast over it)."""
        shape, batch = shape_of(node), self.batch.get(node)
        if batch is None:
            lead = 1 if len(shape) > 1 and shape[0] == 1 else 0
            return None if axis < lead else axis - lead
        return None if axis == batch else axis - (axis > batch)

    def sample_shape(self, node):
        shape, batch = shape_of(node), self.batch.get(node)
        if batch is not None and (batch >= len(shape) or shape[batch] != EXPORT_BATCH):
            raise ImportFailure(f"model '{self.model_name}': node '{node.name}' "
                                f"({self.kind_of(node)}) does not keep the batch on one axis "
                                f"(shape {shape})")
        return [d for a, d in enumerate(shape) if self.sample_axis(node, a) is not None]

    def infer_batch(self, node, inputs):
        """The batch axis of a node's output, from its inputs'."""
        import torch
        shape = shape_of(node)
        if calls(node, torch.permute, "permute", torch.transpose, "transpose", "t", torch.t):
            axis = self.batch.get(inputs[0])
            return None if axis is None else self.permutation(node, inputs[0]).index(axis)
        for i in inputs:
            axis = self.batch.get(i)
            if axis is not None:
                in_shape = shape_of(i)
                if (in_shape is None or len(in_shape) == len(shape)) and axis < len(shape) \
                        and shape[axis] == EXPORT_BATCH:
                    return axis
                break
        else:
            if not calls(node, "expand", "expand_as"):
                return None  # learned tensors only
        if shape and shape[0] == EXPORT_BATCH:
            return 0
        raise ImportFailure(f"model '{self.model_name}': node '{node.name}' "
                            f"({self.kind_of(node)}) does not keep the batch on one axis "
                            f"(shape {shape})")

    def require_last_axis(self, node, x, dim, what):
        rank = len(shape_of(x))
        if dim not in (-1, rank - 1) or self.sample_axis(x, rank - 1) is None:
            self.fail(node, f"{what} must act on the last axis of a sample")

    def kind_of(self, node):
        if node.op == "call_module":
            return type(self.module_of(node)).__name__
        target = node.target
        return getattr(target, "__name__", str(target)) if node.op == "call_function" else \
            f"Tensor.{target}"

    def activation_inputs(self, node):
        import torch.fx
        found = []

        def visit(arg):
            if isinstance(arg, torch.fx.Node) and (arg in self.values or arg in self.learned
                                                   or arg in self.tuples):
                found.append(arg)
            return arg

        torch.fx.node.map_arg((node.args, node.kwargs), visit)
        return found

    def value(self, node):
        """The layer holding a node's activation; a learned tensor becomes one here."""
        if node not in self.values and node in self.learned:
            self.values[node] = self.materialize(node)
        return self.values[node]

    def base_name(self, node, op):
        scope = node.meta.get("dnnsim_scope", "")
        return f"{scope}.{op}" if scope else op

    def add(self, node, name, type_, inputs, module=None, held=(), **attrs):
        """A layer for `node`, holding the parameters of `module` (or `held`)."""
        held = list(module.parameters()) if module is not None else list(held)
        self.used.update(id(p) for p in held)
        self.values[node] = self.w.add(name, type_, [self.value(i) for i in inputs],
                                       node.name, **attrs)
        self.w.expect(self.values[node], sum(p.numel() for p in held), self.sample_shape(node))
        return self.values[node]

    def alias(self, node, x):
        self.values[node] = self.value(x)
        return self.values[node]

    def node_name(self, node):
        return node.target if node.op == "call_module" else node.name

    def fail(self, node, why=""):
        raise unmappable(self.model_name, self.node_name(node), self.kind_of(node), why)

    def unknown_node(self, node, why=""):
        inputs = self.activation_inputs(node)
        if not self.allow_unknown:
            self.fail(node, why)
        if not inputs or shape_of(inputs[0]) != shape_of(node):
            raise ImportFailure(f"model '{self.model_name}': node '{self.node_name(node)}' of "
                                f"type {self.kind_of(node)} cannot pass through as an identity: "
                                f"its output shape {shape_of(node)} differs from its input's")
        name = node.target if node.op == "call_module" else self.base_name(node, "identity")
        self.add(node, name, "identity", inputs[:1])
        self.unknown.append((self.node_name(node), self.kind_of(node)))

    # -- the walk --------------------------------------------------------------------
    def run(self):
        import torch
        for node in self.gm.graph.nodes:
            if node.op == FX_ARGUMENT:
                if self.values:
                    raise ImportFailure(f"model '{self.model_name}': forward() takes more than "
                                        f"one input; dnnsim workloads have one")
                self.values[node], self.batch[node] = INPUT, 0
            elif node.op == "output" or node in self.consumed:
                continue
            elif node in self.attention:
                self.hand_written_attention(self.attention[node])
            elif not node.users:
                continue  # computed and never read (`out, _ = attention(x, x, x)`)
            elif node.op == "get_attr":
                value = operator.attrgetter(node.target)(self.gm)
                if isinstance(value, torch.nn.Parameter):
                    self.learn(node, node.target, value)
            elif node.op == "call_module" and isinstance(self.module_of(node),
                                                         torch.nn.MultiheadAttention):
                self.multihead_attention(node, self.module_of(node))
            elif node.op == "call_module" and isinstance(self.module_of(node),
                                                         torch.nn.Embedding):
                if not derived(node.args[0]):
                    self.embedding(node, self.module_of(node), [])
                    continue
                self.visit(node)
            elif self.is_transposed_parameter(node):
                source = node.args[0]
                self.learn(node, self.learned[source].name, self.learned[source].tensor,
                           transposed=True)
            elif is_tensor(node) and self.activation_inputs(node):
                self.visit(node)
            elif derived(node) and is_tensor(node):
                self.fail(node, "it reads a value the importer could not follow")
        self.tie()

    def visit(self, node):
        import torch
        inputs = self.activation_inputs(node)
        if shape_of(node) is None:  # a tuple
            if not calls(node, "split", "chunk", "unbind", torch.split, torch.chunk,
                         torch.unbind):
                self.fail(node, "a result that is a tuple")
            return self.split(node, inputs[0])
        self.batch[node] = self.infer_batch(node, inputs)
        if node.op == "call_module":
            return self.call_module(node)
        return self.call_function(node)

    def hand_written_attention(self, match):
        x = match.qkv
        if x not in self.values or self.batch.get(x) != 0:
            self.fail(match.end, "attention whose fused Q, K and V do not keep the batch first")
        attrs = dict(heads=match.heads)
        if match.mask == "causal":
            attrs["causal"] = True
        if match.dropout:
            attrs["dropout"] = match.dropout
        name = f"{match.scope}.attention" if match.scope else "attention"
        self.batch[match.end] = 0
        self.values[match.end] = self.w.add(name, "attention", [self.values[x]],
                                            match.end.name, **attrs)
        self.w.expect(self.values[match.end], 0, self.sample_shape(match.end))
        if match.mask == "other":
            self.other_masks.append(self.values[match.end])

    def tie(self):
        """Linear layers whose weight is an embedding's table read that table (tied_to)."""
        for layer_name, path in self.ties:
            layer = next(entry for entry in self.w.layers if entry.name == layer_name)
            table = self.module_of_path(path).weight
            params, shape = self.w.expected[layer_name]
            if path in self.embedding_layers:
                layer.attrs["tied_to"] = self.embedding_layers[path]
            else:  # no embedding layer holds the table: the linear does
                self.used.add(id(table))
                self.w.expect(layer_name, params + table.numel(), shape)

    def module_of_path(self, path):
        return self.model.get_submodule(path)


def unused_parameters(model, used):
    """(count, module paths) of the parameters no layer holds (`used`: their id())."""
    unused = {}
    for name, p in model.named_parameters():  # a shared parameter once, by its first name
        if id(p) not in used:
            unused[id(p)] = p.numel()
    if not unused:
        return 0, []
    # The smallest set of modules covering them: a module all of whose parameters are unused.
    roots = []
    for path, module in model.named_modules():
        ids = [id(p) for p in module.parameters()]
        if path and ids and all(i in unused for i in ids):
            if not any(path.startswith(r + ".") for r in roots):
                roots.append(path)
    return sum(unused.values()), roots


def import_module(model, workload: Workload, model_name: str, allow_unknown: bool):
    """Fills `workload` from `model`; returns (notes, warnings). Raises TraceFailure."""
    import torch

    gm = trace(model)
    propagate(gm, workload.sample, EXPORT_BATCH, model_name)
    importer = FxImporter(model, gm, workload, model_name, allow_unknown)
    importer.run()
    count, roots = unused_parameters(model, importer.used)
    warnings = []
    total = sum(p.numel() for p in model.parameters())
    if count:
        warnings.append(f"{count:,} parameters that the inference graph never uses are left out "
                        f"(PyTorch counts {total:,}, the graph uses {total - count:,}): "
                        f"{', '.join(roots)}")
    if importer.unknown:
        listed = ", ".join(f"{n} ({k})" for n, k in importer.unknown)
        warnings.append(f"{len(importer.unknown)} node(s) imported as pass-through identity "
                        f"layers (--allow-unknown): {listed}")
    if importer.other_masks:
        warnings.append(f"attention masks that are neither causal nor empty are imported as "
                        f"attention without `causal` (the same FLOPs): "
                        f"{', '.join(importer.other_masks)}")
    notes = [f"traced with torch.fx {torch.__version__}"]
    return notes, warnings
