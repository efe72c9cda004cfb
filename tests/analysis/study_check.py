"""What the checks of the README's studies share: run a study script, and compare the line it
prints with the one the README quotes right after the study's command."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_study(script, *args):
    """Runs analysis/SCRIPT with ARGS under Debian's Python; returns what it printed."""
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "analysis", script), *args],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def quote_mismatch(readme, command, printed):
    """A failure message when README does not quote `printed` right after `command`."""
    lines = open(readme).read().split("\n")
    quoted = lines[lines.index(command) + 1] if command in lines else None
    if quoted == printed:
        return None
    return f"the README quotes\n  {quoted}\nbut the study prints\n  {printed}"


def files_missing(output_dir, names, least_bytes):
    """Failure messages for the outputs missing or smaller than `least_bytes`."""
    return [f"{os.path.join(output_dir, n)} missing or too small" for n in names
            if not os.path.exists(os.path.join(output_dir, n))
            or os.path.getsize(os.path.join(output_dir, n)) < least_bytes]


def report(failures, printed):
    """Prints each failure, or OK and the study's line; returns the exit status."""
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("OK: " + printed)
    return 1 if failures else 0
