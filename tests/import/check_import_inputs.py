#!/usr/bin/python3
"""`dnnsim import --input`: the forms of one sample, and values that are none.

    check_import_inputs.py --dnnsim BIN --work-dir DIR --case CASE

Cases (one ctest each):

    sequence    --input 16x24 (T vectors of F features): one transformer block
                (tests/data/import/transformer_models.py), its nn.MultiheadAttention with a
                causal mask and without one; the workload's input is {tokens: 16,
                features: 24}, its parameters 12 F^2 + 13 F and its shapes PyTorch's
                (--input tokens:T is checked by check_import_transformers.py's GPTs)
    bad_input   values that are no sample: refused by dnnsim before the importer starts,
                and by the importer alike, with exactly one line; nothing written

Exit 0 when every check holds, 1 otherwise, 77 (skipped) without PyTorch where needed.
"""

import os
import sys

from import_checks import DATA, MODELS, case_arguments, check, compare_with_pytorch, import_model, \
    run, run_case


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
    args = case_arguments()
    if args.case == "sequence":
        try:
            import torch  # noqa: F401
        except ImportError as error:
            print(f"skipped: {error}")
            return 77
    sys.path.insert(0, DATA)
    cases = {"sequence": lambda: check_sequence(args), "bad_input": lambda: check_bad_inputs(args)}
    return run_case(cases, args.case)


if __name__ == "__main__":
    sys.exit(main())
