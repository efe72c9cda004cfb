#!/usr/bin/python3
"""Runs analysis/pipeline_study.py and checks that it writes its CSV and plot and prints
the summary line the README quotes after its command.

usage: check_pipeline_study.py DNNSIM OUTPUT_DIR README
"""
import os
import subprocess
import sys


def main():
    dnnsim, output_dir, readme = sys.argv[1:]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(["/usr/bin/python3", os.path.join(root, "analysis", "pipeline_study.py"),
                          dnnsim, output_dir], check=True, capture_output=True, text=True)
    printed = out.stdout.strip()
    lines = open(readme).read().split("\n")
    command = "$ /usr/bin/python3 analysis/pipeline_study.py build/dnnsim results/pipeline"
    quoted = lines[lines.index(command) + 1] if command in lines else None
    failures = []
    if quoted != printed:
        failures.append(f"the README quotes\n  {quoted}\nbut the study prints\n  {printed}")
    for name in ("pipeline.csv", "pipeline.png"):
        path = os.path.join(output_dir, name)
        if not os.path.exists(path) or os.path.getsize(path) < 1000:
            failures.append(f"{path} missing or too small")
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("OK: " + printed)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
