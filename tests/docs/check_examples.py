#!/usr/bin/python3
"""The example outputs of README.md and docs/*.md are real: every line of a fenced block
that starts with `$ dnnsim ...` is run, and what it prints (stdout, then stderr) must be
the lines that follow it, up to the next `$ ` line or the end of the block, character for
character. Progress reports on stderr (`optimize: 8192/57432 steps, ...`, printed every
5 s when a run is slow, as under the sanitizers) are not part of the output. When an output changes on purpose, `--update` rewrites the documents with what
dnnsim prints now (then read the diff before committing it).

Commands run in a scratch directory that sees the repository's workloads/, platforms/,
tests/ and analysis/, so the files they write go nowhere near the tree, and a later
command of the same block can read what an earlier one wrote.

usage: check_examples.py DNNSIM SOURCE_DIR [--with WORD | --without WORD] [--update]
  --with WORD     only the blocks whose commands contain WORD (e.g. import: PyTorch)
  --without WORD  the other blocks
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile

DOCUMENTS = ["README.md", "docs/*.md"]
LINKED = ["workloads", "platforms", "tests", "analysis", "results"]


def documents(source_dir):
    import glob
    out = []
    for pattern in DOCUMENTS:
        out += sorted(glob.glob(os.path.join(source_dir, pattern)))
    return out


def blocks(text):
    """Yields (start, end) line ranges of fenced blocks whose first line is `$ dnnsim`."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            if i + 1 < j and lines[i + 1].startswith("$ dnnsim "):
                yield i + 1, j
            i = j + 1
        else:
            i += 1


def commands(lines):
    """Splits a block's lines into (command, expected output lines)."""
    out = []
    for line in lines:
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            out[-1][1].append(line)
    return out


# sim/cli/progress.cpp's line for logs: "NAME: DONE/TOTAL UNIT, RATE/s, T s left" or "..., done in T s".
PROGRESS = re.compile(r"^[a-z]+: \d+/\d+ \w+, [0-9.]+/s, (.+ left|done in .*)\n?$")


def run(dnnsim, command, cwd, env):
    args = shlex.split(command)
    args[0] = dnnsim
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    stderr = "".join(line for line in r.stderr.splitlines(keepends=True)
                     if not PROGRESS.match(line))
    text = r.stdout + stderr
    return text[:-1] if text.endswith("\n") else text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dnnsim")
    parser.add_argument("source_dir")
    parser.add_argument("--with", dest="only")
    parser.add_argument("--without")
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    dnnsim = os.path.abspath(args.dnnsim)
    env = dict(os.environ, DNNSIM_DATA_DIR=os.path.abspath(args.source_dir), COLUMNS="100")
    failures = 0
    checked = 0
    for path in documents(args.source_dir):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lines = text.split("\n")
        changed = False
        for start, end in reversed(list(blocks(text))):
            block = lines[start:end]
            joined = " ".join(l for l in block if l.startswith("$ "))
            if args.only and args.only not in joined:
                continue
            if args.without and args.without in joined:
                continue
            with tempfile.TemporaryDirectory() as scratch:
                for name in LINKED:
                    os.symlink(os.path.abspath(os.path.join(args.source_dir, name)),
                               os.path.join(scratch, name))
                new_block = []
                for command, expected in commands(block):
                    actual = run(dnnsim, command, scratch, env)
                    checked += 1
                    new_block.append("$ " + command)
                    new_block += actual.split("\n") if actual else []
                    if actual.split("\n") != expected and not (actual == "" and expected == []):
                        failures += 1
                        where = f"{os.path.relpath(path, args.source_dir)}:{start + 1}"
                        print(f"FAILED: {where}: $ {command}")
                        sys.stdout.writelines(difflib.unified_diff(
                            [l + "\n" for l in expected], [l + "\n" for l in actual.split("\n")],
                            "documented", "printed now"))
            if args.update and new_block != block:
                lines[start:end] = new_block
                changed = True
        if changed:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print(f"updated {path}")
    print(f"{checked} command(s) checked, {failures} differ")
    return 1 if failures and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
