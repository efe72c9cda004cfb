#!/usr/bin/python3
"""Transformers through `dnnsim import`, checked against values worked out from the models'
sizes (tests/data/import/transformer_models.py) and against PyTorch.

    check_import_transformers.py --dnnsim BIN --work-dir DIR --case CASE

Cases (one ctest each):

    gpt_mha, gpt_mha_sequence_first   nn.MultiheadAttention (batch first, or on [T, N, E]
                        with a mask made in forward()) -> linear in_proj, attention, out_proj
    gpt_hand            attention written by hand (split, view, transpose, masked_fill with a
                        buffer, softmax, dropout) -> one attention layer; a position table
                        longer than the sequence -> parameter + slice + add
    gpt_separate        separate Q, K, V projections -> the generic matmul and softmax layers
    gpt_untraceable     a model torch.fx cannot trace, imported through ONNX: its attention
                        (generic ONNX operators) found and made one attention layer
    masks               a banded mask (torch.where): attention without causal, a warning;
                        attention whose weights are also returned: the generic layers
    functional_logits   logits F.linear(x, wte.weight), x @ wte.weight.t() or .T -> tied;
                        an nn.Parameter of positions -> position_embedding
    onnx_file, onnx_file_mha   a GPT (attention by hand, or nn.MultiheadAttention on
                        [T, N, E]) exported to an .onnx file by the test, likewise

For a GPT of V tokens, P positions, L blocks of width W and sequence T, the checks are:
parameters V W + P W + L (12 W^2 + 13 W) + 2 W (logits tied: none of their own), forward
FLOPs 2 T (L 12 W^2 + W V) + L 4 T^2 W (attention's two products), and per layer the
shapes and parameters below; PyTorch must agree (numel per module, forward hooks).
Exit 0 when every check holds, 1 otherwise, 77 (skipped) without PyTorch where needed.
"""

import json
import os
import sys

from import_checks import DATA, MODELS, case_arguments, check, compare_with_pytorch, import_model, \
    run, run_case


def gpt_expectations(m, positions):
    """Parameters and forward FLOPs per sample of a GPT, from its sizes alone."""
    v, w, layers, t = m.VOCAB, m.WIDTH, m.LAYERS, m.TOKENS
    block = (2 * w) + (3 * w * w + 3 * w) + (w * w + w) + (2 * w) + (4 * w * w + 4 * w) + \
        (4 * w * w + w)
    params = v * w + positions * w + layers * block + 2 * w
    check(block == 12 * w * w + 13 * w, "the block's parameters do not add up")
    flops = 2 * t * (layers * (3 * w * w + w * w + 4 * w * w + 4 * w * w) + w * v) + \
        layers * 4 * t * t * w
    return params, flops


def check_gpt(args, function, attention, positions, source=None, model=None, dropout=None):
    """`dropout`: of the attention layers (ONNX, exported in eval mode, has none)."""
    sys.path.insert(0, DATA)
    import torch
    import transformer_models as m
    net, text = import_model(args, source or f"{MODELS}:{function}", f"tokens:{m.TOKENS}",
                             function)
    if net is None:
        return
    t, w, v = m.TOKENS, m.WIDTH, m.VOCAB
    dropout = m.DROPOUT if dropout is None else dropout
    params, flops = gpt_expectations(m, positions)
    check(net["params"] == params, f"parameters: dnnsim {net['params']}, from the sizes {params}")
    check(abs(net["flops_per_sample"] - flops) < 1e-6 * flops,
          f"forward FLOPs: dnnsim {net['flops_per_sample']}, from the sizes {flops}")
    check("\ninput: {tokens: 16}\n" in text, "the workload's input is not {tokens: 16}")
    layers = net["layers"]
    types = [layer["type"] for layer in layers]
    check("identity" not in types, f"identity layers: {types}")
    table = layers[0]
    check(table["type"] == "embedding" and table["vocab"] == v and table["output"] == [t, w]
          and table["params"] == v * w, f"the first layer is not the {v} x {w} embedding: "
                                        f"{table}")
    tied = [layer for layer in layers if "tied_to" in layer]
    check(len(tied) == 1 and tied[0]["tied_to"] == table["name"] and tied[0]["params"] == 0
          and tied[0]["output"] == [t, v] and tied[0] is layers[-1],
          f"the logits are not one linear layer tied to '{table['name']}': {tied}")
    if positions == t:
        check(layers[1]["type"] == "position_embedding" and layers[1]["params"] == t * w,
              f"the second layer is not a {t} x {w} position embedding: {layers[1]}")
    else:
        kinds = [(layer["type"], layer["output"], layer["params"]) for layer in layers[1:4]]
        check(kinds == [("parameter", [positions, w], positions * w), ("slice", [t, w], 0),
                        ("add", [t, w], 0)], f"positions: {kinds}")
    cores = [layer for layer in layers if layer["type"] == "attention"]
    by_name = {layer["name"]: layer for layer in layers}
    if attention:
        check(len(cores) == m.LAYERS and "matmul" not in types and "softmax" not in types,
              f"expected {m.LAYERS} attention layers and no matmul: {types}")
        for core in cores:
            qkv = by_name[core["inputs"][0]]
            check(core["heads"] == m.HEADS and core["causal"] and core["output"] == [t, w] and
                  core["flops_per_sample"] == 4 * t * t * w and
                  abs(core["dropout"] - dropout) < 1e-12,
                  f"attention '{core['name']}': {core}")
            check(qkv["type"] == "linear" and qkv["output"] == [t, 3 * w] and
                  qkv["params"] == 3 * w * w + 3 * w, f"its fused QKV: {qkv}")
    else:
        check(not cores and types.count("matmul") == 2 * m.LAYERS and
              types.count("softmax") == m.LAYERS,
              f"expected the generic layers, 2 matmul and a softmax per block: {types}")
    # Through ONNX, exported with fixed sizes, the table of positions is folded into the rows
    # it reads: no longer named after its module.
    compare_with_pytorch(model or getattr(m, function)(),
                         lambda n: torch.zeros(n, t, dtype=torch.long), net,
                         per_layer=function != "gpt_untraceable")


