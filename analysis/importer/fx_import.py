"""nn.Module -> workload through torch.fx symbolic tracing.

The model is traced with a tracer that remembers which module's forward each node comes
from, and run once on zeros (ShapeProp) so that every node's shape is known. Each node
that computes an activation becomes one layer: a module call is named after the module
(`layer1.0.conv1`, `layer1.0.relu#2` for its second call), an operation written in a
forward() after the module it sits in (`layer1.0.add`). Operations that only scale or
copy an activation (x * 0.5, contiguous(), a cat of one tensor) are folded into their
input.
"""

import operator

from analysis.importer.errors import ImportFailure, unmappable
from analysis.importer.workload import INPUT, Workload

EXPORT_BATCH = 2  # samples of the zero tensor the model runs on
FX_ARGUMENT = "placeholder"  # torch.fx's Node.op for a forward() argument: the model input


class TraceFailure(Exception):
    """torch.fx cannot trace the model: the caller goes through ONNX instead."""


def _tracer_class():
    import torch.fx

    class ScopedTracer(torch.fx.Tracer):
        """Records, on each node, the path of the module whose forward() created it."""

        def __init__(self):
            super().__init__()
            self.scope = [""]

        def call_module(self, m, forward, args, kwargs):
            self.scope.append(self.path_of_module(m))
            try:
                return super().call_module(m, forward, args, kwargs)
            finally:
                self.scope.pop()

        def create_node(self, *args, **kwargs):
            node = super().create_node(*args, **kwargs)
            node.meta["dnnsim_scope"] = self.scope[-1]
            return node

    return ScopedTracer


def trace(model):
    """The traced GraphModule, with every node's output shape; TraceFailure if fx cannot."""
    import torch
    import torch.fx
    from torch.fx.passes.shape_prop import ShapeProp

    try:
        graph = _tracer_class()().trace(model)
    except Exception as error:  # fx raises TraceError, TypeError, ... on dynamic control flow
        raise TraceFailure(f"{type(error).__name__}: {str(error).splitlines()[0]}") from error
    for node in graph.nodes:
        if node.op == "call_module" and isinstance(model.get_submodule(node.target),
                                                   torch.nn.MultiheadAttention):
            raise TraceFailure(f"node '{node.name}' calls nn.MultiheadAttention, which ONNX "
                               f"decomposes into layers dnnsim has")
    return torch.fx.GraphModule(model, graph)


def _shape(node):
    meta = node.meta.get("tensor_meta")
    shape = getattr(meta, "shape", None)
    return None if shape is None else list(shape)


