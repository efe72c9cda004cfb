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
    gpt_untraceable     a model torch.fx cannot trace, imported through ONNX
    masks               a banded mask (torch.where): attention without causal, a warning;
                        attention whose weights are also returned: the generic layers
    functional_logits   logits F.linear(x, wte.weight), x @ wte.weight.t() or .T -> tied;
                        an nn.Parameter of positions -> position_embedding
    onnx_file           a GPT exported to an .onnx file by the test
    sequence            --input 16x24: one block over T vectors of F features, its
                        nn.MultiheadAttention with a causal mask and without one
    bad_input           --input values that are no sample: one line each, nothing written

For a GPT of V tokens, P positions, L blocks of width W and sequence T, the checks are:
parameters V W + P W + L (12 W^2 + 13 W) + 2 W (logits tied: none of their own), forward
FLOPs 2 T (L 12 W^2 + W V) + L 4 T^2 W (attention's two products), and per layer the
shapes and parameters below; PyTorch must agree (numel per module, forward hooks).
Exit 0 when every check holds, 1 otherwise, 77 (skipped) without PyTorch where needed.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "import")
MODELS = "tests/data/import/transformer_models.py"  # as the user types it (run from the tree)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")
    return condition


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


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


def pytorch_reference(model, sample, batch=3):
    """(parameters by name, each module call's per-sample output shapes) in PyTorch."""
    import torch
    calls = []

    def hook(path):
        def record(_module, _inputs, output):
            if isinstance(output, (tuple, list)):
                output = output[0]
            shape = list(output.shape)
            if batch in shape:  # else the same for every sample: a table of positions
                shape.pop(shape.index(batch))  # the batch, wherever the module keeps it
                calls.append((path, shape))
        return record

    for path, module in model.named_modules():
        if path:
            module.register_forward_hook(hook(path))
    with torch.no_grad():
        model.eval()(sample(batch))
    return {n: p.numel() for n, p in model.named_parameters()}, calls


def layer_of(param_name):
    """The layer dnnsim names after a parameter's module."""
    for suffix, layer in ((".in_proj_weight", ".in_proj"), (".in_proj_bias", ".in_proj"),
                          (".weight", ""), (".bias", "")):
        if param_name.endswith(suffix):
            return param_name[: -len(suffix)] + layer
    return param_name


def compare_with_pytorch(model, sample, net, per_layer=True):
    by_name = {layer["name"]: layer for layer in net["layers"]}
    order = {layer["name"]: i for i, layer in enumerate(net["layers"])}
    params, calls = pytorch_reference(model, sample)
    check(net["params"] == sum(params.values()),
          f"parameters: dnnsim {net['params']}, PyTorch {sum(params.values())}")
    expected = {}
    for name, n in params.items():
        expected[layer_of(name)] = expected.get(layer_of(name), 0) + n
    for name, n in expected.items() if per_layer else ():
        check(name in by_name and by_name[name]["params"] == n,
              f"layer '{name}': PyTorch {n} parameters, dnnsim "
              f"{by_name[name]['params'] if name in by_name else 'has no such layer'}")
    for layer in net["layers"] if per_layer else ():
        if layer["params"]:
            check(layer["name"] in expected, f"layer '{layer['name']}' has parameters PyTorch "
                                             f"does not give it")
    seen = set()
    for path, shape in calls:
        if path in seen:
            continue
        seen.add(path)
        inside = [n for n in by_name if n == path or n.startswith(path + ".")]
        if inside:
            last = path if path in by_name else max(inside, key=order.get)
            check(by_name[last]["output"] == shape,
                  f"module '{path}' outputs {shape} in PyTorch, its layer '{last}' "
                  f"{by_name[last]['output']} in dnnsim")


def import_model(args, source, sample_text, name):
    output = os.path.join(args.work_dir, f"{name}.yaml")
    r = run([args.dnnsim, "import", source, "--input", sample_text, "--batch", "8",
             "--output", output])
    ok = check(r.returncode == 0, f"importing {source}: {r.stderr}")
    check(r.stderr == "", f"importing {source} warned: {r.stderr!r}")
    if not ok:
        return None, None
    net = json.loads(run([args.dnnsim, "info", output, "--format", "json"]).stdout)
    with open(output, encoding="utf-8") as handle:
        text = handle.read()
    analytic = run([args.dnnsim, "analytic", output, "--platform", "crossbar", "--procs", "4",
                    "--grid", "all", "--format", "csv"])
    check(analytic.returncode == 0, f"analytic --grid all on {name}: {analytic.stderr}")
    return net, text


def check_gpt(args, function, attention, positions, source=None, model=None):
    sys.path.insert(0, DATA)
    import torch
    import transformer_models as m
    net, text = import_model(args, source or f"{MODELS}:{function}", f"tokens:{m.TOKENS}",
                             function)
    if net is None:
        return
    t, w, v = m.TOKENS, m.WIDTH, m.VOCAB
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
                  abs(core["dropout"] - m.DROPOUT) < 1e-12,
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


