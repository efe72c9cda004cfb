#!/usr/bin/python3
"""Collectives timed on private links give the times of sending their messages: each case
runs with and without --every-message, the iteration times must agree within 1e-9 relative,
and the debug log must show private links used (or not) as the case expects.

usage: private_links.py DNNSIM
"""
import json
import re
import subprocess
import sys

# (expect private links?, arguments of `dnnsim simulate`)
CASES = [
    # Megatron-LM's layout: each tensor group is a node; data and pipeline groups span nodes.
    (True, ["gpt3-175b", "--platform", "dgx-a100", "--strategy", "tensor", "--grid", "8x1x8",
            "--batch", "8", "--microbatches", "8", "--recompute", "full"]),
    # Two tensor groups of 4 and the data-parallel pairs between them, all in one node.
    (True, ["tests/data/small-gpt.yaml", "--platform", "dgx-a100", "--strategy", "tensor",
            "--grid", "4x2", "--sequence-parallel"]),
    # The same with ring collectives, ZeRO-3 gathers and one stream.
    (True, ["tests/data/small-gpt.yaml", "--platform", "dgx-a100", "--strategy", "tensor",
            "--grid", "4x2", "--collective", "ring", "--zero", "3", "--no-overlap"]),
    # Two stages in one node: their sends leave without waiting, so nothing is private.
    (False, ["tests/data/small-gpt.yaml", "--platform", "dgx-a100", "--strategy", "tensor",
             "--grid", "2x1x2", "--microbatches", "4"]),
    # On a crossbar every host's links are its own: every group qualifies.
    (True, ["tests/data/small-gpt.yaml", "--platform", "crossbar", "--strategy", "tensor",
            "--grid", "4x2"]),
    (True, ["alexnet", "--platform", "crossbar", "--procs", "16", "--strategy", "batch",
            "--batch", "16", "--collective", "ring", "--no-overlap"]),
    (True, ["alexnet", "--platform", "crossbar", "--strategy", "integrated", "--grid", "4x4",
            "--batch", "16"]),
    # Halos (pairs, sent) between the all-reduces (timed) of a domain split.
    (True, ["alexnet", "--platform", "crossbar", "--strategy", "domain", "--grid", "4x2",
            "--batch", "16"]),
    # Stages' sends leave without waiting for their receive: nothing is private.
    (False, ["tests/data/small-gpt.yaml", "--platform", "crossbar", "--strategy", "tensor",
             "--grid", "2x2x2", "--microbatches", "4"]),
    # A fat-tree's links are shared.
    (False, ["alexnet", "--platform", "fat-tree", "--strategy", "integrated", "--grid", "4x4",
             "--batch", "16"]),
]


def simulate(dnnsim, args):
    out = subprocess.run([dnnsim, "--log-level", "debug", "simulate", *args, "--format", "json"],
                         check=True, capture_output=True, text=True)
    seats = int(re.search(r"(\d+) collective seats timed on private links", out.stderr).group(1))
    return json.loads(out.stdout)["iteration_s"], seats


def main():
    dnnsim = sys.argv[1]
    failures = 0
    for private, args in CASES:
        fast, seats = simulate(dnnsim, args)
        plain, plain_seats = simulate(dnnsim, [*args, "--every-message"])
        ok = (abs(fast - plain) <= 1e-9 * plain and (seats > 0) == private
              and plain_seats == 0)
        failures += not ok
        print(f"{' '.join(args)}: {fast!r} s with {seats} private seats, {plain!r} s message by "
              f"message: {'OK' if ok else 'FAIL'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