class FxImporter:
    def __init__(self, model, gm, workload: Workload, model_name: str, allow_unknown: bool):
        self.model = model
        self.gm = gm
        self.w = workload
        self.model_name = model_name
        self.allow_unknown = allow_unknown
        self.values = {}       # fx node -> layer name (or INPUT) holding its activation
        self.used_modules = set()
        self.unknown = []      # (node, kind) imported as identity
        self.dropped_params = 0

    # -- helpers ---------------------------------------------------------------------
    def sample_shape(self, node):
        shape = _shape(node)
        if shape is None or not shape or shape[0] != EXPORT_BATCH:
            raise ImportFailure(f"model '{self.model_name}': node '{node.name}' "
                                f"({self.kind_of(node)}) does not keep the batch as its first "
                                f"axis (shape {shape}); the fx importer needs that")
        return shape[1:]

    def kind_of(self, node):
        if node.op == "call_module":
            return type(self.gm.get_submodule(node.target)).__name__
        target = node.target
        return getattr(target, "__name__", str(target)) if node.op == "call_function" else \
            f"Tensor.{target}"

    def activation_inputs(self, node):
        import torch.fx
        found = []

        def visit(arg):
            if isinstance(arg, torch.fx.Node) and arg in self.values:
                found.append(arg)
            return arg

        torch.fx.node.map_arg((node.args, node.kwargs), visit)
        return found

    def base_name(self, node, op):
        scope = node.meta.get("dnnsim_scope", "")
        return f"{scope}.{op}" if scope else op

    def add(self, node, name, type_, inputs, **attrs):
        self.values[node] = self.w.add(name, type_, [self.values[i] for i in inputs],
                                       node.name, **attrs)

    def node_name(self, node):
        return node.target if node.op == "call_module" else node.name

    def fail(self, node, why=""):
        raise unmappable(self.model_name, self.node_name(node), self.kind_of(node), why)

    def unknown_node(self, node, why=""):
        inputs = self.activation_inputs(node)
        if not self.allow_unknown:
            self.fail(node, why)
        if not inputs or _shape(inputs[0]) != _shape(node):
            raise ImportFailure(f"model '{self.model_name}': node '{self.node_name(node)}' of "
                                f"type {self.kind_of(node)} cannot pass through as an identity: its "
                                f"output shape {_shape(node)} differs from its input's")
        name = node.target if node.op == "call_module" else self.base_name(node, "identity")
        self.add(node, name, "identity", inputs[:1])
        self.unknown.append((self.node_name(node), self.kind_of(node)))

    # -- the walk --------------------------------------------------------------------
    def run(self):
        for node in self.gm.graph.nodes:
            if node.op == FX_ARGUMENT:
                if self.values:
                    raise ImportFailure(f"model '{self.model_name}': forward() takes more than "
                                        f"one input; dnnsim workloads have one")
                self.values[node] = INPUT
            elif node.op == "output":
                continue
            elif node.op == "get_attr":
                self.get_attr(node)
            elif not self.activation_inputs(node) or _shape(node) is None:
                continue  # sizes, shape arithmetic, assertions: no activation
            elif node.op == "call_module":
                self.call_module(node)
            else:
                self.call_function(node)

    def get_attr(self, node):
        import torch
        value = operator.attrgetter(node.target)(self.gm)
        if not isinstance(value, torch.nn.Parameter):
            return  # a buffer or constant: not an activation
        shape = list(value.shape)
        if len(shape) > 1 and shape[0] == 1:
            shape = shape[1:]  # broadcast over the batch
        self.values[node] = self.w.add(node.target, "parameter", [], node.name, shape=shape)

    def call_module(self, node):
        import torch.nn as nn
        m = self.gm.get_submodule(node.target)
        inputs = self.activation_inputs(node)
        name = node.target
        out = self.sample_shape(node)

        def pair(v):
            return list(v) if isinstance(v, (tuple, list)) else [v, v]

        simple = {nn.ReLU: "relu", nn.ReLU6: "relu6", nn.GELU: "gelu", nn.SiLU: "silu",
                  nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Hardswish: "hardswish",
                  nn.Identity: "identity"}
        for cls, type_ in simple.items():
            if type(m) is cls:
                self.used_modules.add(node.target)
                return self.add(node, name, type_, inputs[:1])
        if isinstance(m, nn.Conv2d):
            if pair(m.dilation) != [1, 1] or m.padding_mode != "zeros" or isinstance(m.padding, str):
                self.fail(node, "only zero-padded, undilated convolutions with numeric padding")
            attrs = dict(out_channels=m.out_channels, kernel=_compact(pair(m.kernel_size)))
            if pair(m.stride) != [1, 1]:
                attrs["stride"] = _compact(pair(m.stride))
            if pair(m.padding) != [0, 0]:
                attrs["padding"] = _compact(pair(m.padding))
            if m.groups != 1:
                attrs["groups"] = m.groups
            if m.bias is None:
                attrs["bias"] = False
            type_ = "conv2d"
        elif isinstance(m, nn.Linear):
            attrs = dict(out_features=m.out_features)
            if m.bias is None:
                attrs["bias"] = False
            type_ = "linear"
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            if not m.affine:
                self.fail(node, "batchnorm without affine parameters")
            type_, attrs = "batchnorm", {}
        elif isinstance(m, nn.LayerNorm):
            if not m.elementwise_affine:
                self.fail(node, "layernorm without affine parameters")
            type_, attrs = "layernorm", dict(normalized_shape=list(m.normalized_shape))
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            if isinstance(m, nn.MaxPool2d) and pair(m.dilation) != [1, 1]:
                self.fail(node, "dilated pooling")
            kernel = pair(m.kernel_size)
            stride = pair(m.stride if m.stride is not None else m.kernel_size)
            type_ = "maxpool" if isinstance(m, nn.MaxPool2d) else "avgpool"
            attrs = dict(kernel=_compact(kernel))
            if stride != kernel:
                attrs["stride"] = _compact(stride)
            if pair(m.padding) != [0, 0]:
                attrs["padding"] = _compact(pair(m.padding))
            if m.ceil_mode:
                attrs["ceil_mode"] = True
        elif isinstance(m, nn.AdaptiveAvgPool2d):
            type_, attrs = "adaptive_avgpool", dict(output_size=_compact(out[1:]))
        elif isinstance(m, nn.Dropout):
            type_, attrs = "dropout", dict(p=float(m.p))
        elif isinstance(m, nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1 or len(out) != 1:
                self.fail(node, "flatten must start at axis 1 and run to the end")
            type_, attrs = "flatten", {}
        elif isinstance(m, nn.Softmax):
            if m.dim not in (-1, len(out)):
                self.fail(node, "softmax must act on the last axis")
            type_, attrs = "softmax", {}
        else:
            return self.unknown_node(node)
        self.used_modules.add(node.target)
        self.add(node, name, type_, inputs[:1], **attrs)

    def call_function(self, node):
        import torch
        import torch.nn.functional as F
        target = node.target
        inputs = self.activation_inputs(node)
        out = self.sample_shape(node)
        method = target if node.op == "call_method" else None

        def is_(*names_or_functions):
            return any((method is not None and method == t) or target is t
                       for t in names_or_functions)

        def arg(index, key, default=None):
            if len(node.args) > index:
                return node.args[index]
            return node.kwargs.get(key, default)

        rank = len(_shape(inputs[0]))  # of the (first) input, batch included
        unary = [((F.relu, torch.relu, "relu"), "relu"), ((F.relu6,), "relu6"),
                 ((F.gelu, "gelu"), "gelu"), ((F.silu,), "silu"),
                 ((torch.sigmoid, F.sigmoid, "sigmoid"), "sigmoid"),
                 ((torch.tanh, F.tanh, "tanh"), "tanh"), ((F.hardswish,), "hardswish")]
        for functions, type_ in unary:
            if is_(*functions):
                return self.add(node, self.base_name(node, type_), type_, inputs[:1])
        if is_(operator.add, operator.iadd, torch.add, "add", "add_", "__add__", "__iadd__"):
            if len(inputs) == 1:
                self.values[node] = self.values[inputs[0]]  # plus a constant: elementwise
                return None
            return self.add(node, self.base_name(node, "add"), "add", inputs)
        if is_(operator.mul, operator.truediv, operator.sub, torch.mul, "mul", "div", "sub",
               "contiguous", "clone", "expand", "expand_as", "to", "type_as", "float"):
            if len(inputs) == 1 and _shape(inputs[0])[1:] == out:
                self.values[node] = self.values[inputs[0]]  # scaling or copying: elementwise
                return None
            return self.unknown_node(node, "an elementwise product of two activations")
        if is_(torch.cat, torch.concat, "cat"):
            if len(inputs) == 1:
                self.values[node] = self.values[inputs[0]]
                return None
            dim = arg(1, "dim", 0)
            if dim % rank != 1:
                self.fail(node, f"concatenation along axis {dim}; dnnsim joins along axis 1")
            return self.add(node, self.base_name(node, "cat"), "concat", inputs)
        if is_(torch.flatten, "flatten", "view", "reshape", torch.reshape):
            if is_(torch.flatten, "flatten") and arg(1, "start_dim", 0) % rank != 1:
                self.fail(node, "flatten must keep the batch axis")
            if len(out) == 1:
                return self.add(node, self.base_name(node, "flatten"), "flatten", inputs[:1])
            if _shape(inputs[0])[1:] == out:
                self.values[node] = self.values[inputs[0]]
                return None
            return self.add(node, self.base_name(node, "reshape"), "reshape", inputs[:1],
                            shape=out)
        if is_(torch.mean, "mean"):
            dims = arg(1, "dim")
            if dims is None:
                self.fail(node, "a mean over the batch")
            dims = [d % rank for d in (dims if isinstance(dims, (list, tuple)) else [dims])]
            if 0 in dims:
                self.fail(node, "a mean over the batch")
            keepdim = bool(arg(2, "keepdim", False))
            attrs = dict(dims=[d - 1 for d in dims])
            if keepdim:
                attrs["keepdim"] = True
            return self.add(node, self.base_name(node, "mean"), "mean", inputs[:1], **attrs)
        if is_(F.adaptive_avg_pool2d):
            return self.add(node, self.base_name(node, "adaptive_avgpool"), "adaptive_avgpool",
                            inputs[:1], output_size=_compact(out[1:]))
        if is_(F.dropout, "dropout"):
            return self.add(node, self.base_name(node, "dropout"), "dropout", inputs[:1],
                            p=float(arg(1, "p", 0.5)))
        if is_(F.softmax, torch.softmax, "softmax"):
            if arg(1, "dim") not in (-1, rank - 1):
                self.fail(node, "softmax must act on the last axis")
            return self.add(node, self.base_name(node, "softmax"), "softmax", inputs[:1])
        if is_(torch.matmul, operator.matmul, torch.bmm, "matmul", "bmm"):
            if len(inputs) != 2:
                return self.unknown_node(node, "a product with a constant")
            return self.add(node, self.base_name(node, "matmul"), "matmul", inputs)
        if is_(torch.permute, "permute", torch.transpose, "transpose"):
            full = list(range(rank))
            if is_(torch.transpose, "transpose"):
                a, b = arg(1, "dim0") % rank, arg(2, "dim1") % rank
                full[a], full[b] = full[b], full[a]
            else:
                dims = node.args[1:] if method and len(node.args) > 2 else arg(1, "dims")
                full = [d % rank for d in dims]
            if full[0] != 0:
                self.fail(node, "a permutation that moves the batch axis")
            return self.add(node, self.base_name(node, "transpose"), "transpose", inputs[:1],
                            perm=[d - 1 for d in full[1:]])
        return self.unknown_node(node)


def _compact(pair):
    return pair[0] if len(pair) == 2 and pair[0] == pair[1] else list(pair)


def unused_parameters(model, used_modules, used_attrs):
    """(count, module paths) of the parameters the traced graph never uses."""
    unused = {}
    for name, p in model.named_parameters():
        owner = name.rsplit(".", 1)[0] if "." in name else ""
        if owner in used_modules or name in used_attrs:
            continue
        unused[name] = p.numel()
    if not unused:
        return 0, []
    # The smallest set of modules covering them: a module all of whose parameters are unused.
    roots = []
    for path, module in model.named_modules():
        names = [f"{path}.{n}" if path else n for n, _ in module.named_parameters()]
        if path and names and all(n in unused for n in names):
            if not any(path.startswith(r + ".") for r in roots):
                roots.append(path)
    return sum(unused.values()), roots


def import_module(model, workload: Workload, model_name: str, allow_unknown: bool):
    """Fills `workload` from `model`; returns (notes, warnings). Raises TraceFailure."""
    import torch
    from torch.fx.passes.shape_prop import ShapeProp

    gm = trace(model)
    sample = torch.zeros([EXPORT_BATCH] + workload.input_dims)
    try:
        with torch.no_grad():
            ShapeProp(gm).propagate(sample)
    except Exception as error:
        raise ImportFailure(f"model '{model_name}': running it on a zero tensor of shape "
                            f"{list(sample.shape)} failed: {type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''}") from error
    importer = FxImporter(model, gm, workload, model_name, allow_unknown)
    importer.run()
    used_attrs = {n.target for n in gm.graph.nodes if n.op == "get_attr"}
    count, roots = unused_parameters(model, importer.used_modules, used_attrs)
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
    notes = [f"traced with torch.fx {torch.__version__}"]
    return notes, warnings
