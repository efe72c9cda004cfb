"""Tracing an nn.Module with torch.fx, and running the traced graph once for its shapes.

The tracer records, on each node, the path of the module whose forward() created it, and
goes through code that torch.fx 1.13 alone stops at:

- unpacking a traced value (`B, T, C = x.size()`, `q, k, v = qkv.split(E, dim=2)`): fx
  1.13 finds the unpacking instruction by an index that Python 3.11 no longer matches;
  here it is found by its offset;
- sizes computed from the input given to `torch.arange`, `torch.ones`, ... (positions
  `torch.arange(T)`, a causal mask `torch.ones(T, T).tril()`): recorded as calls;
- buffers (a registered causal mask) are read in the graph as `get_attr` nodes.

The run on zeros (`propagate`) gives every node's output shape, marks the nodes that depend
on the model's input (`dnnsim_derived`) and keeps the value of the others and of every
size (`dnnsim_value`): masks and positions are then known to the importer.
"""

import contextlib
import dis
import functools
import inspect

from analysis.importer.errors import ImportFailure

FX_ARGUMENT = "placeholder"  # torch.fx's Node.op for a forward() argument: the model input
SIZED = ("arange", "ones", "zeros", "full", "empty")
KEPT_VALUE_ELEMENTS = 1 << 24  # constants kept (masks, positions); a boolean mask up to
KEPT_MASK_ELEMENTS = 1 << 26   # T = 8192


class TraceFailure(Exception):
    """torch.fx cannot trace the model: the caller goes through ONNX instead."""


def _tracer_class():
    import torch.fx

    class ScopedTracer(torch.fx.Tracer):
        proxy_buffer_attributes = True

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


def _recorded(function):
    """`function` that becomes a graph node when one of its arguments is traced."""
    import torch.fx

    @functools.wraps(function)
    def call(*args, **kwargs):
        proxies = []
        torch.fx.node.map_aggregate((args, kwargs), lambda v: proxies.append(v)
                                    if isinstance(v, torch.fx.Proxy) else v)
        if proxies:
            return proxies[0].tracer.create_proxy("call_function", function, args, kwargs)
        return function(*args, **kwargs)
    return call


def _unpacked(proxy):
    """Proxy.__iter__ that finds the unpacking instruction by its offset."""
    frame = inspect.currentframe().f_back  # the model's code
    for inst in dis.get_instructions(frame.f_code):
        if inst.offset == frame.f_lasti and inst.opname == "UNPACK_SEQUENCE":
            return (proxy[i] for i in range(inst.argval))
    return proxy.tracer.iter(proxy)


@contextlib.contextmanager
def _tracing_helped():
    import torch
    import torch.fx
    saved = {name: getattr(torch, name) for name in SIZED}
    saved_iter = torch.fx.Proxy.__iter__
    try:
        for name, function in saved.items():
            setattr(torch, name, _recorded(function))
        torch.fx.Proxy.__iter__ = _unpacked
        yield
    finally:
        for name, function in saved.items():
            setattr(torch, name, function)
        torch.fx.Proxy.__iter__ = saved_iter


def trace(model):
    """The traced GraphModule; TraceFailure if fx cannot trace the model."""
    import torch.fx

    try:
        with _tracing_helped():
            graph = _tracer_class()().trace(model)
    except Exception as error:  # fx raises TraceError, TypeError, ... on dynamic control flow
        raise TraceFailure(f"{type(error).__name__}: {str(error).splitlines()[0]}") from error
    return torch.fx.GraphModule(model, graph)


def _interpreter_class():
    import torch
    import torch.fx
    from torch.fx.passes.shape_prop import _extract_tensor_metadata

    class ValueProp(torch.fx.Interpreter):
        """ShapeProp's shapes (without its printing a traceback on the model's errors)."""

        def run_node(self, n):
            result = super().run_node(n)
            tensors = []

            def extract(value):
                if isinstance(value, torch.Tensor):
                    tensors.append(value)
                    return _extract_tensor_metadata(value)
                return value

            meta = torch.fx.node.map_aggregate(result, extract)
            if tensors:
                n.meta["tensor_meta"] = meta
            # Data from the input flows through tensors; a size taken of it (x.size(1)) is
            # known, and so is what is computed from sizes alone (torch.ones(T, T).tril()).
            derived = n.op == FX_ARGUMENT or any(
                a.meta.get("dnnsim_derived") and a.meta.get("tensor_meta") is not None
                for a in n.all_input_nodes)
            n.meta["dnnsim_derived"] = derived
            if isinstance(result, torch.Tensor):
                limit = KEPT_MASK_ELEMENTS if result.dtype == torch.bool else \
                    KEPT_VALUE_ELEMENTS
                if not derived and (n.op == "get_attr" or result.numel() <= limit):
                    n.meta["dnnsim_value"] = result.detach()
            elif isinstance(result, (int, float, tuple, list, torch.Size)) and not any(
                    isinstance(v, torch.Tensor) for v in
                    (result if isinstance(result, (tuple, list)) else [])):
                n.meta["dnnsim_value"] = result  # sizes and their arithmetic
            return result

    return ValueProp


def propagate(gm, sample, batch, model_name):
    """Runs `gm` on `batch` zero samples (inputs.Sample), filling each node's meta."""
    import torch

    zeros = sample.zeros(batch)
    try:
        with torch.no_grad():
            _interpreter_class()(gm).run(zeros)
    except Exception as error:
        raise ImportFailure(f"model '{model_name}': running it on a zero tensor of shape "
                            f"{list(zeros.shape)} failed: {type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''}") from error


def shape_of(node):
    """A node's output shape (batch included), or None when it is no single tensor."""
    meta = node.meta.get("tensor_meta")
    shape = getattr(meta, "shape", None)
    return None if shape is None else list(shape)


def value_of(node):
    """The value of a node that does not depend on the input (a size, a mask), or None."""
    return node.meta.get("dnnsim_value")


def derived(node):
    return bool(node.meta.get("dnnsim_derived"))


def calls(node, *targets):
    """Whether `node` calls one of `targets`: functions, or Tensor method names (str)."""
    if node.op == "call_method":
        return node.target in targets
    if node.op == "call_function":
        return any(node.target is t for t in targets if not isinstance(t, str))
    return False


def is_tensor(node):
    """Whether a node's output is a tensor or a tuple of them (not a size)."""
    return node.meta.get("tensor_meta") is not None


def tensor_inputs(node):
    """The inputs of `node` that depend on the model's input and are tensors."""
    return [a for a in node.all_input_nodes if derived(a) and is_tensor(a)]


def argument(node, index, key, default=None):
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(key, default)
