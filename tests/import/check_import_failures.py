#!/usr/bin/python3
"""`dnnsim import` when the model's code, the importer or the user stops it: one line on
stderr naming the file and the problem, exit status 1, no output, no temporary file and no
process left.

    check_import_failures.py --dnnsim BIN --work-dir DIR --case CASE

Run from the source tree (messages name tests/data/import/... as given). Cases:

    raises, exits, builtin_exit, needs_arguments, raises_on_load, exits_in_forward
        the model's code fails: exactly the expected line;
    verbose         --verbose adds Python's traceback, then the same line;
    sigint, sigterm the model loops; the signal is sent to dnnsim once the model runs: the
                    line says so, the importer and the process it started are gone;
    stubborn        the model swallows KeyboardInterrupt: killed after the grace period;
    bias_free_onnx  an ONNX MatMul without a bias Add (Linear(bias=False)) imports;
    rejected        an importer (a stand-in, DNNSIM_PYTHON) writes a workload dnnsim cannot
                    load: the loader's file:line and key, the file kept as OUTPUT.rejected;
    disagrees       a stand-in writes a workload whose parameters and shapes differ from what
                    it says PyTorch has: the first difference, the file kept likewise;
    dies            an importer that exits 1 without a message, or is killed: still a line.

Exit 0 when the case holds, 1 otherwise, 77 (skipped) without PyTorch where it is needed.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time

from import_checks import case_arguments

MODELS = "tests/data/import/failing_models.py"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}")


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def import_args(dnnsim, source, output, *extra):
    return [dnnsim, "import", source, "--input", "3x8x8", "--output", output, *extra]


def expect_one_line(result, line, out_dir, what):
    """Exit 1, nothing on stdout, exactly `line` on stderr, nothing left in out_dir."""
    check(result.returncode == 1, f"{what}: exit status {result.returncode}, expected 1")
    check(result.stdout == "", f"{what}: stdout is not empty: {result.stdout!r}")
    check(result.stderr == line + "\n", f"{what}: stderr is\n{result.stderr!r}\nexpected\n"
                                        f"{line + chr(10)!r}")
    left = sorted(os.listdir(out_dir))
    check(not left, f"{what}: files left behind: {left}")


def model_error(args, function, line, extra=(), source=None):
    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    output = os.path.join(out_dir, "model.yaml")
    result = subprocess.run(import_args(args.dnnsim, source or f"{MODELS}:{function}", output,
                                        *extra), capture_output=True, text=True, timeout=240)
    expect_one_line(result, line, out_dir, function)


def alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def in_group(group):
    """The pids of the processes (not zombies) whose process group is `group`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == group and fields[0] != "Z":  # state, ppid, pgrp
                found.append(int(entry))
    return found


def interrupted(args, function, sig, slowest_s):
    """Starts the import of a looping model, sends `sig` to dnnsim once the model runs."""
    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    output = os.path.join(out_dir, "model.yaml")
    mark = os.path.join(fresh_dir(os.path.join(args.work_dir, "mark")), "running")
    env = dict(os.environ, DNNSIM_TEST_MARK=mark)
    dnnsim = subprocess.Popen(import_args(args.dnnsim, f"{MODELS}:{function}", output),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 240
    while not os.path.exists(mark) and dnnsim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if not os.path.exists(mark):
        dnnsim.kill()
        out, err = dnnsim.communicate()
        check(False, f"{function}: the model never ran: {err}")
        return
    with open(mark, encoding="utf-8") as handle:
        python_pid, sleeper_pid = (int(v) for v in handle.read().split())
    group = os.getpgid(python_pid)
    check(group != os.getpgid(dnnsim.pid), f"{function}: the importer shares dnnsim's process "
                                           f"group")

    def kill_leftovers():
        # Never the group of this script: an importer left in dnnsim's group shares it.
        if group != os.getpgid(0):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        for pid in (python_pid, sleeper_pid, dnnsim.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    started = time.monotonic()
    dnnsim.send_signal(sig)
    try:
        out, err = dnnsim.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # still running, or its pipes held by what it left
        kill_leftovers()
        out, err = dnnsim.communicate()
        check(False, f"{function}: dnnsim and what it started did not end within 60 s of "
                     f"{sig.name}")
    took = time.monotonic() - started
    result = subprocess.CompletedProcess(dnnsim.args, dnnsim.returncode, out, err)
    expect_one_line(result, f"dnnsim: error: {MODELS}:{function}: import interrupted by "
                            f"{sig.name}; nothing written to {output}", out_dir, function)
    check(took < slowest_s, f"{function}: dnnsim took {took:.1f} s to end after {sig.name}")
    for _ in range(50):  # the sleeper, reparented, may take a moment to be reaped
        if not alive(python_pid) and not alive(sleeper_pid) and not in_group(group):
            break
        time.sleep(0.1)
    check(not alive(python_pid), f"{function}: the importer (pid {python_pid}) still runs")
    check(not alive(sleeper_pid), f"{function}: the model's child (pid {sleeper_pid}) still "
                                  f"runs")
    check(not in_group(group), f"{function}: processes left in the importer's group: "
                               f"{in_group(group)}")
    kill_leftovers()


def bias_free_onnx(args):
    import torch
    from torch import nn

    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 10, bias=False)).eval()
    onnx_path = os.path.join(args.work_dir, "bias_free.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 8, 8), onnx_path, opset_version=17,
                      input_names=["input"])
    output = os.path.join(out_dir, "bias_free.yaml")
    result = subprocess.run(import_args(args.dnnsim, onnx_path, output), capture_output=True,
                            text=True, timeout=240)
    check(result.returncode == 0, f"bias-free ONNX linear: {result.stderr!r}")
    if result.returncode != 0:
        return
    with open(output, encoding="utf-8") as handle:
        text = handle.read()
    check("_synthetic" not in text, "an internal key reached the workload")
    check(text.rstrip().endswith("type: linear, out_features: 10, bias: false}"),
          f"the last layer is not a bias-free linear layer:\n{text}")
    info = subprocess.run([args.dnnsim, "info", output, "--format", "json"], capture_output=True,
                          text=True)
    check('"params": 1920' in info.stdout.replace("\n", " ").replace("  ", " "),
          f"expected 3*8*8*10 = 1920 parameters: {info.stdout[:300]}")