def check_masks(args):
    """A mask that is not causal, and attention whose weights are used elsewhere."""
    import transformer_models as m
    t, w = m.TOKENS, m.WIDTH
    output = os.path.join(args.work_dir, "banded.yaml")
    r = run([args.dnnsim, "import", f"{MODELS}:banded_attention", "--input", f"{t}x{w}",
             "--output", output])
    check(r.returncode == 0 and r.stderr == "dnnsim import: warning: attention masks that are "
          "neither causal nor empty are imported as attention without `causal` (the same "
          "FLOPs): attention\n", f"banded: exit {r.returncode}, stderr {r.stderr!r}")
    if r.returncode == 0:
        net = json.loads(run([args.dnnsim, "info", output, "--format", "json"]).stdout)
        kinds = [(layer["type"], layer["output"], layer.get("causal")) for layer in net["layers"]]
        check(kinds == [("linear", [t, 3 * w], None), ("attention", [t, w], False)],
              f"banded: {kinds}")
    net, _ = import_model(args, f"{MODELS}:attention_weights_out", f"{t}x{w}", "weights")
    if net is not None:
        types = [layer["type"] for layer in net["layers"]]
        check("attention" not in types and types.count("matmul") == 2 and
              types.count("slice") == 3 and net["params"] == 3 * w * w + 3 * w,
              f"weights used elsewhere: expected the generic layers: {types}")


def check_functional_logits(args):
    """Logits spelled with the token table itself: tied, the table counted once."""
    import transformer_models as m
    t, w, v = m.TOKENS, m.WIDTH, m.VOCAB
    for function in ("logits_linear", "logits_t", "logits_T"):
        net, _ = import_model(args, f"{MODELS}:{function}", f"tokens:{t}", function)
        if net is None:
            continue
        kinds = [(layer["type"], layer["output"], layer["params"], layer.get("tied_to"))
                 for layer in net["layers"]]
        check(kinds == [("embedding", [t, w], v * w, None),
                        ("position_embedding", [t, w], t * w, None),
                        ("layernorm", [t, w], 2 * w, None), ("linear", [t, v], 0, "wte")],
              f"{function}: {kinds}")
        check(net["params"] == v * w + t * w + 2 * w == sum(
            p.numel() for p in getattr(m, function)().parameters()),
            f"{function}: {net['params']} parameters")


def main():
    args = case_arguments()
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        print(f"skipped: {error}")
        return 77
    sys.path.insert(0, DATA)
    cases = {
        "gpt_mha": lambda: check_gpt(args, "gpt_mha", True, 16),
        "gpt_mha_sequence_first": lambda: check_gpt(args, "gpt_mha_sequence_first", True, 16),
        "gpt_hand": lambda: check_gpt(args, "gpt_hand", True, 24),
        "gpt_separate": lambda: check_gpt(args, "gpt_separate", False, 16),
        "gpt_untraceable": lambda: check_gpt(args, "gpt_untraceable", True, 16, dropout=0.0),
        "onnx_file": lambda: check_onnx_file(args, "hand"),
        "onnx_file_mha": lambda: check_onnx_file(args, "mha"),
        "functional_logits": lambda: check_functional_logits(args),
        "masks": lambda: check_masks(args),
    }
    return run_case(cases, args.case)


def check_onnx_file(args, attention):
    import transformer_models as m
    path = os.path.join(args.work_dir, "gpt.onnx")
    model = m.export_gpt(path, attention)
    check_gpt(args, "gpt_onnx", True, 16, source=path, dropout=0.0, model=model)


if __name__ == "__main__":
    sys.exit(main())
