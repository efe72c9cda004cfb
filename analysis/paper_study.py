#!/usr/bin/python3
"""The paper study of `make demo` (Gholami et al., SPAA 2018): AlexNet on the paper-era Cray
XC40 / KNL platform, P = 8 ... 4096, every grid, batch sizes 256 and 2048.

1. the analytic engine for every configuration (batch, model, integrated, domain, hybrid,
   and the per-layer optimizer), one `dnnsim sweep`;
2. SimGrid for the best few grids of each P up to 1024 and pure batch / pure model,
   to see whether the simulator agrees with the model on the ranking;
3. a what-if sweep: the best time against network bandwidth for several machines;
4. a per-layer breakdown and a rank timeline of one configuration;
5. plots, a self-contained report.html, and a short table on the terminal.

usage: paper_study.py DNNSIM OUTPUT_DIR [--jobs N]
Everything is written under OUTPUT_DIR (results/paper/ for `make demo`).
"""
import argparse
import csv
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from analysis.atomic_output import atomic_output, write_text_atomically  # noqa: E402

WORKLOAD = "alexnet"
PLATFORM = "cori-knl"
PROCS = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
BATCHES = [256, 2048]
SIMGRID_MAX_PROCS = 1024
SIMGRID_TOP = 3


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, text=True, **kwargs)


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def sweep(dnnsim, out_dir, name, spec, jobs):
    spec_path = os.path.join(out_dir, f"{name}.yaml")
    write_text_atomically(spec_path, spec)
    csv_path = os.path.join(out_dir, f"{name}.csv")
    run([dnnsim, "sweep", spec_path, "--output", csv_path, "--jobs", str(jobs)])
    return read_rows(csv_path)


