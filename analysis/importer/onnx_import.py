"""ONNX graph -> workload.

Nodes are visited in the graph's (topological) order. Values computed from the network
input are activations; each activation op becomes a layer, or is folded into its input when
it only scales or relabels it. Shape arithmetic (Shape, Gather on shapes, Concat of sizes,
...) is evaluated with numpy so that Reshape and Slice targets are known. Where the batch
lies in each activation is followed through reshapes and transposes (batch_axis.py), so
that attention's [N*heads, T, d] tensors read as [heads, T, d] per sample.

Names: a layer with parameters is named after them (`conv_proj` for `conv_proj.weight`,
`...self_attention.in_proj` for `in_proj_bias`); a parameter-free layer after the module
scope of its ONNX node (`/encoder/layers/encoder_layer_0/Add` ->
`encoder.layers.encoder_layer_0.add`), or the module itself when it is the only layer
there (`...mlp.1` for the GELU that is all of module mlp.1).
"""

import io
import re

from analysis.importer.batch_axis import Batch
from analysis.importer.errors import ImportFailure, unmappable
from analysis.importer.onnx_transformer import TransformerMapping
from analysis.importer.workload import INPUT, Workload

OPSET = 17  # has LayerNormalization
EXPORT_BATCH = 2
_SYNTHETIC = re.compile(r"^(onnx::|/|$)|^[0-9]+$")


