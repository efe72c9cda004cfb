#!/usr/bin/python3
"""Checks of the SimGrid engine through the CLI. Each check runs dnnsim
in its own processes and asserts values worked out from docs/model.md or from the topology.

usage: simcheck.py DNNSIM CHECK
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile


def dnnsim(*args):
    out = subprocess.run([DNNSIM, *args], check=True, capture_output=True, text=True)
    return out.stdout


def result(*args):
    return json.loads(dnnsim(*args, "--format", "json"))


def total(r, key):
    return sum(layer[key] for layer in r["layers"])


def expect(condition, message):
    if not condition:
        print("FAILED:", message)
        sys.exit(1)
    print("ok:", message)


def ring_vs_rabenseifner():
    # MLP, batch on 8 ranks: 4 weight-gradient all-reduces. Ring: 2 (p-1) = 14 latencies,
    # Rabenseifner: 2 lg p = 6; same bandwidth term. 4 * 8 * alpha (1 us) = 32 us apart.
    args = ["mlp", "--platform", "crossbar", "--procs", "8", "--strategy", "batch", "--no-overlap"]
    rab = result("simulate", *args, "--collective", "rabenseifner")["iteration_s"]
    ring = result("simulate", *args, "--collective", "ring")["iteration_s"]
    expect(abs((ring - rab) - 32e-6) < 1e-9, f"ring - rabenseifner = {ring - rab:.9g} s, expected 32 us")


def oversubscribed_fat_tree():
    # 64 ranks over two leaves of the 2:1 oversubscribed fat-tree preset. Bruck's all-reduce
    # sends its largest blocks (n/2) to rank r -/+ 32, on the other leaf: 32 flows share
    # 16 uplinks, so that step's bandwidth term doubles and the gradient all-reduce is
    # measurably slower than the model. MPICH's recursive order sends n/2 to the nearest
    # rank (same leaf) and stays within a few percent of the model.
    args = ["alexnet", "--platform", "fat-tree", "--procs", "64", "--strategy", "batch"]
    model = total(result("analytic", *args), "gradient_s")
    bruck = total(result("simulate", *args, "--no-overlap", "--collective", "bruck"), "gradient_s")
    rab = total(result("simulate", *args, "--no-overlap"), "gradient_s")
    expect(bruck > 1.15 * model, f"Bruck on the oversubscribed tree: {bruck:.6g} s vs model {model:.6g} s")
    expect(rab < 1.05 * model, f"recursive halving / doubling: {rab:.6g} s vs model {model:.6g} s")
    # The same all-reduce on the ideal crossbar equals the model.
    ideal = total(result("simulate", *args[:1], "--platform", "crossbar", *args[3:], "--no-overlap",
                         "--collective", "bruck"), "gradient_s")
    model_x = total(result("analytic", args[0], "--platform", "crossbar", *args[3:]), "gradient_s")
    expect(abs(ideal - model_x) <= 0.01 * model_x, f"Bruck on the crossbar: {ideal:.6g} s vs {model_x:.6g} s")


def topologies_run():
    for platform in ("future-torus", "cori-knl", "dgx-h100", "fat-tree"):
        r = result("simulate", "alexnet", "--platform", platform, "--procs", "16", "--grid", "4x4",
                   "--strategy", "hybrid")
        expect(r["iteration_s"] > r["compute_s"] > 0, f"{platform}: {r['iteration_s']:.6g} s")


def overlap():
    # Overlap never lengthens an iteration; with batch parallelism the gradient all-reduce
    # hides behind the backward pass.
    for args in (["alexnet", "--procs", "8", "--strategy", "batch"],
                 ["alexnet", "--procs", "16", "--grid", "4x4", "--strategy", "integrated"],
                 ["resnet18", "--procs", "8", "--grid", "2x4", "--strategy", "hybrid", "--batch", "64"],
                 ["mlp", "--procs", "4", "--strategy", "model"]):
        common = [*args[:1], "--platform", "crossbar", *args[1:]]
        on = result("simulate", *common)["iteration_s"]
        off = result("simulate", *common, "--no-overlap")["iteration_s"]
        expect(on <= off * (1 + 1e-9), f"{' '.join(args)}: overlap {on:.6g} s <= no overlap {off:.6g} s")
    on = result("simulate", "alexnet", "--platform", "crossbar", "--procs", "8", "--strategy", "batch")
    off = result("simulate", "alexnet", "--platform", "crossbar", "--procs", "8", "--strategy", "batch",
                 "--no-overlap")
    expect(on["iteration_s"] < 0.8 * off["iteration_s"], "batch-parallel AlexNet hides its gradients")


def placement():
    # 8 x 2 on DGX-H100 nodes of 8 GPUs: `column` keeps each model-parallel column of 8 inside
    # one node (NVLink, 450 GB/s), `row` spreads it over two nodes, so its all-gathers cross
    # the NICs (50 GB/s) while the two-rank gradient all-reduces move onto NVLink. Without
    # overlap, the collectives of the column placement cost 1.70 ms and those of the row
    # placement 2.19 ms; the computation is the same (1.15 ms).
    args = ["alexnet", "--platform", "dgx-h100", "--procs", "16", "--grid", "8x2", "--strategy",
            "integrated", "--no-overlap"]
    column = result("simulate", *args, "--placement", "column")
    row = result("simulate", *args, "--placement", "row")
    expect(abs(row["compute_s"] - column["compute_s"]) < 1e-9 * column["compute_s"],
           f"placement changed the computation: {row['compute_s']} s vs {column['compute_s']} s")
    expect(row["comm_s"] > 1.2 * column["comm_s"],
           f"placement row: collectives {row['comm_s']:.6g} s vs column {column['comm_s']:.6g} s")


def trace():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.json")
        dnnsim("simulate", "alexnet", "--platform", "crossbar", "--procs", "16", "--grid", "4x4",
               "--strategy", "hybrid", "--trace", path, "--trace-ranks", "5")
        events = json.load(open(path))["traceEvents"]
        spans = [e for e in events if e["ph"] == "X"]
        ranks = {e["tid"] for e in spans}
        expect(ranks == set(range(5)), f"trace has ranks {sorted(ranks)}")
        expect(any(e["cat"] == "compute" and e["name"] == "conv2 forward" for e in spans), "compute spans")
        expect(any(e["cat"] == "comm" and "halo" in e["name"] for e in spans), "halo spans")
        expect(all(e["dur"] >= 0 for e in spans), "durations are non-negative")


def taskgraph_bytes():
    # A middle rank of a column takes part in both halo rounds: its payloads per layer are
    # the busiest process's, the analytic engine's comm_bytes.
    args = ["alexnet", "--platform", "crossbar", "--procs", "8", "--grid", "4x2", "--strategy", "hybrid"]
    graph = json.loads(dnnsim("taskgraph", *args, "--rank", "1", "--format", "json"))
    analytic = result("analytic", *args)
    differ = [f"{a['name']}: task graph {g['comm_bytes']} B, analytic {a['comm_bytes']} B"
              for g, a in zip(graph["layers"], analytic["layers"])
              if abs(g["comm_bytes"] - a["comm_bytes"]) > 1e-6 * max(1.0, a["comm_bytes"])]
    expect(len(graph["layers"]) == len(analytic["layers"]) == 22 and not differ,
           f"task-graph bytes per layer equal the analytic comm_bytes {differ}")
    # Worked out by hand for conv2 (5x5, padding 2, stride 1, 64 -> 192 channels, 27x27,
    # batch 256 over Pc = 2): the halo h = h_b = 2 rows, one exchange of 4 * 128 * 2 * 27 * 64
    # bytes forward and 4 * 128 * 2 * 27 * 192 backward, each in both rounds of a middle
    # rank of a column of 4; the weight gradient, 192 * (64 * 25 + 1) * 4 bytes over all 8.
    conv2 = next(layer for layer in graph["layers"] if layer["name"] == "conv2")
    expected = 2 * 4 * 128 * 2 * 27 * 64 + 2 * 4 * 128 * 2 * 27 * 192 + 192 * (64 * 25 + 1) * 4
    expect(conv2["comm_bytes"] == expected, f"conv2 on rank 1: {conv2['comm_bytes']} B, by hand {expected}")
    dot = dnnsim("taskgraph", *args, "--rank", "1", "--format", "dot")
    expect(dot.startswith("digraph rank1") and "->" in dot, "DOT output")


def smpi_replay():
    # The exported traces replayed by SMPI give dnnsim's --no-overlap time within 1 %.
    for args in (["mlp", "--procs", "4", "--strategy", "batch"],
                 ["alexnet", "--procs", "8", "--grid", "2x4", "--strategy", "hybrid"],
                 ["alexnet", "--procs", "6", "--grid", "3x2", "--strategy", "integrated"],
                 ["resnet18", "--procs", "4", "--grid", "2x2", "--strategy", "domain", "--batch", "32"]):
        common = [*args[:1], "--platform", "crossbar", *args[1:]]
        with tempfile.TemporaryDirectory() as tmp:
            dnnsim("taskgraph", *common, "--export", "smpi", tmp)
            out = subprocess.run([os.path.join(tmp, "run.sh")], capture_output=True, text=True)
            match = re.search(r"Simulated time: ([0-9.eE+-]+) seconds", out.stdout + out.stderr)
            expect(out.returncode == 0 and match is not None, f"smpirun -replay ran ({' '.join(args)})")
            smpi = float(match.group(1))
        ours = result("simulate", *common, "--no-overlap")["iteration_s"]
        expect(abs(smpi - ours) <= 0.01 * ours, f"{' '.join(args)}: SMPI {smpi:.6g} s, dnnsim {ours:.6g} s")


def optimizer_plan_reproduces():
    # The optimizer's plan file, run through analytic --plan, gives the optimizer's time
    # exactly; simulate --plan runs it; the plan is never slower than the best uniform one.
    with tempfile.TemporaryDirectory() as tmp:
        plan = os.path.join(tmp, "plan.yaml")
        opt = json.loads(dnnsim("optimize", "alexnet", "--platform", "cori-knl", "--procs", "64",
                                "--format", "json", "--output", plan))
        expect(opt["iteration_s"] <= opt["best_uniform"]["iteration_s"], "optimized <= best uniform")
        expect(len(opt["plan"]) == 11, "a kind for each conv, pool and linear layer")
        again = result("analytic", "alexnet", "--platform", "cori-knl", "--plan", plan)
        expect(again["iteration_s"] == opt["iteration_s"], "analytic --plan reproduces the time exactly")
        sim = result("simulate", "alexnet", "--platform", "cori-knl", "--plan", plan, "--no-overlap")
        expect(sim["strategy"] == "plan" and sim["iteration_s"] > 0, "simulate --plan runs the plan")
        per_layer = json.loads(dnnsim("optimize", "alexnet", "--platform", "cori-knl", "--procs", "64",
                                      "--per-layer-grids", "--format", "json"))
        expect(per_layer["iteration_s"] <= opt["iteration_s"] * (1 + 1e-12),
               "per-layer grids are never worse than one shared grid")
        # A GPT, where a split (stages, microbatches, ZeRO) wins: its plan file, with the
        # pipeline and the ZeRO stage, reproduces its time exactly too.
        split_plan = os.path.join(tmp, "split.yaml")
        gpt = json.loads(dnnsim("optimize", "tests/data/small-gpt.yaml", "--platform", "dgx-a100",
                                "--procs", "8", "--format", "json", "--output", split_plan))
        expect(gpt["answer"] == "split" and gpt["best_split"]["iteration_s"] == gpt["iteration_s"],
               "on a GPT the best split is the answer")
        expect(gpt["searched"]["splits"] == gpt["searched"]["fit"] + gpt["searched"]["over_memory"]
               + gpt["searched"]["cannot_run"], "every split searched is counted once")
        expect(all(u["why"] and u["iteration_s"] >= gpt["iteration_s"] for u in gpt["runners_up"]
                   if "iteration_s" in u and u["fits"]), "runners-up that fit are no faster, and say why")
        again = result("analytic", "tests/data/small-gpt.yaml", "--platform", "dgx-a100", "--plan", split_plan)
        expect(again["iteration_s"] == gpt["iteration_s"] and again["grid"]["pp"] == gpt["best_split"]["grid"]["pp"],
               "analytic --plan reproduces the split's time and stages exactly")
        # --engine simgrid re-times the per-layer plan and the --top fastest distinct splits,
        # and answers with the fastest in SimGrid, whose plan file simulate reproduces.
        retimed_plan = os.path.join(tmp, "retimed.yaml")
        sim_opt = json.loads(dnnsim("optimize", "tests/data/small-gpt.yaml", "--platform", "crossbar",
                                    "--procs", "4", "--engine", "simgrid", "--top", "2",
                                    "--format", "json", "--output", retimed_plan))
        times = [t["simulated_s"] for t in sim_opt["retimed"]]
        expect(len(times) == 3 and len({t["analytic_s"] for t in sim_opt["retimed"]}) == 3,
               "the per-layer plan and two splits of distinct analytic times are re-timed")
        expect(sim_opt["iteration_s"] == min(times), "the answer is the fastest in SimGrid")
        again = result("simulate", "tests/data/small-gpt.yaml", "--platform", "crossbar", "--plan", retimed_plan)
        expect(again["iteration_s"] == sim_opt["iteration_s"], "simulate --plan reproduces it")
        timed = json.loads(dnnsim("optimize", "mlp", "--platform", "crossbar", "--procs", "8",
                                  "--engine", "simgrid", "--format", "json"))
        expect(timed["engine"] == "simgrid" and timed["iteration_s"] > 0, "--engine simgrid re-times")
    # With --engine simgrid the best uniform strategy is named with its own simulated time
    # (it once printed the first analytic candidate's name with another one's time).
    opt = json.loads(dnnsim("optimize", "alexnet", "--platform", "fat-tree", "--procs", "64",
                            "--engine", "simgrid", "--top", "4", "--format", "json"))
    u = opt["best_uniform"]
    grid = f"{u['grid']['pr']}x{u['grid']['pc']}"
    alone = result("simulate", "alexnet", "--platform", "fat-tree", "--procs", "64", "--grid", grid,
                   "--strategy", u["strategy"])
    expect(alone["iteration_s"] == u["iteration_s"],
           f"best uniform {u['strategy']} {grid}: {u['iteration_s']!r} s is its own simulated time")
    expect(not (u["strategy"] == "integrated" and u["grid"]["pr"] == 1), "1 x P is called batch")


def xml_platform():
    # tests/data/tiny-platform.xml: 1 Gflop/s hosts on one shared 1 GB/s, 10 us wire.
    # MLP, batch on 2 ranks, 512 samples: per sample fc1 2*1024*2048 FLOPs forward and once
    # more for its weight gradient (the first weighted layer), fc2 and fc3 3 * 2*2048*2048,
    # fc4 3 * 2*2048*1000: 71,008,256 FLOPs, so 512 / 2 * 71,008,256 / 1e9 = 18.178113536 s.
    # With overlap only fc1's gradient all-reduce is exposed: two steps of n/2 = 4,198,400
    # bytes each way on the one shared wire (0.5 GB/s a direction): 2 * (10 us + 8.3968 ms).
    args = ["mlp", "--platform", "tests/data/tiny-platform.xml", "--procs", "2", "--strategy", "batch"]
    r = result("simulate", *args)
    expect(abs(r["compute_s"] - 18.178113536) < 1e-9, f"compute {r['compute_s']!r} s")
    expect(abs(r["iteration_s"] - (18.178113536 + 2 * (10e-6 + 8.3968e-3))) < 1e-9,
           f"iteration {r['iteration_s']!r} s")
    expect(r["memory_limit_bytes"] is None and r["exceeds_memory"] is False,
           "an XML platform states no memory: no limit, never exceeded")
    table = dnnsim("simulate", *args)
    expect("(the platform states no memory)" in table and "exposed communication 16.81 ms" in table,
           "the table says so and shows the exposed communication")
    # The optimizer searches with the numbers read from the first two hosts and SimGrid
    # re-times its plan on the file itself.
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = os.path.join(tmp, "plan.yaml")
        opt = json.loads(dnnsim("optimize", "mlp", "--platform", "tests/data/tiny-platform.xml",
                                "--procs", "2", "--engine", "simgrid", "--format", "json",
                                "--output", plan_file))
        expect(opt["engine"] == "simgrid" and opt["platform"] == "tiny-platform",
               "optimize re-times on it")
        planned = result("simulate", "mlp", "--platform", "tests/data/tiny-platform.xml",
                         "--plan", plan_file)
    expect(opt["iteration_s"] == planned["iteration_s"], "the plan's time is the simulated one")
    # A sweep: SimGrid rows on the XML platform equal simulate; analytic rows say why not.
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec.yaml")
        with open(spec, "w") as f:
            f.write("workloads: [mlp]\nplatforms: [tests/data/tiny-platform.xml]\nprocs: [2, 4]\n"
                    "strategies: [batch]\nengine: [analytic, simgrid]\n")
        out = os.path.join(tmp, "out.csv")
        dnnsim("sweep", spec, "--output", out)
        rows = list(csv.DictReader(open(out)))
    by = {(row["engine"], row["procs"]): row for row in rows}
    expect(float(by["simgrid", "2"]["iteration_s"]) == r["iteration_s"], "sweep row = simulate")
    expect(by["analytic", "2"]["error"].startswith("a SimGrid XML platform has no alpha, beta or flops"),
           "analytic rows on an XML platform are error rows")
    expect(by["simgrid", "4"]["error"] == "P = 4 exceeds the platform's 3 hosts", "P beyond its hosts")


if __name__ == "__main__":
    DNNSIM = sys.argv[1]
    globals()[sys.argv[2]]()
