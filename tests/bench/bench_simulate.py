#!/usr/bin/python3
"""`make bench`, SimGrid part: wall time and peak memory of simulating one AlexNet and one
ResNet-50 iteration at P = 64 ... 16384 (integrated square-ish grids and pure batch) on a
full-bisection fat-tree sized for P, and SMPI's `smpirun -replay` of the same iteration
(exported by `dnnsim taskgraph --export smpi`) next to dnnsim on the crossbar, where both
give the same simulated time. Runs shorter than a few seconds are repeated and the fastest
counts; in the comparison the programs' runs alternate. SMPI is timed as exported
(-no-privatize) and with smpirun's default privatization.

Then GPT-3 175B on the dgx-a100 preset, tensor 8 x data PC x pipeline 8, microbatches of
one sequence, full recomputation: 16 microbatches for PC = 1 ... --llm-max-data (64 ... 8 PC
* 8 GPUs), then Megatron-LM's 1,024-GPU iteration (PC = 16, batch 1536, 96 microbatches),
with the tasks, runs of computations and messages replayed.

usage: bench_simulate.py DNNSIM [--max-procs P] [--smpi-max-procs P] [--resnet-max-procs P]
                                [--llm-max-data PC]
Goals: AlexNet at P = 1024 in <= 2 s and 1 GiB, P = 4096 in <= 20 s,
P = 16384 in <= 5 minutes; >= 2x faster than SMPI replay. GPT-3 175B on 1,024 GPUs (PC =
16, 96 microbatches) in <= 120 s and 4 GiB (README, "Speed").
"""
import argparse
import json
import math
import os
import re
import tempfile

from timed_run import timed_run


def run(cmd):
    """Runs cmd; returns (stdout and stderr, wall seconds, peak RSS in MiB)."""
    out, err, wall, rss = timed_run(cmd)
    return out + err, wall, rss


def fastest(cmd, budget_s=3.0, most=7):
    """Runs cmd again while the runs so far took less than budget_s, at most `most` times;
    returns the fastest (output, wall, RSS): short runs are at the mercy of other programs
    on the machine, and the fastest is the undisturbed one."""
    best = run(cmd)
    spent, count = best[1], 1
    while spent < budget_s and count < most:
        again = run(cmd)
        spent += again[1]
        count += 1
        if again[1] < best[1]:
            best = again
    return best


def fastest_alternating(cmds, budget_s=9.0, most=21):
    """fastest() for programs compared with each other: their runs alternate, so that a busy
    spell of the machine slows all alike; returns the fastest run of each."""
    best = [run(cmd) for cmd in cmds]
    spent, count = sum(b[1] for b in best), 1
    while spent < budget_s and count < most:
        for k, cmd in enumerate(cmds):
            again = run(cmd)
            spent += again[1]
            if again[1] < best[k][1]:
                best[k] = again
        count += 1
    return best