STAND_IN = '''#!/usr/bin/python3
# Stands in for the Python importer: {what}
import os, signal, sys
args = sys.argv[1:]
output = args[args.index("--output") + 1]
{body}
'''


def stand_in(args, name, what, body):
    path = os.path.join(args.work_dir, name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN.format(what=what, body=body))
    os.chmod(path, 0o755)
    return path


def rejected(args):
    workload = ("name: x\\nbatch: 4\\ninput: {features: 8}\\nlayers:\\n"
                "  - {name: fc, type: linear, out_features: 4}\\n"
                "  - {name: fc2, type: linear, out_features: 2, _synthetic: true}\\n")
    python = stand_in(args, "writes-bad-yaml", "writes a workload with an unknown key",
                      f'open(output, "w").write("{workload}")')
    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    output = os.path.join(out_dir, "model.yaml")
    result = subprocess.run(import_args(args.dnnsim, f"{MODELS}:build", output),
                            capture_output=True, text=True, env=dict(os.environ,
                                                                     DNNSIM_PYTHON=python))
    kept = output + ".rejected"
    check(result.returncode == 1 and result.stdout == "", f"rejected: {result}")
    expected = (f"dnnsim: error: the importer wrote a workload dnnsim cannot load (a bug of the "
                f"importer), kept as {kept}: {kept}:6: 'layer 'fc2'._synthetic': unknown key; "
                f"expected one of: name, type, inputs, out_features, bias, tied_to\n")
    check(result.stderr == expected, f"rejected: stderr is\n{result.stderr!r}\nexpected\n"
                                     f"{expected!r}")
    check(sorted(os.listdir(out_dir)) == ["model.yaml.rejected"],
          f"rejected: expected only the kept file, found {sorted(os.listdir(out_dir))}")
    if os.path.exists(kept):
        with open(kept, encoding="utf-8") as handle:
            check("_synthetic: true" in handle.read(), "the kept file is not what was written")


def disagrees(args):
    workload = ("name: x\\nbatch: 4\\ninput: {features: 8}\\nlayers:\\n"
                "  - {name: fc, type: linear, out_features: 4}\\n"
                "  - {name: fc2, type: linear, out_features: 2}\\n")
    expected = "fc\\t32\\t4\\nfc2\\t10\\t3\\nrelu\\t0\\t2\\n"
    python = stand_in(args, "disagrees", "writes a workload PyTorch would not count so",
                      f'open(output, "w").write("{workload}")\n'
                      f'open(args[args.index("--expected-file") + 1], "w").write("{expected}")')
    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    output = os.path.join(out_dir, "model.yaml")
    result = subprocess.run(import_args(args.dnnsim, f"{MODELS}:build", output),
                            capture_output=True, text=True, env=dict(os.environ,
                                                                     DNNSIM_PYTHON=python))
    kept = output + ".rejected"
    line = (f"dnnsim: error: the importer wrote a workload that disagrees with PyTorch (a bug of "
            f"the importer), kept as {kept}: layer 'fc': dnnsim counts 36 parameters, PyTorch's "
            f"tensors 32 (and 2 more)\n")
    check(result.returncode == 1 and result.stdout == "" and result.stderr == line,
          f"disagrees: exit {result.returncode}, stderr\n{result.stderr!r}\nexpected\n{line!r}")
    check(sorted(os.listdir(out_dir)) == ["model.yaml.rejected"],
          f"disagrees: expected only the kept file, found {sorted(os.listdir(out_dir))}")


