#!/usr/bin/python3
"""The modules of sim/ depend one way (docs/design.md, "Modules"): every #include of one
module's header by another must be allowed by the table below, which is the order of the
data flow. Also: only sim/engine and sim/platform/simgrid_* see SimGrid, only sim/kernels
sees MPI and BLAS, and no file is longer than about 300 lines. And no text file of the
repository keeps the markers of an unresolved merge (<<<<<<<, =======, >>>>>>>).

usage: check_modules.py SOURCE_DIR
"""
import os
import re
import sys

# Each module and the modules it may include; the table is a strict order (no cycles).
ALLOWED = {
    "common": set(),
    "workload": {"common"},
    "platform": {"common"},
    "strategy": {"common", "workload"},
    "result": {"common", "workload", "strategy"},
    "model": {"common", "workload", "platform", "strategy", "result"},
    "taskgraph": {"common", "workload", "platform", "strategy", "result", "model"},
    "engine": {"common", "workload", "platform", "strategy", "result", "model", "taskgraph"},
    "optimizer": {"common", "workload", "platform", "strategy", "result", "model"},
    "report": {"common", "workload", "platform", "strategy", "result"},
    "sweep": {"common", "workload", "platform", "strategy", "result", "taskgraph", "report"},
    "request": {"common", "workload", "platform", "strategy", "result"},
    "kernels": {"common", "workload", "platform", "strategy", "result", "model", "report",
                "request"},
    "cli": {"common", "workload", "platform", "strategy", "result", "model", "taskgraph",
            "engine", "optimizer", "report", "sweep", "request"},
}
SIMGRID = re.compile(r'#include [<"](simgrid|xbt|smpi)/')
MPI_BLAS = re.compile(r'#include [<"](mpi\.h|cblas\.h|openblas)')
MAX_LINES = 330


def main(source_dir):
    sim = os.path.join(source_dir, "sim")
    problems = []
    for directory, _, files in os.walk(sim):
        for name in sorted(files):
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, source_dir)
            module = os.path.relpath(path, sim).split(os.sep)[0]
            if module not in ALLOWED:
                problems.append(f"{rel}: module '{module}' is not in the table of modules")
                continue
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
            if len(lines) > MAX_LINES:
                problems.append(f"{rel}: {len(lines)} lines; split it by idea (at most "
                                f"{MAX_LINES})")
            for number, line in enumerate(lines, 1):
                m = re.match(r'#include "sim/([a-z_]+)/', line)
                if m and m.group(1) != module and m.group(1) not in ALLOWED[module]:
                    problems.append(f"{rel}:{number}: {module} includes sim/{m.group(1)}, "
                                    f"which it may not use")
                sees_simgrid = module == "engine" or (module == "platform" and
                                                     name.startswith("simgrid_"))
                if SIMGRID.match(line) and not sees_simgrid:
                    problems.append(f"{rel}:{number}: SimGrid outside sim/engine and "
                                    f"sim/platform/simgrid_*")
                if MPI_BLAS.match(line) and module != "kernels":
                    problems.append(f"{rel}:{number}: MPI or BLAS outside sim/kernels")
    problems += merge_markers(source_dir)
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)" if problems else "modules depend one way")
    return 1 if problems else 0


MARKER = re.compile(r"^(<{7} |>{7} |={7}$)")
TEXT = (".md", ".py", ".cpp", ".hpp", ".cmake", ".txt", ".yaml", ".sh", ".html")


def merge_markers(source_dir):
    """Lines left by an unresolved merge, in the repository's text files."""
    out = []
    for root, dirs, files in os.walk(source_dir):
        dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
        for name in files:
            if not name.endswith(TEXT) and name != "Makefile":
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    if MARKER.match(line.rstrip("\n")):
                        out.append(f"{os.path.relpath(path, source_dir)}:{number}: an unresolved "
                                   "merge left this marker")
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
