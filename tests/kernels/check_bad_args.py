#!/usr/bin/python3
"""Runs dnnsim-kernels under mpirun with bad arguments and checks that it fails cleanly:
every rank exits non-zero, the message is printed once (by rank 0), nothing goes to
stdout, and nothing hangs (a timeout fails the test).

With --line, stderr must be exactly that one line, once from the ranks together and once
from `mpirun -q` (which adds none of its own), with no std::bad_alloc or MPI_ABORT; with
--status, every rank and mpirun exit with it. DNNSIM_MEMORY_LIMIT_BYTES is removed from
the environment unless --env sets it, so that the machine's own memory counts."""

import argparse
import os
import re
import subprocess
import sys

# Stands, in --line, for an amount of memory this machine has (not known in advance).
AVAILABLE = "{AVAILABLE}"


def line_pattern(line):
    return re.escape(line).replace(re.escape(AVAILABLE), r"[0-9.]+ [kMGT]B")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--np", type=int, required=True)
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--message", help="regular expression expected once")
    parser.add_argument("--line", help=f"the whole of stderr, exactly; {AVAILABLE} stands for "
                                       "any amount of memory")
    parser.add_argument("--status", type=int, help="the exit status of every rank and of mpirun")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the runs")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    o = parser.parse_args()
    if (o.message is None) == (o.line is None):
        parser.error("give --message or --line")
    args = o.args[1:] if o.args[:1] == ["--"] else o.args
    mpirun = [o.mpirun, "--oversubscribe", "--allow-run-as-root", "-np", str(o.np)]
    env = {k: v for k, v in os.environ.items() if k != "DNNSIM_MEMORY_LIMIT_BYTES"}
    env.update(e.split("=", 1) for e in o.env)
    message = o.message if o.line is None else line_pattern(o.line)

    # Each rank reports its own exit status (the wrapper itself exits 0, so mpirun does
    # not cut the others short).
    wrapped = subprocess.run(
        mpirun + ["sh", "-c", '"$0" "$@"; echo "rank exit $?" >&2', o.kernels, *args],
        capture_output=True, text=True, timeout=60, env=env)
    statuses = [int(s) for s in re.findall(r"rank exit (\d+)", wrapped.stderr)]
    failures = []
    if len(statuses) != o.np or any(s == 0 for s in statuses):
        failures.append(f"rank exit statuses {statuses}, expected {o.np} non-zero")
    if o.status is not None and statuses != [o.status] * o.np:
        failures.append(f"rank exit statuses {statuses}, expected {o.np} times {o.status}")
    if wrapped.stdout.strip():
        failures.append(f"stdout is not empty: {wrapped.stdout!r}")
    found = re.findall(message, wrapped.stderr)
    if len(found) != 1:
        failures.append(f"message {message!r} found {len(found)} times in:\n{wrapped.stderr}")
    if o.line is not None:
        said = [l for l in wrapped.stderr.splitlines() if not l.startswith("rank exit ")]
        if len(said) != 1 or not re.fullmatch(message, said[0]):
            failures.append(f"the ranks wrote {said}, expected the one line {o.line!r}")

    # And mpirun itself reports the failure.
    direct = subprocess.run(mpirun + ([] if o.line is None else ["-q"]) + [o.kernels, *args],
                            capture_output=True, text=True, timeout=60, env=env)
    if direct.returncode == 0:
        failures.append("mpirun exited 0")
    if o.status is not None and direct.returncode != o.status:
        failures.append(f"mpirun exited {direct.returncode}, expected {o.status}")
    if o.line is not None:
        if not re.fullmatch(message + "\n", direct.stderr):
            failures.append(f"mpirun -q: stderr is {direct.stderr!r}, expected the one line "
                            f"{o.line!r}")
        for crash in ("bad_alloc", "MPI_ABORT"):
            if crash in wrapped.stderr + direct.stderr:
                failures.append(f"{crash} on stderr")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print(f"OK: {o.np} ranks exited {statuses}, one message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
