"""Attention written by hand, found in a traced graph, and the masks attention uses.

The pattern (what GPTs write, with or without each bracketed step):

    qkv = linear(x)                              X: [N, T, 3 a d], the fused Q, K and V
    q, k, v = head splits of X                   [N, a, T, d] each (split/chunk/unbind,
                                                 view/reshape, transpose/permute, getitem)
    s = q @ k.transpose(-2, -1) [* or / scale]   [N, a, T, T]
    [s = s.masked_fill(mask, -inf) | s + mask]   a constant mask
    p = softmax(s, dim=-1) [dropout(p)]
    y = (p @ v) merged back to [N, T, a d]       transpose(1, 2), contiguous, view/reshape

becomes one `attention` layer reading X. What each step does is checked on numbers, not
on how it is written: the splits are replayed on the index of every element of X (each head
of Q, K and V must read its own token's features, and together all of them once), the
merge on the index of every element of y. Anything else (separate Q, K and V projections,
grouped keys repeated, a score or weight used elsewhere) is left to the generic layers.
"""

import dataclasses
import operator

from analysis.importer.fx_trace import argument, calls, derived, is_tensor, shape_of, \
    tensor_inputs, value_of

BLOCKING = -1e4  # a score at or below this is masked out (PyTorch uses -inf; some use -1e9)


@dataclasses.dataclass
class Attention:
    qkv: object        # the fx node of the fused Q, K, V
    end: object        # the fx node of the merged output
    heads: int
    mask: str          # "none", "causal" or "other" (docs/workloads.md)
    dropout: float
    scope: str
    nodes: set         # the nodes the layer stands for, the end included


def mask_kind(blocked, rows, cols):
    """"none", "causal" or "other" for a boolean mask (True where a query may not see a key)
    broadcast over [..., rows, cols]: causal when every query sees itself and those before."""
    import torch
    try:
        full = torch.broadcast_to(blocked.bool(), list(blocked.shape[:-2]) + [rows, cols])
    except RuntimeError:
        return "other"
    if not full.any():
        return "none"
    causal = torch.ones(rows, cols, dtype=torch.bool).triu(1)
    return "causal" if rows == cols and bool((full == causal).all()) else "other"


def additive_blocked(mask):
    """The positions an additive mask removes, or None if it also changes other scores."""
    if not mask.is_floating_point():
        return None
    blocked = mask <= BLOCKING
    return blocked if bool((mask[~blocked] == 0).all()) else None


def _number(arg):
    """A Python number, or the value of a node that is one, else None."""
    value = value_of(arg) if hasattr(arg, "meta") else arg
    if hasattr(value, "numel") and value.numel() == 1:
        value = float(value)
    return value if isinstance(value, (int, float)) else None


def _is_scale(node):
    import torch
    if not calls(node, operator.mul, operator.truediv, torch.mul, torch.div, "mul", "div",
                 "__mul__"):
        return False
    others = [a for a in node.args[:2] if not (hasattr(a, "meta") and derived(a))]
    return len(tensor_inputs(node)) == 1 and len(others) == 1 and _number(others[0]) is not None


def _is_cast(node):
    return calls(node, "contiguous", "float", "half", "bfloat16", "to", "type_as")


def _blocked_by(node):
    """The boolean mask a masking step applies, None if `node` masks nothing (or not with
    a constant)."""
    import torch
    if calls(node, "masked_fill", torch.masked_fill):
        mask, fill = argument(node, 1, "mask"), argument(node, 2, "value")
        value = value_of(mask) if hasattr(mask, "meta") else None
        filled = _number(fill)
        if value is not None and filled is not None and filled <= BLOCKING:
            return value.bool()
    if calls(node, operator.add, torch.add, "add", "__add__"):
        other = next((a for a in node.args[:2] if hasattr(a, "meta") and not derived(a)), None)
        value = value_of(other) if other is not None else None
        if value is not None and value.numel() > 1:
            return additive_blocked(value)
    if calls(node, torch.where) and len(node.args) == 3:
        cond, keep, fill = node.args  # where(cond, scores, -inf) or where(cond, -inf, scores)
        hides = not (hasattr(fill, "meta") and derived(fill))
        if not hides:
            keep, fill = fill, keep
        value = value_of(cond) if hasattr(cond, "meta") else None
        filled = _number(fill)
        if value is not None and filled is not None and filled <= BLOCKING:
            return ~value.bool() if hides else value.bool()
    return None