def check_sequence(args):
    sys.path.insert(0, DATA)
    import torch
    import transformer_models as m
    t, f = m.TOKENS, m.FEATURES
    net, text = import_model(args, f"{MODELS}:sequence_block", f"{t}x{f}", "sequence")
    if net is None:
        return
    check("\ninput: {tokens: 16, features: 24}\n" in text,
          "the workload's input is not {tokens: 16, features: 24}")
    check(net["input"] == [t, f], f"dnnsim reads the input as {net['input']}")
    check(net["params"] == 12 * f * f + 13 * f,
          f"parameters: dnnsim {net['params']}, from the sizes {12 * f * f + 13 * f}")
    check(net["layers"][-1]["output"] == [t, f], "the block does not output [16, 24]")
    cores = [layer for layer in net["layers"] if layer["type"] == "attention"]
    check(len(cores) == 1 and cores[0]["causal"] and cores[0]["heads"] == m.HEADS,
          f"expected one causal attention of {m.HEADS} heads: {cores}")
    compare_with_pytorch(m.sequence_block(), lambda n: torch.zeros(n, t, f), net)
    net, _ = import_model(args, f"{MODELS}:sequence_block_unmasked", f"{t}x{f}", "unmasked")
    if net is not None:
        cores = [layer for layer in net["layers"] if layer["type"] == "attention"]
        check(len(cores) == 1 and not cores[0]["causal"] and net["params"] == 12 * f * f + 13 * f,
              f"without a mask: expected one attention that is not causal: {cores}")
        compare_with_pytorch(m.sequence_block_unmasked(), lambda n: torch.zeros(n, t, f), net)


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


BAD = "expected CxHxW (e.g. 3x224x224), TxF (1024x768), a feature count (768) or tokens:T " \
      "(tokens:1024), got"
SIZES = "expected sizes written in decimal digits in [1, 2^40 = 1099511627776], got"
BAD_INPUTS = [
    ("tokens:", f"{BAD} 'tokens:'"),
    ("tokens:0", f"{SIZES} '0' in 'tokens:0'"),
    ("tokens:16x24", f"{BAD} 'tokens:16x24'"),
    ("tokens: 16", f"{BAD} 'tokens: 16'"),
    ("16x0", f"{SIZES} '0' in '16x0'"),
    ("16x-24", f"{SIZES} '-24' in '16x-24'"),
    ("1e3", f"{SIZES} '1e3'"),
    ("3x224x224x2", f"{BAD} '3x224x224x2'"),
    ("16xx24", f"{BAD} '16xx24'"),
    ("sixteen", f"{BAD} 'sixteen'"),
    ("", f"{BAD} ''"),
    ("1099511627777", f"{SIZES} '1099511627777'"),
    ("1048576x1048576x16384",
     "1048576 x 1048576 x 16384 elements per sample is too many; dnnsim counts up to "
     "2^53 = 9007199254740992"),
]


def check_bad_inputs(args):
    """Each refused by dnnsim before the importer starts, and by the importer alike."""
    out_dir = os.path.join(args.work_dir, "out")
    os.makedirs(out_dir)
    output = os.path.join(out_dir, "model.yaml")
    for value, message in BAD_INPUTS:
        line = f"dnnsim: error: '--input': {message}\n"
        r = run([args.dnnsim, "import", f"{MODELS}:gpt_mha", "--input", value, "--output",
                 output])
        check(r.returncode == 1 and r.stdout == "" and r.stderr == line,
              f"--input {value!r}: exit {r.returncode}, stderr {r.stderr!r}, expected {line!r}")
        check(not os.listdir(out_dir), f"--input {value!r}: files left {os.listdir(out_dir)}")
        r = run(["/usr/bin/python3", "-m", "analysis.importer", f"{MODELS}:gpt_mha", "--input",
                 value, "--output", output], env=dict(os.environ, PYTHONPATH=os.getcwd()))
        check(r.returncode == 1 and r.stderr == line,
              f"the importer on --input {value!r}: stderr {r.stderr!r}, expected {line!r}")
    good = run([args.dnnsim, "import", "--help"])
    check("tokens:T" in good.stdout and "TxF" in good.stdout,
          "`dnnsim import --help` does not list the input forms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dnnsim", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--case", required=True)
    args = parser.parse_args()
    args.work_dir = os.path.abspath(args.work_dir)
    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    if args.case != "bad_input":
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
        "gpt_untraceable": lambda: check_gpt(args, "gpt_untraceable", False, 16),
        "onnx_file": lambda: check_onnx_file(args),
        "sequence": lambda: check_sequence(args),
        "functional_logits": lambda: check_functional_logits(args),
        "masks": lambda: check_masks(args),
        "bad_input": lambda: check_bad_inputs(args),
    }
    if args.case not in cases:
        print(f"unknown case {args.case}; one of {', '.join(cases)}")
        return 1
    cases[args.case]()
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


def check_onnx_file(args):
    import transformer_models as m
    path = os.path.join(args.work_dir, "gpt.onnx")
    m.export_gpt(path)
    check_gpt(args, "gpt_onnx", False, 16, source=path,
              model=m.GPT(lambda: m.HandAttention(m.WIDTH)))


if __name__ == "__main__":
    sys.exit(main())
