"""Attention in an imported ONNX graph, found among the layers it became and made one.

ONNX spells attention with the generic layers: a fused QKV linear, `slice` / `reshape` /
`transpose` layers splitting it into heads, `matmul` of Q and K transposed (scalings and a
constant mask folded away), `softmax`, `matmul` with V, and `transpose` / `reshape` merging
the heads. Per sample (the batch is followed by the walk, batch_axis.py), that is:

    X [T, 3 a d] -> Q [a, T, d], K^T [a, d, T], V [a, T, d] -> [a, T, T] -> [a, T, d]
                 -> [T, a d]

and such a group of layers becomes one `attention` layer reading X, as when torch.fx traces
it (fx_attention.py). What the splits and the merge do is checked on numbers: they are
replayed on the index of every element of one sample (each head of Q, K and V must read its
own token's features, and all features once; the merge must put head h's feature j of
token t at h d + j). A group whose parts are read elsewhere stays as it is. The mask, folded
by the walk, is remembered on the scores it hid (`masks`): causal or not.
"""

import numpy as np

CHAIN = ("slice", "reshape", "transpose")


def mask_kind(blocked, rows, cols):
    """"none", "causal" or "other" for a boolean mask (True: the query may not see the key)
    that broadcasts over [..., rows, cols]."""
    try:
        full = np.broadcast_to(blocked.astype(bool), blocked.shape[:-2] + (rows, cols))
    except ValueError:
        return "other"
    if not full.any():
        return "none"
    causal = np.triu(np.ones((rows, cols), dtype=bool), 1)
    return "causal" if rows == cols and bool((full == causal).all()) else "other"


def _replay(layer, value):
    """What a slice, reshape or transpose layer does to one sample's values."""
    a = layer.attrs
    if layer.type == "slice":
        index = [slice(None)] * value.ndim
        index[a["dim"]] = a["start"] if a.get("squeeze") else slice(a["start"], a["end"])
        return value[tuple(index)]
    if layer.type == "reshape":
        return value.reshape(a["shape"])
    if layer.type == "flatten":
        return value.reshape(-1)
    return value.transpose(a["perm"])


def _heads_read_their_tokens(q, kt, v, tokens, features):
    token = lambda i: i // features  # noqa: E731
    times = np.arange(tokens)
    ok = all((token(x) == times.reshape(shape)).all() for x, shape in
             ((q, (1, tokens, 1)), (kt, (1, 1, tokens)), (v, (1, tokens, 1))))
    read = np.concatenate([(q[:, 0, :] % features).ravel(), (kt[:, :, 0] % features).ravel(),
                           (v[:, 0, :] % features).ravel()])
    return bool(ok) and np.array_equal(np.sort(read), np.arange(features))


class AttentionFusion:
    def __init__(self, workload, shapes, masks, output):
        self.w = workload
        self.shapes = shapes  # layer -> its output per sample
        self.masks = masks    # softmax layer -> the boolean mask folded before it
        self.by_name = {layer.name: layer for layer in workload.layers}
        self.readers = {}
        for layer in workload.layers:
            for i in layer.inputs:
                self.readers.setdefault(i, []).append(layer.name)
        self.readers.setdefault(output, []).append(None)  # the network's output is read

    def chain_back(self, name, region):
        """Walks back through head splits (adding them to `region`, by name) to the layer
        they start from."""
        layer = self.by_name.get(name)
        while layer is not None and layer.type in CHAIN and len(layer.inputs) == 1:
            region[layer.name] = layer
            layer = self.by_name.get(layer.inputs[0])
        return layer

    def replay(self, region, root, value):
        values = {root.name: value}
        for layer in sorted(region, key=self.w.layers.index):
            values[layer.name] = _replay(layer, values[layer.inputs[0]])
        return values

    def match(self, av):
        probs, v_end = (self.by_name.get(i) for i in av.inputs)
        if probs is None or probs.type != "softmax" or v_end is None:
            return None
        scores = self.by_name.get(probs.inputs[0])
        if scores is None or scores.type != "matmul":
            return None
        q_end, kt_end = (self.by_name.get(i) for i in scores.inputs)
        if q_end is None or kt_end is None:
            return None
        chains = {}
        roots = [self.chain_back(x.name, chains) for x in (q_end, kt_end, v_end)]
        region = list(chains.values())
        q_shape = self.shapes.get(q_end.name)
        if any(r is not roots[0] for r in roots) or q_shape is None or len(q_shape) != 3:
            return None
        qkv = roots[0]
        heads, tokens, d = q_shape
        features = 3 * heads * d
        if qkv is None or self.shapes.get(qkv.name) != [tokens, features] or \
                self.shapes.get(kt_end.name) != [heads, d, tokens] or \
                self.shapes.get(v_end.name) != [heads, tokens, d]:
            return None
        index = np.arange(tokens * features).reshape(tokens, features)
        try:
            values = self.replay(region, qkv, index)
            if not _heads_read_their_tokens(values[q_end.name], values[kt_end.name],
                                            values[v_end.name], tokens, features):
                return None
            merge, end = [], av
            while self.shapes.get(end.name) != [tokens, heads * d]:
                users = self.readers.get(end.name, [])
                nxt = self.by_name.get(users[0]) if len(users) == 1 and users[0] else None
                if nxt is None or nxt.type not in ("reshape", "transpose", "flatten"):
                    return None
                merge.append(nxt)
                end = nxt
            out = np.arange(heads * tokens * d).reshape(heads, tokens, d)
            merged = self.replay(merge, av, out)[end.name] if merge else None
        except (ValueError, IndexError, KeyError):
            return None
        if merged is None or not np.array_equal(merged, out.transpose(1, 0, 2).reshape(
                tokens, heads * d)):
            return None
        group = {layer.name for layer in region + [scores, probs, av] + merge}
        if any(r not in group for name in group - {end.name}
               for r in self.readers.get(name, [])):
            return None  # a part read elsewhere
        blocked = self.masks.get(probs.name)
        kind = "none" if blocked is None else mask_kind(blocked, tokens, tokens)
        return qkv, end, heads, kind, group

    def run(self):
        """Rewrites every attention found; returns the names of those whose mask is
        neither causal nor empty."""
        other = []
        for av in [layer for layer in self.w.layers if layer.type == "matmul"]:
            if av.name not in self.by_name:
                continue  # already part of an attention
            try:
                found = self.match(av)
            except Exception:  # noqa: BLE001 (not recognised: the layers stay as they are)
                found = None
            if found is None:
                continue
            qkv, end, heads, kind, group = found
            attrs = dict(heads=heads)
            if kind == "causal":
                attrs["causal"] = True
            scope = av.name.rsplit(".", 1)[0] if "." in av.name else ""
            self.w.layers = [layer for layer in self.w.layers
                             if layer is end or layer.name not in group]
            end.type, end.inputs, end.attrs = "attention", [qkv.name], attrs
            self.w.rename(end.name, f"{scope}.attention" if scope else "attention")
            for name in group:
                self.by_name.pop(name, None)
            if kind == "other":
                other.append(end.name)
        return other
