"""The workload being imported: its layers in execution order and their YAML text.

Layers are added in an order where every input comes first (a topological order of the
model's graph). Names come from the model's own module names; a name used twice (a
module called twice, two additions in one block) gets `#2`, `#3`, ... in call order.
`inputs:` is written for every join and wherever a layer does not read the one before it.
A join cannot read the network's input itself (a residual add around the first block): it
reads an `identity` layer of it, `input.identity`.

What PyTorch says of a layer (the numel of the parameters it holds, its output shape per
sample) is kept as `expected`; `dnnsim import` checks the loaded workload against it.
"""

import dataclasses
import json
import re

INPUT = "input"  # what the workload format calls the network's input
JOINS = ("add", "concat", "matmul", "mul")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.#/-]*$")


@dataclasses.dataclass
class Layer:
    name: str
    type: str
    inputs: list  # layer names or INPUT; empty for a parameter layer
    attrs: dict
    origin: str  # the model's node this layer stands for, for messages


class Workload:
    def __init__(self, name: str, batch: int, sample):
        self.name = name
        self.batch = batch
        self.sample = sample  # inputs.Sample: --input
        self.input_dims = list(sample.dims)
        self.layers = []
        self._used = set()
        self._input_copy = None  # the identity layer joins read instead of the input
        self.expected = {}  # layer name -> (parameters, output shape); None: not known

    def unique_name(self, base: str) -> str:
        base = base or "layer"
        name, k = base, 1
        while name in self._used or name == INPUT:
            k += 1
            name = f"{base}#{k}"
        self._used.add(name)
        return name

    def release(self, name: str) -> None:
        """Makes `name` free again (a layer renamed before anything reads it)."""
        self._used.discard(name)

    def add(self, base_name: str, type_: str, inputs: list, origin: str, **attrs) -> str:
        """Adds a layer named after `base_name` (made unique); returns its name."""
        if type_ in JOINS and INPUT in inputs:
            if self._input_copy is None:
                self._input_copy = self.add("input.identity", "identity", [INPUT], origin)
            inputs = [self._input_copy if i == INPUT else i for i in inputs]
        name = self.unique_name(base_name)
        self.layers.append(Layer(name, type_, list(inputs), dict(attrs), origin))
        return name

    def rename(self, old: str, base: str) -> str:
        """Renames layer `old` after `base` (made unique), and what reads it; the new name."""
        new = self.unique_name(base)
        for layer in self.layers:
            layer.name = new if layer.name == old else layer.name
            layer.inputs = [new if i == old else i for i in layer.inputs]
        self.release(old)
        return new

    def expect(self, name: str, params=None, shape=None) -> None:
        """Records PyTorch's parameters (numel) and per-sample output shape of a layer."""
        self.expected[name] = (params, None if shape is None else [int(d) for d in shape])

    def expected_text(self) -> str:
        """One line per layer: name, parameters, output shape (`-` where not known)."""
        lines = []
        for name, (params, shape) in self.expected.items():
            dims = "x".join(map(str, shape)) if shape is not None else "-"
            lines.append(f"{name}\t{'-' if params is None else params}\t{dims}")
        return "\n".join(lines) + ("\n" if lines else "")

    def to_yaml(self, header: list) -> str:
        lines = [f"# {line}".rstrip() for line in header]
        lines.append(f"name: {_scalar(self.name)}")
        lines.append("dtype: fp32")
        lines.append(f"batch: {self.batch}")
        lines.append(f"input: {self.sample.yaml()}")
        lines.append("layers:")
        previous = INPUT
        for layer in self.layers:
            fields = [f"name: {_scalar(layer.name)}", f"type: {layer.type}"]
            fields += [f"{key}: {_scalar(value)}" for key, value in layer.attrs.items()]
            reads_previous = layer.inputs == [previous]
            if layer.type != "parameter" and (layer.type in JOINS or not reads_previous):
                names = [_scalar(n) for n in layer.inputs]
                fields.append("inputs: " + (names[0] if len(names) == 1 and layer.type not in JOINS
                                            else "[" + ", ".join(names) + "]"))
            lines.append("  - {" + ", ".join(fields) + "}")
            previous = layer.name
        return "\n".join(lines) + "\n"


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    return text if _PLAIN.match(text) else json.dumps(text)