def export(model, sample, model_name):
    """The model as ONNX, exported in memory on a zero tensor of EXPORT_BATCH samples."""
    import onnx
    import torch

    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        # Distinct values: the exporter merges initializers with equal contents (a layer
        # norm's ones and zeros), which would hide which parameter each node uses.
        for p in model.parameters():
            p.uniform_(-1.0, 1.0, generator=generator)
    buffer = io.BytesIO()
    try:
        torch.onnx.export(model, sample.zeros(EXPORT_BATCH), buffer,
                          opset_version=OPSET, input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
    except Exception as error:
        raise ImportFailure(f"model '{model_name}': torch.fx cannot trace it and exporting it "
                            f"to ONNX failed: {type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''}") from error
    return onnx.load_from_string(buffer.getvalue())


def load(path):
    import onnx
    try:
        return onnx.load(path)
    except Exception as error:
        raise ImportFailure(f"{path}: not a readable ONNX model: {error}") from error


def _attrs(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _scope(node_name: str) -> str:
    """'/encoder/layers/encoder_layer_0/mlp/mlp.1/Erf' -> 'encoder.layers.encoder_layer_0.mlp.1'."""
    if not node_name.startswith("/"):
        return ""
    parts = [p for p in node_name.split("/")[1:-1] if p]
    path = []
    for part in parts:
        if path and part.startswith(path[-1] + "."):
            part = part[len(path[-1]) + 1:]  # Sequential children are named 'mlp.1' in 'mlp'
        path.append(part)
    return ".".join(path)


def _param_name(init_name: str) -> str:
    for suffix in (".weight", ".bias", "_weight", "_bias", ".scale"):
        if init_name.endswith(suffix):
            return init_name[: -len(suffix)]
    return init_name


def _compact(values):
    values = [int(v) for v in values]
    return values[0] if len(values) == 2 and values[0] == values[1] else values


class OnnxImporter(TransformerMapping):
    def __init__(self, proto, workload: Workload, model_name: str, allow_unknown: bool):
        import numpy as np
        from onnx import numpy_helper, shape_inference

        self.np = np
        self.w = workload
        self.model_name = model_name
        self.allow_unknown = allow_unknown
        graph = proto.graph
        self.inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        inputs = [i for i in graph.input if i.name not in self.inits]
        if len(inputs) != 1:
            raise ImportFailure(f"model '{model_name}': the graph has {len(inputs)} inputs; "
                                f"dnnsim workloads have one")
        dims = inputs[0].type.tensor_type.shape.dim
        batch = dims[0].dim_value if dims and dims[0].HasField("dim_value") else 0
        self.n = batch or EXPORT_BATCH
        expected = [self.n] + workload.input_dims
        for d, value in zip(dims, expected):
            d.ClearField("dim_param")
            d.dim_value = value
        if len(dims) != len(expected):
            raise ImportFailure(f"model '{model_name}': its input has {len(dims)} axes; --input "
                                f"{'x'.join(map(str, workload.input_dims))} with the batch makes "
                                f"{len(expected)}")
        try:
            inferred = shape_inference.infer_shapes(proto, data_prop=True)
        except Exception:  # shapes are then computed below where needed
            inferred = proto
        self.known = {}
        for v in list(inferred.graph.value_info) + list(inferred.graph.output):
            ds = v.type.tensor_type.shape.dim
            if ds and all(d.HasField("dim_value") for d in ds):
                self.known[v.name] = [d.dim_value for d in ds]
        self.graph = graph
        self.consts = dict(self.inits)     # name -> numpy value (initializers, shape math)
        self.layer = {inputs[0].name: INPUT}  # activation -> layer name
        self.shape = {inputs[0].name: expected}
        self.batch = {inputs[0].name: Batch(0)}
        self.learned = {}                  # name -> initializer name (Expand of a parameter)
        self.consumers = {}
        for node in graph.node:
            for i in node.input:
                self.consumers.setdefault(i, []).append(node)
        self.consumed = set()              # nodes fused into an earlier layer
        # MatMul linears whose bias Add may follow -> whether the layer is named after its
        # scope for want of a parameter name (its bias's name then renames it).
        self.pending_bias = {}
        self.scopes = {}                   # layer name -> (scope, type) of parameter-free layers
        self.unknown = []
        self.dropped = 0
        self.tables = []                   # (embedding layer, its table)
        self.rows = {}                     # name -> (initializer, positions): rows of a table
        self.masks = {}                    # scores -> the boolean mask folded into them
        self.softmax_masks = {}            # softmax layer -> the mask of its scores

    # -- helpers ---------------------------------------------------------------------
    def fail(self, node, why=""):
        raise unmappable(self.model_name, node.name or node.output[0], node.op_type, why)

    def is_act(self, name):
        return name in self.layer

    def sample(self, name):
        return self.batch[name].sample_shape(self.shape[name], self.n)

    def const(self, name):
        return self.consts.get(name)

    def set_out(self, node, name, layer, shape, batch):
        if not batch.valid(shape, self.n):
            self.fail(node, f"its output {shape} does not keep the {self.n} samples on one axis")
        self.layer[name] = layer
        self.shape[name] = list(shape)
        self.batch[name] = batch

    def alias(self, node, source):
        self.set_out(node, node.output[0], self.layer[source], self.shape[source],
                     self.batch[source])
        if source in self.masks:  # a scaling after a mask: still the masked scores
            self.masks[node.output[0]] = self.masks[source]

    def add_layer(self, node, type_, inputs, full_shape, batch, name=None, **attrs):
        scope = _scope(node.name)
        if name is None:
            base = f"{scope}.{type_}" if scope else type_
        else:
            base = name
        layer = self.w.add(base, type_, [self.layer[i] for i in inputs], node.name, **attrs)
        if name is None:
            self.scopes[layer] = (scope, type_)
        self.set_out(node, node.output[0], layer, full_shape, batch)
        return layer

    def parameter(self, node, init_name, sample_shape):
        return self.w.add(init_name, "parameter", [], node.name, shape=list(sample_shape))

    def out_shape(self, node, fallback):
        return self.known.get(node.output[0]) or fallback

    def unknown_node(self, node, why=""):
        if not self.allow_unknown:
            self.fail(node, why)
        acts = [i for i in node.input if self.is_act(i)]
        out = self.known.get(node.output[0])
        if not acts or (out is not None and out != self.shape[acts[0]]):
            raise ImportFailure(f"model '{self.model_name}': node '{node.name}' of type "
                                f"{node.op_type} cannot pass through as an identity: its output "
                                f"shape {out} differs from its input's")
        self.add_layer(node, "identity", acts[:1], self.shape[acts[0]], self.batch[acts[0]])
        self.dropped += sum(self.inits[i].size for i in node.input if i in self.inits)
        self.unknown.append((node.name or node.output[0], node.op_type))

    # -- shape arithmetic ------------------------------------------------------------
    def evaluate(self, node):
        """Evaluates a node on constants with numpy; leaves its outputs unknown if it cannot."""
        np = self.np
        a = _attrs(node)
        x = [self.consts.get(i) if i else None for i in node.input]
        op = node.op_type
        try:
            if op == "Constant":
                from onnx import numpy_helper
                value = numpy_helper.to_array(a["value"]) if "value" in a else np.array(
                    a.get("value_int", a.get("value_ints", a.get("value_float"))))
            elif any(value is None for name, value in zip(node.input, x) if name):
                return  # an input is not a constant
            elif op == "Gather":
                value = np.take(x[0], x[1], axis=a.get("axis", 0))
            elif op == "Unsqueeze":
                axes = a.get("axes", x[1] if len(x) > 1 else None)
                value = x[0]
                for ax in sorted(int(v) % (value.ndim + len(axes)) for v in axes):
                    value = np.expand_dims(value, ax)
            elif op == "Squeeze":
                axes = a.get("axes", x[1] if len(x) > 1 else None)
                value = np.squeeze(x[0], axis=tuple(int(v) for v in axes) if axes is not None else None)
            elif op == "Concat":
                value = np.concatenate(x, axis=a["axis"])
            elif op in ("Add", "Sub", "Mul", "Div", "Equal"):
                fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Equal": np.equal,
                      "Div": np.floor_divide if x[0].dtype.kind in "iu" else np.divide}[op]
                value = fn(x[0], x[1])
            elif op == "Where":
                value = np.where(x[0], x[1], x[2])
            elif op in ("Pow", "Sqrt", "Reciprocal", "Neg"):
                value = {"Pow": lambda: np.power(x[0], x[1]), "Sqrt": lambda: np.sqrt(x[0]),
                         "Reciprocal": lambda: np.reciprocal(np.asarray(x[0], np.float64)),
                         "Neg": lambda: np.negative(x[0])}[op]()
            elif op == "ConstantOfShape":
                from onnx import numpy_helper
                fill = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
                value = np.full([int(v) for v in x[0]], fill.flat[0], dtype=fill.dtype)
            elif op == "Cast":
                from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE
                value = np.asarray(x[0]).astype(TENSOR_TYPE_TO_NP_TYPE[a["to"]])
            elif op == "Identity":
                value = x[0]
            elif op == "Shape":
                value = np.array(np.shape(x[0]), dtype=np.int64)
            elif op == "Slice":
                axes = x[3] if len(x) > 3 and x[3] is not None else range(len(x[1]))
                index = [slice(None)] * x[0].ndim
                for ax, s, e in zip(axes, x[1], x[2]):
                    index[int(ax)] = slice(int(s), int(e))
                value = x[0][tuple(index)]
            elif op == "Trilu":
                k = int(x[1]) if len(x) > 1 and x[1] is not None else 0
                value = np.triu(x[0], k) if a.get("upper", 1) else np.tril(x[0], k)
            elif op == "Range":
                value = np.arange(x[0], x[1], x[2])
            elif op == "Reshape":
                value = x[0].reshape([int(v) for v in x[1]])
            else:
                return
        except Exception:
            return
        self.consts[node.output[0]] = np.asarray(value)

    # -- the walk --------------------------------------------------------------------
    def run(self):
        for node in self.graph.node:  # fusions look ahead at constants defined later
            if node.op_type == "Constant":
                self.evaluate(node)
        for node in self.graph.node:
            if node.output[0] in self.consumed:
                continue
            acts = [i for i in node.input if i and self.is_act(i)]
            if node.op_type in ("Shape", "Size") and acts:
                shape = self.np.array(self.shape[acts[0]], dtype=self.np.int64)
                self.consts[node.output[0]] = shape if node.op_type == "Shape" else \
                    self.np.array(shape.prod())
            elif not acts:
                if node.op_type == "Identity" and node.input[0] in self.inits:
                    # The exporter shares initializers of equal values (two zero biases).
                    self.inits[node.output[0]] = self.inits[node.input[0]]
                    self.consts[node.output[0]] = self.inits[node.input[0]]
                elif node.op_type == "Expand" and node.input[0] in self.inits and \
                        self.inits[node.input[0]].size > 1:
                    self.learned[node.output[0]] = node.input[0]
                else:
                    self.evaluate(node)
                    self.learn_rows(node)
            else:
                self.map(node, acts)
        output = self.graph.output[0].name
        if output not in self.layer:
            raise ImportFailure(f"model '{self.model_name}': the graph's output '{output}' does "
                                f"not come from its input")
        self.fuse_attention(output)
        self.name_by_scope()

    def name_by_scope(self):
        """A parameter-free layer alone in its module scope takes the module's name."""
        by_scope = {}
        for layer, (scope, _) in self.scopes.items():
            by_scope.setdefault(scope, []).append(layer)
        taken = {layer.name for layer in self.w.layers}
        renames = {}
        for scope, layers in by_scope.items():
            if scope and len(layers) == 1 and scope not in taken and \
                    not any(n.startswith(scope + ".") and n != layers[0] for n in taken):
                renames[layers[0]] = scope
        for layer in self.w.layers:
            layer.name = renames.get(layer.name, layer.name)
            layer.inputs = [renames.get(i, i) for i in layer.inputs]

    def map(self, node, acts):
        op = node.op_type
        a = _attrs(node)
        x = acts[0]
        shape, batch = self.shape[x], self.batch[x]
        unary = {"Relu": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh", "HardSwish": "hardswish",
                 "Gelu": "gelu", "FastGelu": "gelu"}
        if op in ("Identity", "Dropout", "Cast", "Contiguous"):
            return self.alias(node, x)
        if op == "Sigmoid" and self.match_silu(node, x):
            return None
        if op in unary:
            return self.add_layer(node, unary[op], [x], shape, batch)
        if op == "Clip":
            lo, hi = (self.const(i) if len(node.input) > k and node.input[k] else None
                      for k, i in ((1, node.input[1] if len(node.input) > 1 else ""),
                                   (2, node.input[2] if len(node.input) > 2 else "")))
            if lo is not None and hi is not None and float(lo) == 0.0 and float(hi) == 6.0:
                return self.add_layer(node, "relu6", [x], shape, batch)
            return self.unknown_node(node, "a clip other than ReLU6")
        if op in ("Add", "Sub", "Mul", "Div"):
            return self.elementwise(node, acts)
        if op == "Conv":
            return self.conv(node, x, a)
        if op == "Gemm":
            return self.gemm(node, x, a)
        if op == "MatMul":
            return self.matmul(node, acts)
        if op == "BatchNormalization":
            if batch != Batch(0):
                self.fail(node, "batchnorm on a tensor whose batch is not its first axis")
            return self.add_layer(node, "batchnorm", [x], shape, batch,
                                  name=_param_name(node.input[1]))
        if op == "LayerNormalization":
            axis = a.get("axis", -1) % len(shape)
            if batch.axis >= axis or len(node.input) < 3 or not node.input[2]:
                self.fail(node, "layer norm over the batch, or without a bias")
            return self.add_layer(node, "layernorm", [x], shape, batch,
                                  name=_param_name(node.input[1]),
                                  normalized_shape=list(shape[axis:]))
        if op in ("MaxPool", "AveragePool"):
            return self.pool(node, x, a)
        if op == "GlobalAveragePool":
            out = shape[:2] + [1] * (len(shape) - 2)
            return self.add_layer(node, "adaptive_avgpool", [x], out, batch, output_size=1)
        if op == "ReduceMean":
            return self.reduce_mean(node, x, a)
        if op == "Flatten" and a.get("axis", 1) == 1 and batch == Batch(0):
            return self.add_layer(node, "flatten", [x], [shape[0], self.np.prod(shape[1:])],
                                  batch)
        if op in ("Flatten", "Reshape", "Squeeze", "Unsqueeze"):
            return self.reshape(node, x, a)
        if op == "Transpose":
            return self.transpose(node, x, a)
        if op == "Concat":
            return self.concat(node, a)
        if op == "Gather" and node.input[0] in self.inits and node.input[1] == x:
            return self.embedding(node, x)
        if op == "Gather":
            return self.gather(node, x, a)
        if op == "Where":
            return self.where(node, acts)
        if op == "Slice":
            return self.slice(node, x)
        if op == "Split":
            return self.split(node, x, a)
        if op == "Softmax":
            axis = a.get("axis", -1) % len(shape)
            if axis != len(shape) - 1 or axis == batch.axis:
                self.fail(node, "softmax must act on the last axis")
            layer = self.add_layer(node, "softmax", [x], shape, batch)
            if x in self.masks:
                self.softmax_masks[layer] = self.masks[x]
            return layer
        return self.unknown_node(node)

    # -- fusions ---------------------------------------------------------------------
    def only_consumer(self, name, op):
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op else None

    def scalar(self, name):
        value = self.const(name)
        return None if value is None or value.size != 1 else float(value.flat[0])

    def match_gelu(self, div, x):
        """x / sqrt(2) -> Erf -> + 1 -> x * . -> * 0.5: GELU as PyTorch exports it."""
        if self.scalar(div.input[1]) is None:
            return False
        erf = self.only_consumer(div.output[0], "Erf")
        plus = erf and self.only_consumer(erf.output[0], "Add")
        times = plus and self.only_consumer(plus.output[0], "Mul")
        half = times and self.only_consumer(times.output[0], "Mul")
        if not half or x not in times.input or self.scalar(half.input[1]) is None:
            return False
        self.consumed.update(n.output[0] for n in (erf, plus, times, half))
        half_node = type("Node", (), {"name": div.name, "output": half.output,
                                      "op_type": "Gelu"})
        self.add_layer(half_node, "gelu", [x], self.shape[x], self.batch[x])
        return True

    def match_silu(self, sigmoid, x):
        times = self.only_consumer(sigmoid.output[0], "Mul")
        if not times or x not in times.input:
            return False
        self.consumed.add(times.output[0])
        silu = type("Node", (), {"name": sigmoid.name, "output": times.output, "op_type": "Silu"})
        self.add_layer(silu, "silu", [x], self.shape[x], self.batch[x])
        return True

    def elementwise(self, node, acts):
        op = node.op_type
        x = acts[0]
        shape, batch = self.shape[x], self.batch[x]
        if op == "Div" and self.match_gelu(node, x):
            return None
        if len(acts) == 2:
            if op != "Add" or self.sample(acts[0]) != self.sample(acts[1]) or \
                    self.batch[acts[0]] != self.batch[acts[1]]:
                return self.unknown_node(node, "an elementwise op of two activations other "
                                               "than an addition of equal shapes")
            return self.add_layer(node, "add", acts, shape, batch)
        other = next(i for i in node.input if i != x)
        if other in self.rows and op == "Add":
            return self.add_rows(node, x, other)
        if op == "Add" and self.is_mask(other):
            self.alias(node, x)  # an additive mask (0 or -inf): elementwise, folded
            self.masks[node.output[0]] = self.const(other) <= -1e4
            return None
        if other in self.learned or (other in self.inits and self.inits[other].size > 1
                                     and op in ("Add", "Sub")):
            init = self.learned.get(other, other)
            layer = self.layer[x]
            if op == "Add" and layer in self.pending_bias and other in self.inits and \
                    self.inits[other].ndim == 1 and len(self.consumers.get(x, [])) == 1:
                return self.fold_bias(node, x, other)
            sample = self.sample(x)
            value_shape = list(self.inits[init].shape)
            while len(value_shape) > len(sample) and value_shape[0] == 1:
                value_shape = value_shape[1:]
            if value_shape != sample:
                return self.unknown_node(node, f"a learned tensor of shape {value_shape} "
                                               f"broadcast over samples of shape {sample}")
            if op == "Add" and len(sample) == 2 and other not in self.learned:
                return self.position_embedding(node, x, init, sample)
            param = self.parameter(node, init, value_shape)
            self.layer[f"{node.output[0]}#param"] = param
            layer = self.w.add(f"{_scope(node.name)}.add" if _scope(node.name) else "add", "add",
                               [self.layer[x], param], node.name)
            self.scopes[layer] = (_scope(node.name), "add")
            return self.set_out(node, node.output[0], layer, shape, batch)
        if self.scalar(other) is not None or (other not in self.consts and
                                              self.known.get(other) in ([], [1])):
            return self.alias(node, x)  # scaling by a constant: elementwise, folded
        return self.unknown_node(node, "an elementwise op with a constant tensor")

    def fold_bias(self, node, x, bias):
        layer_name = self.layer[x]
        layer = next(entry for entry in self.w.layers if entry.name == layer_name)
        named_by_scope = self.pending_bias.pop(layer_name)
        layer.attrs.pop("bias", None)
        if named_by_scope and _param_name(bias) != layer.name:
            self.w.release(layer.name)  # named after its scope until its bias told its name
            layer.name = self.w.unique_name(_param_name(bias))
        self.set_out(node, node.output[0], layer.name, self.shape[x], self.batch[x])

    # -- weighted layers --------------------------------------------------------------
    def conv(self, node, x, a):
        w = self.inits.get(node.input[1])
        if w is None or w.ndim != 4 or self.batch[x] != Batch(0):
            self.fail(node, "only 2-D convolutions with constant weights on [N, C, H, W]")
        pads = list(a.get("pads", [0, 0, 0, 0]))
        if any(d != 1 for d in a.get("dilations", [1, 1])) or pads[:2] != pads[2:] or \
                a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.fail(node, "dilated, asymmetric or auto-padded convolution")
        attrs = dict(out_channels=int(w.shape[0]), kernel=_compact(w.shape[2:]),
                     stride=_compact(a.get("strides", [1, 1])), padding=_compact(pads[:2]))
        if a.get("group", 1) != 1:
            attrs["groups"] = int(a["group"])
        if len(node.input) < 3 or not node.input[2]:
            attrs["bias"] = False
        s = self.shape[x]
        k, st, p = list(w.shape[2:]), a.get("strides", [1, 1]), pads[:2]
        out = self.out_shape(node, [s[0], int(w.shape[0])] +
                             [(s[2 + i] + 2 * p[i] - k[i]) // st[i] + 1 for i in range(2)])
        return self.add_layer(node, "conv2d", [x], out, Batch(0),
                              name=_param_name(node.input[1]), **attrs)

    def gemm(self, node, x, a):
        w = self.inits.get(node.input[1])
        if w is None or a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or \
                a.get("beta", 1.0) != 1.0:
            self.fail(node, "a Gemm other than x W^T + b with constant W")
        out_features = int(w.shape[0] if a.get("transB", 0) else w.shape[1])
        attrs = dict(out_features=out_features)
        has_bias = len(node.input) > 2 and node.input[2]
        if not has_bias:
            attrs["bias"] = False
        name = node.input[1] if not _SYNTHETIC.match(node.input[1]) else \
            (node.input[2] if has_bias else _scope(node.name))
        tied = self.tied_table(w.T if a.get("transB", 0) else w)
        if tied:
            attrs["tied_to"] = tied
        shape = self.shape[x][:-1] + [out_features]
        return self.linear(node, x, shape, _param_name(name), attrs)

    def linear(self, node, x, shape, name, attrs):
        batch = self.batch[x]
        sample = self.sample(x)
        if batch.axis == len(self.shape[x]) - 1 or len(sample) not in (1, 2):
            self.fail(node, f"a linear layer on samples of shape {sample}; dnnsim's read "
                            f"[features] or [tokens, features]")
        return self.add_layer(node, "linear", [x], shape, batch, name=name or None, **attrs)

    def matmul(self, node, acts):
        if len(acts) == 2:
            a, b = acts
            if self.batch[a] != self.batch[b] or self.batch[a].axis >= len(self.shape[a]) - 2:
                self.fail(node, "a product of activations whose samples lie differently")
            shape = self.shape[a][:-1] + [self.shape[b][-1]]
            return self.add_layer(node, "matmul", acts, shape, self.batch[a])
        x = acts[0]
        w = self.inits.get(node.input[1])
        if node.input[0] != x or w is None or w.ndim != 2:
            self.fail(node, "a product with a constant that is not a [in, out] weight")
        synthetic = bool(_SYNTHETIC.match(node.input[1]))
        attrs = dict(out_features=int(w.shape[1]), bias=False)
        tied = self.tied_table(w)
        if tied:
            attrs["tied_to"] = tied
        name = _param_name(node.input[1]) if not synthetic else _scope(node.name)
        layer = self.linear(node, x, self.shape[x][:-1] + [int(w.shape[1])], name, attrs)
        # Kept beside the layer, not in its attrs: every attr is written to the YAML.
        self.pending_bias[layer] = synthetic
        return layer

    def pool(self, node, x, a):
        if self.batch[x] != Batch(0) or any(d != 1 for d in a.get("dilations", [1, 1])):
            self.fail(node, "pooling must read [N, C, H, W] without dilation")
        pads = list(a.get("pads", [0, 0, 0, 0]))
        if pads[:2] != pads[2:]:
            self.fail(node, "asymmetric padding")
        kernel = list(a["kernel_shape"])
        attrs = dict(kernel=_compact(kernel), stride=_compact(a.get("strides", [1, 1])))
        if pads[:2] != [0, 0]:
            attrs["padding"] = _compact(pads[:2])
        if a.get("ceil_mode", 0):
            attrs["ceil_mode"] = True
        type_ = "maxpool" if node.op_type == "MaxPool" else "avgpool"
        out = self.known.get(node.output[0])
        if out is None:
            self.fail(node, "its output shape is unknown")
        return self.add_layer(node, type_, [x], out, Batch(0), **attrs)

    # -- data movement ---------------------------------------------------------------
    def reduce_mean(self, node, x, a):
        shape, batch = self.shape[x], self.batch[x]
        axes = a.get("axes")
        if axes is None and len(node.input) > 1:
            axes = self.const(node.input[1])
        if axes is None:
            self.fail(node, "a mean over every axis")
        axes = sorted(int(v) % len(shape) for v in axes)
        keep = bool(a.get("keepdims", 1))
        sample_axes = [batch.sample_axis(v, shape, self.n) for v in axes]
        if batch.axis in axes or None in sample_axes or batch != Batch(0):
            self.fail(node, "a mean over the batch")
        out = [1 if i in axes else d for i, d in enumerate(shape) if keep or i not in axes]
        attrs = dict(dims=sample_axes)
        if keep:
            attrs["keepdim"] = True
        return self.add_layer(node, "mean", [x], out, batch, **attrs)

    def reshape(self, node, x, a):
        np = self.np
        shape, batch = self.shape[x], self.batch[x]
        if node.op_type == "Reshape":
            target = self.const(node.input[1])
            if target is None:
                self.fail(node, "its target shape is not a constant")
            target = [int(v) for v in target]
            if not a.get("allowzero", 0):
                target = [shape[i] if v == 0 else v for i, v in enumerate(target)]
            if -1 in target:
                rest = int(np.prod([v for v in target if v != -1]))
                target[target.index(-1)] = int(np.prod(shape)) // rest
        else:
            target = self.known.get(node.output[0])
            if target is None:
                if node.op_type == "Flatten":
                    ax = a.get("axis", 1)
                    target = [int(np.prod(shape[:ax])), int(np.prod(shape[ax:]))]
                else:
                    self.fail(node, "its output shape is unknown")
        new_batch = batch.after_reshape(shape, target, self.n)
        if new_batch is None:
            self.fail(node, f"the reshape from {shape} to {target} mixes samples")
        sample_in = batch.sample_shape(shape, self.n)
        sample_out = new_batch.sample_shape(target, self.n)
        if sample_in == sample_out:
            return self.set_out(node, node.output[0], self.layer[x], target, new_batch)
        if len(sample_out) == 1:
            return self.add_layer(node, "flatten", [x], target, new_batch)
        return self.add_layer(node, "reshape", [x], target, new_batch, shape=sample_out)

    def transpose(self, node, x, a):
        shape, batch = self.shape[x], self.batch[x]
        perm = list(a.get("perm", reversed(range(len(shape)))))
        out = [shape[p] for p in perm]
        new_batch = batch.after_transpose(perm)
        sample_perm = [batch.sample_axis(p, shape, self.n) for p in perm]
        sample_perm = [p for p in sample_perm if p is not None]
        if sample_perm == sorted(sample_perm):
            return self.set_out(node, node.output[0], self.layer[x], out, new_batch)
        return self.add_layer(node, "transpose", [x], out, new_batch, perm=sample_perm)

    def concat(self, node, a):
        acts = [i for i in node.input if self.is_act(i)]
        x = acts[0]
        shape, batch = self.shape[x], self.batch[x]
        axis = a["axis"] % len(shape)
        if batch.sample_axis(axis, shape, self.n) != 0 or axis == batch.axis:
            self.fail(node, "a concatenation that is not along a sample's first axis")
        names, out = [], list(shape)
        out[axis] = 0
        for i in node.input:
            if self.is_act(i):
                if self.batch[i] != batch:
                    self.fail(node, "inputs whose samples lie differently")
                names.append(self.layer[i])
                out[axis] += self.shape[i][axis]
            elif i in self.learned:
                value_shape = list(self.inits[self.learned[i]].shape)
                sample = value_shape[1:] if value_shape[0] == 1 else value_shape
                names.append(self.parameter(node, self.learned[i], sample))
                out[axis] += value_shape[axis] if len(value_shape) == len(shape) else sample[0]
            else:
                self.fail(node, "a concatenation with a constant")
        if len(names) == 1:
            return self.alias(node, x)
        scope = _scope(node.name)
        layer = self.w.add(f"{scope}.concat" if scope else "concat", "concat", names, node.name)
        self.scopes[layer] = (scope, "concat")
        return self.set_out(node, node.output[0], layer, out, batch)

    def gather(self, node, x, a):
        shape, batch = self.shape[x], self.batch[x]
        index = self.const(node.input[1])
        axis = a.get("axis", 0) % len(shape)
        sample_axis = batch.sample_axis(axis, shape, self.n)
        if index is None or index.size != 1 or axis == batch.axis or sample_axis is None:
            self.fail(node, "a gather other than one constant index of a sample's axis")
        start = int(index.flat[0]) % shape[axis]
        out = shape[:axis] + ([1] if index.ndim else []) + shape[axis + 1:]
        new_batch = Batch(batch.axis - 1 if axis < batch.axis and not index.ndim else batch.axis,
                          batch.inner)
        attrs = dict(dim=sample_axis, start=start, end=start + 1)
        if not index.ndim:
            attrs["squeeze"] = True
        return self.add_layer(node, "slice", [x], out, new_batch, **attrs)

    def slice(self, node, x):
        shape, batch = self.shape[x], self.batch[x]
        starts, ends = self.const(node.input[1]), self.const(node.input[2])
        axes = self.const(node.input[3]) if len(node.input) > 3 and node.input[3] else None
        steps = self.const(node.input[4]) if len(node.input) > 4 and node.input[4] else None
        if starts is None or ends is None or len(starts) != 1 or \
                (steps is not None and int(steps[0]) != 1):
            self.fail(node, "a slice other than one constant range with step 1")
        axis = int(axes[0]) % len(shape) if axes is not None else 0
        start = min(max(int(starts[0]) + (shape[axis] if starts[0] < 0 else 0), 0), shape[axis])
        end = min(max(int(ends[0]) + (shape[axis] if ends[0] < 0 else 0), 0), shape[axis])
        return self.slice_layer(node, node.output[0], x, axis, start, end)

    def slice_layer(self, node, output, x, axis, start, end):
        shape, batch = self.shape[x], self.batch[x]
        sample_axis = batch.sample_axis(axis, shape, self.n)
        if axis == batch.axis or sample_axis is None:
            self.fail(node, "a slice across the batch")
        out = list(shape)
        out[axis] = end - start
        if start == 0 and end == shape[axis]:
            return self.set_out(node, output, self.layer[x], out, batch)
        scope = _scope(node.name)
        layer = self.w.add(f"{scope}.slice" if scope else "slice", "slice", [self.layer[x]],
                           node.name, dim=sample_axis, start=start, end=end)
        self.scopes[layer] = (scope, "slice")
        return self.set_out(node, output, layer, out, batch)

    def split(self, node, x, a):
        shape = self.shape[x]
        axis = a.get("axis", 0) % len(shape)
        sizes = a.get("split")
        if sizes is None and len(node.input) > 1 and node.input[1]:
            sizes = self.const(node.input[1])
        if sizes is None:
            sizes = [shape[axis] // len(node.output)] * len(node.output)
        start = 0
        for output, size in zip(node.output, sizes):
            self.slice_layer(node, output, x, axis, start, start + int(size))
            start += int(size)


def import_onnx(proto, workload: Workload, model_name: str, allow_unknown: bool):
    """Fills `workload` from an ONNX model; returns (notes, warnings)."""
    import onnx
    importer = OnnxImporter(proto, workload, model_name, allow_unknown)
    importer.run()
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), "?")
    notes = [f"read as ONNX opset {opset} with onnx {onnx.__version__}"]
    warnings = []
    if importer.unknown:
        listed = ", ".join(f"{n} ({k})" for n, k in importer.unknown)
        dropped = f"; their {importer.dropped:,} parameters are left out" if importer.dropped else ""
        warnings.append(f"{len(importer.unknown)} node(s) imported as pass-through identity "
                        f"layers (--allow-unknown): {listed}{dropped}")
    if importer.other_masks:
        warnings.append(f"attention masks that are neither causal nor empty are imported as "
                        f"attention without `causal` (the same FLOPs): "
                        f"{', '.join(importer.other_masks)}")
    return notes, warnings
