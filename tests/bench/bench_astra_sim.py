#!/usr/bin/python3
"""dnnsim against ASTRA-sim 2.0's analytical network backend (docs/astra-sim.md), optional.

The case: the 8 gradient all-reduces of AlexNet's weighted layers (data parallel, one ring
all-reduce per layer, in backward order, one after the other, no computation) on a flat
switch where every message of n bytes costs 1 us + n / 25 GB/s, at P = 256, 1024, 4096.
The per-layer bytes come from dnnsim itself (`dnnsim analytic` and `dnnsim info`). For each
P the script writes ASTRA-sim's inputs (one Chakra execution trace per rank, network, system
and remote-memory configurations) and a dnnsim platform into a temporary directory, runs
ASTRA-sim, dnnsim and dnnsim --every-message, and prints their wall time, peak RSS and
simulated time next to the closed form sum over layers of 2 (P - 1) (1 us + n / (P 25 GB/s)).

usage: bench_astra_sim.py DNNSIM ASTRA_SIM_BINARY [--procs 256,1024,4096] [--max-procs P]
                          [--every-message-max-procs P] [--astra-source DIR]

ASTRA_SIM_BINARY is AstraSim_Analytical_Congestion_Unaware as scripts/build-astra-sim.sh
builds it. The Chakra schema (schema/protobuf/et_def.proto) is compiled at run time with
protoc from DIR/extern/graph_frontend/chakra (an ASTRA-sim checkout with its submodules, or
the BUILD_DIR/src that build-astra-sim.sh writes, the default when the binary lies in
BUILD_DIR/build/bin). Needs Debian's protobuf-compiler and python3-protobuf. Exits non-zero
when a run fails or a simulated time is off the closed form by more than 1 %.
"""
import argparse
import importlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

from timed_run import timed_run

LATENCY_S = 1.0e-6
BANDWIDTH_BPS = 25.0e9
# The analytical backend reads bandwidth in "GB/s" of 2^30 bytes and latency in ns per hop;
# a Switch route is two hops (NPU -> switch -> NPU). 25e9 / 2^30 = 48828125 / 2^21 exactly,
# so the backend's bytes per ns come out as exactly 25.0.
ASTRA_BANDWIDTH = "23.283064365386962890625"
ASTRA_HOP_LATENCY_NS = LATENCY_S * 1e9 / 2
ASTRA_ENDPOINT_DELAY_NS = 1
# Relative difference from the closed form above which the script fails.
TOLERANCE = 0.01


def alexnet_gradients(dnnsim, procs):
    """[(layer, bytes)] of the weight-gradient all-reduces, in forward order, from dnnsim's
    analytic engine under pure data parallelism, checked against `dnnsim info`'s parameter
    counts (fp32: 4 bytes each)."""
    out = timed_run([dnnsim, "analytic", "alexnet", "--platform", "crossbar", "--procs", str(procs),
                     "--strategy", "batch", "--batch", str(procs), "--format", "json"])[0]
    analytic = json.loads(out)
    info = json.loads(timed_run([dnnsim, "info", "alexnet", "--format", "json"])[0])
    if info.get("dtype", "fp32") != "fp32":
        raise RuntimeError(f"alexnet's dtype is {info['dtype']}, not fp32")
    params = {layer["name"]: layer["params"] for layer in info["layers"]}
    layers = [(layer["name"], layer["comm_bytes"]) for layer in analytic["layers"]
              if layer["comm_bytes"] > 0]
    for name, n in layers:
        if n != 4 * params[name]:
            raise RuntimeError(f"{name}: {n} gradient bytes, but {params[name]} fp32 parameters")
    total = sum(params.values())
    if len(layers) != 8 or sum(n for _, n in layers) != 4 * total or not 60.9e6 < total < 61.2e6:
        raise RuntimeError(f"not AlexNet's 8 weighted layers and ~61.1 M parameters: {layers}, {total}")
    return layers, total


