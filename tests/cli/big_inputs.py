#!/usr/bin/python3
"""Huge but valid inputs: dnnsim must answer them in reasonable time and memory.

usage: big_inputs.py DNNSIM CHECK MAX_RSS_MB [GOAL_SECONDS]

With DNNSIM_SANITIZED=1 in the environment (the sanitizer build's tests), deep_network
leaves out its P = 4096 run, the slowest of all tests there.

  million_procs  analytic at P = 1,000,000 on the crossbar preset (1,048,576 hosts), one grid
                 and --grid all (the 49 factorizations of 10^6)
  deep_network   a generated chain of 1,000 layers (residual blocks) through info, analytic
                 --grid all and optimize (one grid, and every layer its own grid)
  deeper_network the same with 10,000 layers through optimize --per-layer-grids

Each dnnsim run's peak resident memory is checked against MAX_RSS_MB (it does not depend
on how busy the machine is). Its wall time is printed, never checked: as a test (ctest) it
runs under sanitizers and next to other tests. `make bench` passes GOAL_SECONDS and the
report says whether each run met it.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HANG_SECONDS = 1800  # a run this long is stuck, not slow (the slowest: ~1 min under ASan)
GOAL_SECONDS = None
SANITIZED = os.environ.get("DNNSIM_SANITIZED") == "1"


def fail(message):
    print("FAILED:", message)
    sys.exit(1)


def run(*args):
    """Runs dnnsim, checks its peak memory, prints its time, returns its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    out = subprocess.run([DNNSIM, *args], capture_output=True, text=True, timeout=HANG_SECONDS)
    seconds = time.monotonic() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if out.returncode != 0:
        fail(f"dnnsim {' '.join(args)}: exit {out.returncode}: {out.stderr}")
    # ru_maxrss of the children is the largest of any child so far: only a new peak tells.
    peak = rss_mb if rss_mb * 1024 > before else None
    goal = ""
    if GOAL_SECONDS is not None:
        goal = f" (goal < {GOAL_SECONDS:g} s: {'met' if seconds < GOAL_SECONDS else 'MISSED'})"
    print(f"ok: dnnsim {' '.join(args[:6])} ... {seconds:.2f} s{goal}"
          + (f", {peak:.0f} MB" if peak else ""))
    if rss_mb > MAX_RSS_MB:
        fail(f"peak memory {rss_mb:.0f} MB, more than {MAX_RSS_MB} MB")
    return out.stdout


def million_procs():
    common = ["--platform", "crossbar", "--procs", "1000000", "--batch", "1000000"]
    r = json.loads(run("analytic", "alexnet", *common, "--strategy", "batch", "--format", "json"))
    if r["procs"] != 1000000 or r["grid"] != {"pr": 1, "pc": 1000000, "pp": 1} or not r["iteration_s"] > 0:
        fail(f"unexpected result: {r['procs']} procs, grid {r['grid']}, {r['iteration_s']} s")
    table = json.loads(run("analytic", "alexnet", *common, "--grid", "all", "--format", "json"))
    if len(table["grids"]) != 49:  # 10^6 = 2^6 5^6 has 7 * 7 divisors
        fail(f"--grid all gave {len(table['grids'])} grids, expected 49")
    if table["best"] is None:
        fail("--grid all found no possible grid")
    print(f"ok: best grid of 10^6 processes: {table['best']['pr']}x{table['best']['pc']}")


def deep_network_yaml(blocks):
    """1,000 layers: a stem, `blocks` residual blocks of 4 layers, and a head."""
    lines = ["name: deep", "batch: 256", "input: {channels: 3, height: 32, width: 32}", "layers:",
             "  - {name: stem, type: conv2d, out_channels: 16, kernel: 3, padding: 1}"]
    previous = "stem"
    for b in range(blocks):
        lines += [f"  - {{name: conv{b}, type: conv2d, out_channels: 16, kernel: 3, padding: 1, bias: false}}",
                  f"  - {{name: bn{b}, type: batchnorm}}",
                  f"  - {{name: relu{b}, type: relu}}",
                  f"  - {{name: add{b}, type: add, inputs: [relu{b}, {previous}]}}"]
        previous = f"add{b}"
    lines += ["  - {name: pool, type: adaptive_avgpool, output_size: 1}",
              "  - {name: flat, type: flatten}",
              "  - {name: fc, type: linear, out_features: 10}"]
    return "\n".join(lines) + "\n"


def deep_network():
    blocks = 249  # 1 + 4 * 249 + 3 = 1,000 layers
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "deep.yaml")
        with open(path, "w") as f:
            f.write(deep_network_yaml(blocks))
        info = json.loads(run("info", path, "--format", "json"))
        # stem 16*3*9+16 = 448; per block conv 16*16*9 = 2,304 and batchnorm 2*16 = 32;
        # fc 16*10+10 = 170.
        expected = 448 + blocks * (2304 + 32) + 170
        if len(info["layers"]) != 1000 or info["params"] != expected:
            fail(f"info: {len(info['layers'])} layers and {info['params']} parameters, "
                 f"expected 1000 and {expected}")
        table = json.loads(run("analytic", path, "--platform", "crossbar", "--procs", "64",
                               "--grid", "all", "--format", "json"))
        if table["best"] is None or len(table["grids"]) != 7:
            fail("analytic --grid all: no best grid among the 7 of P = 64")
        plan = json.loads(run("optimize", path, "--platform", "crossbar", "--procs", "64",
                              "--format", "json"))
        kinds = len(plan["plan"])
        if kinds != 1 + blocks + 1:  # the stem, every block's conv, fc
            fail(f"optimize planned {kinds} layers, expected {blocks + 2}")
        if not plan["speedup_over_uniform"] >= 1 - 1e-9:
            fail(f"the optimized plan is slower than the best uniform one: {plan['speedup_over_uniform']}")
        # Every layer its own grid among the 13 of P = 4096. Under the sanitizers (76 s there)
        # deeper_network's run at P = 4096 goes through the same per-layer grid search, and
        # the split search ran at P = 64 above.
        if SANITIZED:
            return
        plan = json.loads(run("optimize", path, "--platform", "crossbar", "--procs", "4096",
                              "--batch", "4096", "--per-layer-grids", "--format", "json"))
        if not plan["iteration_s"] > 0:
            fail("optimize --per-layer-grids gave no time")


def deeper_network():
    # 10,000 layers, every layer its own grid among the 13 of P = 4096: the search's work
    # per layer grows with its choices, not with their square (it took 10 s at 10,000
    # layers before, and grew with the square of the grids). --kinds-only: the splits of a
    # 10,000-layer chain are priced layer by layer.
    blocks = 2499  # 1 + 4 * 2499 + 3 = 10,000 layers
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "deeper.yaml")
        with open(path, "w") as f:
            f.write(deep_network_yaml(blocks))
        plan = json.loads(run("optimize", path, "--platform", "crossbar", "--procs", "4096",
                              "--batch", "4096", "--per-layer-grids", "--kinds-only",
                              "--format", "json"))
        if len(plan["plan"]) != blocks + 2 or not plan["iteration_s"] > 0:
            fail(f"optimize planned {len(plan['plan'])} layers, expected {blocks + 2}")


if __name__ == "__main__":
    DNNSIM, CHECK, MAX_RSS_MB = sys.argv[1], sys.argv[2], float(sys.argv[3])
    GOAL_SECONDS = float(sys.argv[4]) if len(sys.argv) > 4 else None
    {"million_procs": million_procs, "deep_network": deep_network,
     "deeper_network": deeper_network}[CHECK]()