def best(rows, **match):
    """The fastest row without an error matching every key=value, or None."""
    chosen = [r for r in rows if not r["error"] and all(r[k] == str(v) for k, v in match.items())]
    return min(chosen, key=lambda r: float(r["iteration_s"]), default=None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dnnsim")
    parser.add_argument("output")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    out = args.output
    os.makedirs(out, exist_ok=True)
    start = time.monotonic()
    procs = ", ".join(map(str, PROCS))
    batches = ", ".join(map(str, BATCHES))

    # 1. The model, everywhere.
    analytic = sweep(args.dnnsim, out, "analytic", f"""# AlexNet on the paper-era platform, every grid (make demo).
workloads: [{WORKLOAD}]
platforms: [{PLATFORM}]
procs: [{procs}]
grids: all
strategies: [batch, model, integrated, domain, hybrid, optimized]
batch: [{batches}]
engine: analytic
""", args.jobs)

    # 2. SimGrid on the best integrated grids of each P, and the two pure strategies.
    grids = set()
    for b in BATCHES:
        for p in PROCS:
            if p > SIMGRID_MAX_PROCS:
                continue
            ranked = sorted((r for r in analytic if r["strategy"] == "integrated" and not r["error"]
                             and r["batch"] == str(b) and r["procs"] == str(p)),
                            key=lambda r: float(r["iteration_s"]))
            grids.update(f'{r["pr"]}x{r["pc"]}' for r in ranked[:SIMGRID_TOP])
            grids.update({f"1x{p}", f"{p}x1"})
    sim_procs = ", ".join(str(p) for p in PROCS if p <= SIMGRID_MAX_PROCS)
    simgrid = sweep(args.dnnsim, out, "simgrid", f"""# SimGrid re-times the best grids of the model (make demo).
workloads: [{WORKLOAD}]
platforms: [{PLATFORM}]
procs: [{sim_procs}]
grids: [{", ".join(sorted(grids))}]
strategies: [integrated]
batch: [{batches}]
engine: simgrid
""", args.jobs)

    # 3. What if the network were slower or faster?
    sweep(args.dnnsim, out, "what-if", f"""# Best iteration time against network bandwidth (make demo).
workloads: [{WORKLOAD}]
platforms: [{PLATFORM}, dgx-h100, future-torus]
procs: [256]
grids: all
strategies: [batch, model, integrated, domain, hybrid]
batch: [2048]
engine: analytic
overrides: {{bandwidth_scale: [0.125, 0.25, 0.5, 1, 2, 4, 8]}}
""", args.jobs)

    # 4. One configuration in detail: the best grid at P = 64, batch 256.
    top = best(analytic, procs=64, batch=256, strategy="integrated")
    grid = f'{top["pr"]}x{top["pc"]}'
    common = [WORKLOAD, "--platform", PLATFORM, "--procs", "64", "--grid", grid, "--strategy",
              "integrated", "--batch", "256"]
    with atomic_output(os.path.join(out, "layers.csv")) as temp_path:
        with open(temp_path, "w", encoding="utf-8") as f:
            run([args.dnnsim, "analytic", *common, "--format", "csv"], stdout=f)
    run([args.dnnsim, "simulate", *common, "--trace", os.path.join(out, "trace.json"),
         "--trace-ranks", "16", "--format", "json"], stdout=subprocess.DEVNULL)

    # 5. Plots and the report. One report over both engines' sweeps: its comm-vs-pr
    # figures of the analytic model and of SimGrid share their axes (analysis/report.py).
    run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "report.py"),
         "--sweep", os.path.join(out, "analytic.csv"), "--sweep", os.path.join(out, "simgrid.csv"),
         "--sweep", os.path.join(out, "what-if.csv"), "--layers", os.path.join(out, "layers.csv"),
         "--trace", os.path.join(out, "trace.json"),
         "--title", "AlexNet on a Cray XC40 / KNL machine: integrated model, batch and domain parallelism",
         "--workload", WORKLOAD, "--figures-dir", out, "--output", os.path.join(out, "report.html")],
        stdout=subprocess.DEVNULL)

    # The short table: the best grid of the 1.5D (integrated) scheme per P, against pure
    # batch (1 x P) and pure model (P x 1); the per-layer optimizer's plan; and whether
    # SimGrid ranks the re-timed grids the same way (same fastest grid).
    lines = ["AlexNet on cori-knl: best Pr x Pc grid per P (analytic model, docs/model.md); SimGrid",
             f"re-times the {SIMGRID_TOP} best grids, 1xP and Px1 up to P = {SIMGRID_MAX_PROCS}.",
             "",
             f"{'batch':>5} {'P':>5} {'best grid':>10} {'iteration':>10} {'vs batch':>9} "
             f"{'vs model':>9} {'per-layer plan':>15}  SimGrid agrees"]
    for b in BATCHES:
        for p in PROCS:
            winner = best(analytic, procs=p, batch=b, strategy="integrated")
            if winner is None:
                lines.append(f"{b:>5} {p:>5}   no grid fits the limits")
                continue
            t = float(winner["iteration_s"])
            pure = {s: best(analytic, procs=p, batch=b, strategy=s) for s in ("batch", "model")}
            speedups = [f"{float(pure[s]['iteration_s']) / t:>8.2f}x" if pure[s] else "    limit"
                        for s in ("batch", "model")]
            plan = best(analytic, procs=p, batch=b, strategy="optimized")
            plan_text = f"{float(plan['iteration_s']) * 1e3:>8.2f}ms" if plan else "-"
            agree = "-"
            if p <= SIMGRID_MAX_PROCS:
                sim_best = best(simgrid, procs=p, batch=b)
                candidates = {(r["pr"], r["pc"]) for r in simgrid if r["procs"] == str(p)
                              and r["batch"] == str(b) and not r["error"]}
                model_best = min((r for r in analytic if not r["error"] and r["strategy"] == "integrated"
                                  and r["procs"] == str(p) and r["batch"] == str(b)
                                  and (r["pr"], r["pc"]) in candidates),
                                 key=lambda r: float(r["iteration_s"]), default=None)
                if sim_best and model_best:
                    same = (sim_best["pr"], sim_best["pc"]) == (model_best["pr"], model_best["pc"])
                    agree = "yes" if same else f'no, SimGrid prefers {sim_best["pr"]}x{sim_best["pc"]}'
            lines.append(f"{b:>5} {p:>5} {winner['pr'] + 'x' + winner['pc']:>10} {t * 1e3:>8.2f}ms "
                         f"{speedups[0]} {speedups[1]} {plan_text:>15}  {agree}")
    lines += ["", f"Results, plots and report.html in {out}/."]
    text = "\n".join(lines) + "\n"
    # The file holds only what the study found, so an unchanged study leaves it unchanged;
    # the time it took goes to the terminal.
    write_text_atomically(os.path.join(out, "summary.txt"), text)
    sys.stdout.write(text)
    sys.stdout.write(f"({time.monotonic() - start:.0f} s)\n")


if __name__ == "__main__":
    main()