def _single_input(node):
    inputs = tensor_inputs(node)
    return inputs[0] if len(inputs) == 1 else None


def _dropout_p(node, module_of):
    import torch
    import torch.nn.functional as F
    if node.op == "call_module" and isinstance(module_of(node), torch.nn.Dropout):
        return float(module_of(node).p)
    if calls(node, F.dropout, "dropout"):
        return float(argument(node, 1, "p", 0.5))
    return None


def _is_softmax(node, module_of):
    import torch
    import torch.nn.functional as F
    if node.op == "call_module" and isinstance(module_of(node), torch.nn.Softmax):
        return module_of(node).dim in (-1, len(shape_of(node)) - 1)
    return calls(node, F.softmax, torch.softmax, "softmax") and \
        argument(node, 1, "dim") in (-1, len(shape_of(node)) - 1)


RELAYOUT = ("view", "reshape", "transpose", "permute", "contiguous", "split", "chunk",
            "unbind")


def _relayout(node):
    import torch
    return calls(node, *RELAYOUT, torch.reshape, torch.transpose, torch.permute, torch.split,
                 torch.chunk, torch.unbind, operator.getitem) or _is_scale(node)


def _chain_back(node, region):
    """Walks back from `node` through head splits and scalings; returns where it starts."""
    while _relayout(node) and _single_input(node) is not None:
        region.add(node)
        node = _single_input(node)
    return node


def _replay(nodes, start, value):
    """Runs `nodes` (a region in graph order that reads `start`) on `value` instead of the
    activation; scalings pass their input through. Returns the values by node."""
    import torch.fx
    values = {start: value}
    for node in nodes:
        if _is_scale(node):
            values[node] = values[_single_input(node)]
            continue
        args, kwargs = torch.fx.node.map_arg((node.args, node.kwargs),
                                             lambda a: values[a] if a in values else value_of(a))
        if node.op == "call_method":
            values[node] = getattr(args[0], node.target)(*args[1:], **kwargs)
        else:
            values[node] = node.target(*args, **kwargs)
    return values


def _index(shape):
    """Every element's index, laid out as `shape`."""
    import torch
    count = 1
    for d in shape:
        count *= d
    dtype = torch.int32 if count < 2 ** 31 else torch.int64
    return torch.arange(count, dtype=dtype).view(shape)