def closed_form(layers, procs, per_message=lambda n, p: n / p):
    """Sum over layers of 2 (P - 1) (latency + m / bandwidth), m = per_message(n, P)."""
    return sum(2 * (procs - 1) * (LATENCY_S + per_message(n, procs) / BANDWIDTH_BPS) for _, n in layers)


def astra_expected_s(layers, procs):
    """What ASTRA-sim should give: its ring sends floor(n / P) bytes per step, the backend
    truncates each message's delay to whole ns, and the endpoint delay adds its ns to each
    of the 2 (P - 1) steps and once more to each collective."""
    step_ns = lambda n: (math.floor(2 * ASTRA_HOP_LATENCY_NS + (int(n) // procs) / (BANDWIDTH_BPS / 1e9))
                         + ASTRA_ENDPOINT_DELAY_NS)
    return sum(2 * (procs - 1) * step_ns(n) + ASTRA_ENDPOINT_DELAY_NS for _, n in layers) * 1e-9


def compile_chakra_schema(astra_source, tmp):
    """Compiles Chakra's et_def.proto for Python into tmp and imports it."""
    proto_dir = os.path.join(astra_source, "extern", "graph_frontend", "chakra", "schema", "protobuf")
    proto = os.path.join(proto_dir, "et_def.proto")
    if not os.path.isfile(proto):
        raise RuntimeError(f"no Chakra schema at {proto} (--astra-source: an ASTRA-sim checkout "
                           "with its submodules)")
    protoc = shutil.which("protoc")
    if protoc is None:
        raise RuntimeError("protoc not found: apt-get install protobuf-compiler python3-protobuf")
    out_dir = os.path.join(tmp, "chakra_schema")
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run([protoc, f"--proto_path={proto_dir}", f"--python_out={out_dir}", proto], check=True)
    sys.path.insert(0, out_dir)
    return importlib.import_module("et_def_pb2")


def delimited(message):
    """A protobuf message preceded by its length as a varint, as Chakra's trace files hold them."""
    body = message.SerializeToString()
    size, prefix = len(body), bytearray()
    while True:
        byte = size & 0x7F
        size >>= 7
        if size:
            prefix.append(byte | 0x80)
        else:
            prefix.append(byte)
            return bytes(prefix) + body


def write_astra_inputs(et, layers, procs, directory):
    """ASTRA-sim's inputs for P ranks: returns its command-line options."""
    os.makedirs(directory, exist_ok=True)
    # Every rank runs the same trace: the all-reduces in backward order, each depending on the
    # one before (as ASTRA-sim's microbenchmark generators write them, one node per collective).
    trace = bytearray(delimited(et.GlobalMetadata(version="0.0.4")))
    for node_id, (name, n) in enumerate(reversed(layers)):
        node = et.Node()
        node.id = node_id
        node.name = f"all_reduce_{name}_grad"
        node.type = et.COMM_COLL_NODE
        if node_id > 0:
            node.data_deps.append(node_id - 1)
        node.attr.append(et.AttributeProto(name="is_cpu_op", bool_val=False))
        node.attr.append(et.AttributeProto(name="comm_type", int64_val=et.ALL_REDUCE))
        node.attr.append(et.AttributeProto(name="comm_size", int64_val=int(n)))
        trace += delimited(node)
    prefix = os.path.join(directory, "alexnet_grads")
    for rank in range(procs):
        with open(f"{prefix}.{rank}.et", "wb") as f:
            f.write(trace)
    network = os.path.join(directory, "network.yml")
    with open(network, "w") as f:
        f.write(f"""# One switch of {procs} NPUs: 1 us (two hops of {ASTRA_HOP_LATENCY_NS:g} ns) + n / 25e9 B/s a message.
topology: [ Switch ]
npus_count: [ {procs} ]
bandwidth: [ {ASTRA_BANDWIDTH} ]  # GB/s of 2^30 B: 25e9 B/s
latency: [ {ASTRA_HOP_LATENCY_NS:g} ]  # ns per hop
""")
    system = os.path.join(directory, "system.json")
    with open(system, "w") as f:
        json.dump({
            "scheduling-policy": "FIFO",
            # The least delay for moving a message through the endpoint (ns): 0 schedules
            # events at the current time, which the backend's event queue rejects
            # (assertion), so ASTRA-sim counts 1 ns more a step, and one more a collective.
            "endpoint-delay": ASTRA_ENDPOINT_DELAY_NS,
            # Reducing a received message costs 3 passes at local-mem-bw GB/s: none here
            # (the case has no computation).
            "local-mem-bw": 1.0e12,
            "active-chunks-per-dimension": 1,
            "preferred-dataset-splits": 1,
            "all-reduce-implementation": ["ring"],
            "all-gather-implementation": ["ring"],
            "reduce-scatter-implementation": ["ring"],
            "all-to-all-implementation": ["ring"],
            "collective-optimization": "baseline",
            "boost-mode": 0,
            "roofline-enabled": 0,
            "peak-perf": 900,
        }, f, indent=2)
    memory = os.path.join(directory, "remote_memory.json")
    with open(memory, "w") as f:
        json.dump({"memory-type": "NO_MEMORY_EXPANSION"}, f)
    return [f"--workload-configuration={prefix}", f"--system-configuration={system}",
            f"--network-configuration={network}", f"--remote-memory-configuration={memory}",
            f"--logging-folder={os.path.join(directory, 'log')}"]


def run_astra(binary, options, directory, procs):
    """Runs ASTRA-sim; returns (simulated s: the last rank's finish, wall s, peak RSS MiB)."""
    log = os.path.join(directory, "stdout.txt")
    _, _, wall, rss = timed_run([binary, *options], cwd=directory, stdout_path=log)
    finished = {}
    pattern = re.compile(r"sys\[(\d+)\] finished, (\d+) cycles")
    with open(log) as f:
        for line in f:
            m = pattern.search(line)
            if m:
                finished[int(m.group(1))] = int(m.group(2))
    if len(finished) != procs:
        raise RuntimeError(f"ASTRA-sim reported {len(finished)} of {procs} ranks finished (see {log})")
    return max(finished.values()) * 1e-9, wall, rss  # cycles are ns in the analytical backend


def write_platform(directory):
    path = os.path.join(directory, "crossbar-25g.yaml")
    with open(path, "w") as f:
        f.write("""# The comparison with ASTRA-sim: a non-blocking switch, 1 us + n / 25 GB/s a message,
# computation made negligible.
name: crossbar-25g
nodes: 1048576
node: {flops: 1.0e30, efficiency: 1.0, memory: 1.0e15}
network:
  topology: crossbar
  latency: 1.0e-6
  bandwidth: 25.0e9
""")
    return path


def run_dnnsim(dnnsim, platform, procs, every_message):
    cmd = [dnnsim, "simulate", "alexnet", "--platform", platform, "--procs", str(procs),
           "--strategy", "batch", "--batch", str(procs), "--collective", "ring", "--no-overlap",
           "--format", "json"]
    if every_message:
        cmd.append("--every-message")
    out, _, wall, rss = timed_run(cmd)
    return json.loads(out)["iteration_s"], wall, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dnnsim")
    parser.add_argument("astra_sim", help="AstraSim_Analytical_Congestion_Unaware")
    parser.add_argument("--procs", default="256,1024,4096")
    parser.add_argument("--max-procs", type=int, default=4096,
                        help="skip every run past this P (ASTRA-sim takes about 14 minutes at 4096)")
    parser.add_argument("--every-message-max-procs", type=int, default=4096,
                        help="skip dnnsim --every-message past this P")
    parser.add_argument("--astra-source", help="ASTRA-sim checkout with its submodules (for Chakra's schema)")
    args = parser.parse_args()
    procs_list = [int(p) for p in args.procs.split(",") if int(p) <= args.max_procs]
    astra = os.path.realpath(args.astra_sim)
    source = args.astra_source or os.path.join(os.path.dirname(astra), "..", "..", "src")

    failures = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-astra-sim-") as tmp:
        et = compile_chakra_schema(source, tmp)
        platform = write_platform(tmp)
        layers, params = alexnet_gradients(args.dnnsim, procs_list[0] if procs_list else 256)
        print(f"AlexNet: {params:,} parameters, gradient all-reduces (backward order): "
              + ", ".join(f"{name} {int(n):,} B" for name, n in reversed(layers)))
        print("Ring all-reduces one after the other, 1 us + n / 25 GB/s a message, no compute.")
        print(f"{'P':>5} | {'ASTRA-sim: wall':>15} {'RSS':>9} {'simulated':>13} | "
              f"{'dnnsim: wall':>12} {'RSS':>9} {'simulated':>13} | "
              f"{'--every-message: wall':>21} {'RSS':>9} {'simulated':>13} | "
              f"{'closed form':>13} | {'speed-up':>8} {'(every)':>8}", flush=True)
        for procs in procs_list:
            work = os.path.join(tmp, f"p{procs}")
            row = {"procs": procs, "closed": closed_form(layers, procs)}
            try:
                options = write_astra_inputs(et, layers, procs, work)
                row["astra"] = run_astra(astra, options, work, procs)
            except Exception as e:  # noqa: BLE001 - reported, and the exit status says so
                failures.append(f"ASTRA-sim at P = {procs}: {e}")
            shutil.rmtree(work, ignore_errors=True)
            try:
                row["dnnsim"] = run_dnnsim(args.dnnsim, platform, procs, False)
                if procs <= args.every_message_max_procs:
                    row["every"] = run_dnnsim(args.dnnsim, platform, procs, True)
            except Exception as e:  # noqa: BLE001
                failures.append(f"dnnsim at P = {procs}: {e}")
            rows.append(row)

            def cells(key, width):
                if key not in row:
                    return f"{'-':>{width}} {'-':>9} {'-':>13}"
                sim, wall, rss = row[key]
                return f"{wall:>{width - 1}.2f}s {rss:>5.0f} MiB {sim * 1e3:>11.6f}ms"

            def speedup(key):
                if "astra" not in row or key not in row:
                    return f"{'-':>8}"
                ratio = row["astra"][1] / row[key][1]
                return f"{ratio:>7.{0 if ratio >= 10 else 1}f}x"

            print(f"{procs:>5} | {cells('astra', 15)} | {cells('dnnsim', 12)} | {cells('every', 21)} | "
                  f"{row['closed'] * 1e3:>11.6f}ms | {speedup('dnnsim')} {speedup('every'):>8}", flush=True)
            for key, name in (("astra", "ASTRA-sim"), ("dnnsim", "dnnsim"), ("every", "dnnsim --every-message")):
                if key in row and abs(row[key][0] / row["closed"] - 1) > TOLERANCE:
                    failures.append(f"{name} at P = {procs}: {row[key][0]:.6f} s, closed form {row['closed']:.6f} s")

    if rows:
        print("\nSimulated time minus the closed form: dnnsim rounds each message to whole bytes;"
              "\nASTRA-sim sends floor(n / P) bytes, truncates each message's delay to whole ns and"
              f"\nadds its endpoint delay ({ASTRA_ENDPOINT_DELAY_NS} ns) to each step and collective:")
        for row in rows:
            procs = row["procs"]
            rounded = closed_form(layers, procs, lambda n, p: math.floor(n / p + 0.5))
            parts = []
            if "astra" in row:
                parts.append(f"ASTRA-sim {(row['astra'][0] - row['closed']) * 1e6:+.3f} us "
                             f"(its model predicts {(astra_expected_s(layers, procs) - row['closed']) * 1e6:+.3f})")
            for key, name in (("dnnsim", "dnnsim"), ("every", "--every-message")):
                if key in row:
                    parts.append(f"{name} {(row[key][0] - row['closed']) * 1e6:+.3f} us")
            parts.append(f"(whole-byte messages predict {(rounded - row['closed']) * 1e6:+.3f})")
            print(f"  P = {procs}: " + ", ".join(parts))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures or not rows else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