def dies(args):
    for name, what, body, line in (
            ("exits-silently", "exits with status 1 without a word", "os._exit(1)",
             "exited with status 1 without a message"),
            ("crashes", "is killed by a signal", "os.kill(os.getpid(), signal.SIGSEGV)",
             "was killed by SIGSEGV")):
        python = stand_in(args, name, what, body)
        out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
        result = subprocess.run(import_args(args.dnnsim, f"{MODELS}:build",
                                            os.path.join(out_dir, "model.yaml")),
                                capture_output=True, text=True,
                                env=dict(os.environ, DNNSIM_PYTHON=python))
        expect_one_line(result, f"dnnsim: error: {MODELS}:build: the importer ({python} -m "
                                f"analysis.importer) {line}", out_dir, name)


def main():
    args = case_arguments()
    needs_torch = args.case not in ("rejected", "disagrees", "dies")
    if needs_torch:
        try:
            import onnx  # noqa: F401
            import torch  # noqa: F401
        except ImportError as error:
            print(f"skipped: {error}")
            return 77
    prefix = f"dnnsim: error: {MODELS}"
    cases = {
        "raises": lambda: model_error(args, "build", f"{prefix}: build() raised ValueError: "
                                                     f"bad width"),
        "exits": lambda: model_error(args, "calls_sys_exit",
                                     f"{prefix}: calls_sys_exit() called sys.exit(3)"),
        "builtin_exit": lambda: model_error(args, "calls_exit",
                                            f"{prefix}: calls_exit() called sys.exit()"),
        "needs_arguments": lambda: model_error(
            args, "needs_width", f"{prefix}: needs_width() takes arguments (width) but dnnsim "
                                 f"import calls it with none: give them defaults or name a "
                                 f"function that takes none"),
        "raises_on_load": lambda: model_error(
            args, "build", "dnnsim: error: tests/data/import/raises_on_load.py: loading the "
                           "file raised NameError: name 'undefined_width' is not defined",
            source="tests/data/import/raises_on_load.py:build"),
        "exits_in_forward": lambda: model_error(
            args, "exits_in_forward", f"{prefix}: the model called sys.exit('no forward "
                                      f"today')"),
        "verbose": lambda: verbose(args),
        "sigint": lambda: interrupted(args, "forever", signal.SIGINT, 10),
        "sigterm": lambda: interrupted(args, "forever", signal.SIGTERM, 10),
        "stubborn": lambda: interrupted(args, "stubborn", signal.SIGINT, 15),
        "bias_free_onnx": lambda: bias_free_onnx(args),
        "rejected": lambda: rejected(args),
        "disagrees": lambda: disagrees(args),
        "dies": lambda: dies(args),
    }
    if args.case not in cases:
        print(f"unknown case {args.case}; one of {', '.join(cases)}")
        return 1
    cases[args.case]()
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


def verbose(args):
    out_dir = fresh_dir(os.path.join(args.work_dir, "out"))
    result = subprocess.run(import_args(args.dnnsim, f"{MODELS}:build",
                                        os.path.join(out_dir, "model.yaml"), "--verbose"),
                            capture_output=True, text=True, timeout=240)
    lines = result.stderr.splitlines()
    check(result.returncode == 1 and lines and lines[0] == "Traceback (most recent call last):",
          f"--verbose: no traceback first: {result.stderr!r}")
    check(f'  File "{os.path.abspath(MODELS)}", line 18, in build' in lines
          or f'  File "{MODELS}", line 18, in build' in lines,
          f"--verbose: the traceback does not show the model's line: {result.stderr!r}")
    check(lines[-1:] == ["dnnsim: error: tests/data/import/failing_models.py: build() raised "
                         "ValueError: bad width"], f"--verbose: the last line: {lines[-1:]}")
    check(not os.listdir(out_dir), "--verbose: files left behind")


if __name__ == "__main__":
    sys.exit(main())