def fat_tree(tmp, procs):
    leaves = max(1, procs // 32)
    per_leaf = procs // leaves
    path = os.path.join(tmp, f"fat-tree-{procs}.yaml")
    with open(path, "w") as f:
        f.write(f"""# {procs} KNL-like nodes on a full-bisection two-level fat-tree.
name: fat-tree-{procs}
nodes: {procs}
node: {{flops: 3.0e12, efficiency: 0.5, memory: 96.0e9}}
network:
  topology: fat-tree
  latency: 1.5e-6
  bandwidth: 12.5e9
  fat_tree: {{levels: 2, down: [{per_leaf}, {leaves}], up: [1, {per_leaf}], link_counts: [1, 1]}}
""")
    return path


def square_grid(procs):
    # As square as the model allows: AlexNet's conv1 has 64 output channels, so Pr <= 64.
    pr = min(2 ** (int(math.log2(procs)) // 2), 64)
    return f"{pr}x{procs // pr}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dnnsim")
    parser.add_argument("--max-procs", type=int, default=16384)
    parser.add_argument("--smpi-max-procs", type=int, default=4096)
    # ResNet-50 has 107 gradient all-reduces (53 convolutions, 53 batchnorms, fc) to AlexNet's 8: past P = 1024 one iteration
    # takes far longer than the other figures together.
    parser.add_argument("--resnet-max-procs", type=int, default=1024)
    # The 16-microbatch series; the 1,024-GPU iteration (PC = 16, batch 1536) always runs.
    parser.add_argument("--llm-max-data", type=int, default=4)
    args = parser.parse_args()
    procs_list = [p for p in (64, 256, 1024, 4096, 16384) if p <= args.max_procs]
    with tempfile.TemporaryDirectory() as tmp:
        print("SimGrid engine, one training iteration on a fat-tree sized for P (batch = P):")
        print(f"{'workload':<10} {'strategy':<22} {'P':>6} {'wall':>9} {'peak RSS':>10} {'simulated':>11}")
        for workload in ("alexnet", "resnet50"):
            for procs in procs_list:
                if workload == "resnet50" and procs > args.resnet_max_procs:
                    continue
                platform = fat_tree(tmp, procs)
                for label, strategy in (("batch 1xP", ["--strategy", "batch"]),
                                        (f"integrated {square_grid(procs)}",
                                         ["--grid", square_grid(procs), "--strategy", "integrated"])):
                    out, wall, rss = fastest([args.dnnsim, "simulate", workload, "--platform", platform,
                                          "--procs", str(procs), "--batch", str(procs), *strategy,
                                          "--format", "json"])
                    simulated = json.loads(out)["iteration_s"]
                    print(f"{workload:<10} {label:<22} {procs:>6} {wall:>8.3f}s {rss:>7.0f} MiB "
                          f"{simulated * 1e3:>9.3f}ms", flush=True)

        # The export's run.sh replays with -no-privatize (SMPI's replay program has no
        # globals to privatize); smpirun's default privatization copies the program once per
        # rank. Both are timed: the first is the fair comparison, the second what a plain
        # `smpirun -replay` costs. dnnsim runs as it is (its collectives, on the crossbar's
        # private links, are timed rather than sent) and with --every-message, which sends
        # every message through SimGrid as SMPI does.
        print("\ndnnsim vs SMPI replay of the same iteration (AlexNet, batch parallel, crossbar, "
              "--no-overlap):")
        print(f"{'P':>6} {'dnnsim':>9} {'every-msg':>10} {'SMPI replay':>12} {'privatizing':>12} "
              f"{'SMPI/dnnsim':>12} {'SMPI/every-msg':>15} {'dnnsim RSS':>11} {'SMPI RSS':>9} "
              f"{'simulated (dnnsim / SMPI)':>26}")
        for procs in [p for p in procs_list if p <= args.smpi_max_procs]:
            common = ["alexnet", "--platform", "crossbar", "--procs", str(procs), "--strategy",
                      "batch", "--batch", str(procs)]
            export = os.path.join(tmp, f"smpi-{procs}")
            run([args.dnnsim, "taskgraph", *common, "--export", "smpi", export])
            replay = os.path.join(export, "run.sh")
            ours_cmd = [args.dnnsim, "simulate", *common, "--no-overlap", "--format", "json"]
            ((out, ours, ours_rss), (every_out, every, _), (smpi_out, smpi, smpi_rss),
             (_, private, _)) = fastest_alternating(
                 [ours_cmd, [*ours_cmd, "--every-message"], [replay],
                  [replay, "--cfg=smpi/privatization:yes"]])
            ours_sim = json.loads(out)["iteration_s"]
            every_sim = json.loads(every_out)["iteration_s"]
            smpi_sim = float(re.search(r"Simulated time: ([0-9.eE+-]+)", smpi_out).group(1))
            if abs(every_sim - ours_sim) > 1e-9 * ours_sim:
                raise RuntimeError(f"P = {procs}: dnnsim {ours_sim} s, --every-message {every_sim} s")
            print(f"{procs:>6} {ours:>8.3f}s {every:>9.3f}s {smpi:>11.3f}s {private:>11.3f}s "
                  f"{smpi / ours:>11.1f}x {smpi / every:>14.2f}x {ours_rss:>7.0f} MiB "
                  f"{smpi_rss:>5.0f} MiB {ours_sim * 1e3:>10.4f} / {smpi_sim * 1e3:.4f} ms",
                  flush=True)

        llm(args.dnnsim, args.llm_max_data)


def llm(dnnsim, max_data):
    """GPT-3 175B as Megatron-LM ran it (tensor 8 x data PC x pipeline 8, microbatches of one
    sequence, full recomputation): 16 microbatches for PC = 1 ... max_data, then the
    1,024-GPU iteration of batch 1536 (96 microbatches)."""
    print("\nGPT-3 175B, dgx-a100, tensor 8 x data PC x pipeline 8, microbatches of one sequence, "
          "full recomputation:")
    print(f"{'P':>6} {'batch':>6} {'wall':>9} {'peak RSS':>10} {'tasks':>11} {'compute runs':>12} "
          f"{'messages':>11} {'simulated':>11} {'bubble':>9}")
    cases = []
    data = 1
    while data <= max_data:
        cases.append((data, 16 * data, []))
        data *= 2
    cases.append((16, 1536, []))
    # The smallest case again, every message sent (its tensor groups' collectives are timed
    # on the nodes' private links otherwise): the same simulated time, more events.
    cases.append((1, 16, ["--every-message"]))
    for data, batch, extra in cases:
        cmd = [dnnsim, "--log-level", "debug", "simulate", "gpt3-175b", "--platform", "dgx-a100",
               "--strategy", "tensor", "--grid", f"8x{data}x8", "--batch", str(batch),
               "--microbatches", str(batch // data), "--recompute", "full", "--format", "json",
               *extra]
        out, log, wall, rss = timed_run(cmd)
        result = json.loads(out)
        counts = re.search(r"replayed (\d+) tasks as (\d+) runs of computations and (\d+) messages",
                           log)
        tasks, runs, messages = (int(counts.group(k)) for k in (1, 2, 3))
        print(f"{64 * data:>6} {batch:>6} {wall:>8.2f}s {rss:>7.0f} MiB {tasks:>11,} "
              f"{runs:>12,} {messages:>11,} {result['iteration_s']:>10.4f}s "
              f"{result['pipeline']['bubble_s']:>8.4f}s {' '.join(extra)}", flush=True)


if __name__ == "__main__":
    main()