def _heads_read_their_tokens(q, kt, v, shape):
    """Each head of q, k (transposed) and v reads its own sample's and token's features of
    X (indices laid out as `shape`), and together they read every feature once."""
    import torch
    n, t, f = shape
    sample, token, feature = (lambda i: i // (t * f)), (lambda i: (i // f) % t), \
        (lambda i: i % f)
    rows = torch.arange(n, dtype=q.dtype).view(n, 1, 1, 1)
    times = torch.arange(t, dtype=q.dtype)
    ok = all(bool((sample(x) == rows).all()) for x in (q, kt, v))
    ok = ok and bool((token(q) == times.view(1, 1, t, 1)).all()) and \
        bool((token(v) == times.view(1, 1, t, 1)).all()) and \
        bool((token(kt) == times.view(1, 1, 1, t)).all())
    read = torch.cat([feature(q[0, :, 0, :]).flatten(), feature(kt[0, :, :, 0]).flatten(),
                      feature(v[0, :, 0, :]).flatten()])
    return ok and bool((read.sort().values == torch.arange(f, dtype=q.dtype)).all())


def _match(av, gm, module_of):
    import torch
    weights, v_end = av.args[0], av.args[1]
    if not all(hasattr(a, "meta") and derived(a) and is_tensor(a) for a in (weights, v_end)):
        return None
    inner, dropout, node = {av}, 0.0, weights
    while _dropout_p(node, module_of) is not None or _is_cast(node) or _is_scale(node):
        dropout = _dropout_p(node, module_of) or dropout
        inner.add(node)
        node = _single_input(node)
        if node is None:
            return None
    if not _is_softmax(node, module_of):
        return None
    inner.add(node)
    node, masks = _single_input(node), []
    while node is not None and not calls(node, operator.matmul, torch.matmul, "matmul"):
        blocked = _blocked_by(node)
        if blocked is None and not (_is_cast(node) or _is_scale(node)):
            return None
        if blocked is not None:
            masks.append(blocked)
        inner.add(node)
        node = _single_input(node)
    if node is None or len(tensor_inputs(node)) != 2:
        return None
    scores = node
    inner.add(scores)
    q_end, kt_end = scores.args[0], scores.args[1]
    region = set()
    roots = {_chain_back(x, region) for x in (q_end, kt_end, v_end)}
    qkv = roots.pop()
    shape = shape_of(qkv)
    if roots or shape is None or len(shape) != 3 or shape_of(q_end) is None:
        return None
    n, heads, t, d = shape_of(q_end)
    if shape != [n, t, 3 * heads * d] or shape_of(kt_end) != [n, heads, d, t] or \
            shape_of(v_end) != [n, heads, t, d] or shape_of(scores) != [n, heads, t, t]:
        return None
    order = [x for x in gm.graph.nodes if x in region]
    try:
        replayed = _replay(order, qkv, _index(shape))
        if not _heads_read_their_tokens(replayed[q_end], replayed[kt_end], replayed[v_end],
                                        shape):
            return None
    except Exception:  # noqa: BLE001 (an operation the replay cannot redo: not this pattern)
        return None
    # The merge: single-user relayouts from [N, a, T, d] to [N, T, a d].
    merge, end = [], av
    while shape_of(end) != [n, t, heads * d]:
        users = [u for u in end.users if is_tensor(u)]
        if len(users) != 1 or not _relayout(users[0]) or _is_scale(users[0]):
            return None
        end = users[0]
        merge.append(end)
    out = _index([n, heads, t, d])
    expected = out.permute(0, 2, 1, 3).reshape(n, t, heads * d)
    try:
        if not merge or not torch.equal(_replay(merge, av, out)[end], expected):
            return None
    except Exception:  # noqa: BLE001
        return None
    nodes = inner | region | set(merge)
    for x in nodes - {end}:
        if any(is_tensor(u) and u not in nodes for u in x.users):
            return None  # a score, a weight or a head used elsewhere: keep them all
    kind = "none"
    for blocked in masks:
        this = mask_kind(blocked, t, t)
        kind = this if kind == "none" else (kind if this in ("none", kind) else "other")
    return Attention(qkv, end, heads, kind, dropout, scores.meta.get("dnnsim_scope", ""),
                     nodes)


def find_attention(gm, module_of):
    """The hand-written attentions of a traced graph, by the node of their output."""
    import torch
    found = {}
    for node in gm.graph.nodes:
        if calls(node, operator.matmul, torch.matmul, "matmul") and \
                len(tensor_inputs(node)) == 2:
            try:
                match = _match(node, gm, module_of)
            except Exception:  # noqa: BLE001 (not recognised: the generic layers follow)
                match = None
            if match is not None:
                found[match.end] = match
    return found


def multihead_mask(node, m):
    """"none", "causal" or "other" for an nn.MultiheadAttention call; None when its mask
    is computed from the input (a padding mask)."""
    is_causal = node.kwargs.get("is_causal", False)  # PyTorch 2's argument
    mask = argument(node, 5, "attn_mask")
    if mask is None or is_causal:
        return "causal" if is_causal else "none"
    if derived(mask):
        return None
    value = value_of(mask)
    if value is None:
        return "other"  # a constant too large to keep: not looked at
    blocked = additive_blocked(value) if value.is_floating_point() else value.bool()
    t = shape_of(argument(node, 0, "query"))[1 if m.batch_first else 0]
    return "causal" if is_causal else ("other" if blocked is None else mask_kind(blocked, t, t))
