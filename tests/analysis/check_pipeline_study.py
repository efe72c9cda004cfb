#!/usr/bin/python3
"""Runs analysis/pipeline_study.py and checks that it writes its CSV and plot and prints
the summary line the README quotes after its command.

usage: check_pipeline_study.py DNNSIM OUTPUT_DIR README
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study_check import files_missing, quote_mismatch, report, run_study  # noqa: E402


def main():
    dnnsim, output_dir, readme = sys.argv[1:]
    printed = run_study("pipeline_study.py", dnnsim, output_dir)
    command = "$ /usr/bin/python3 analysis/pipeline_study.py build/dnnsim results/pipeline"
    failures = [m for m in [quote_mismatch(readme, command, printed)] if m]
    failures += files_missing(output_dir, ("pipeline.csv", "pipeline.png"), 1000)
    return report(failures, printed)


if __name__ == "__main__":
    sys.exit(main())
