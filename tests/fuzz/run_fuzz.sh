#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target of tests/fuzz for SECONDS, seeded with the presets,
# the test files and the regressions, growing a corpus in BUILD/fuzz/corpus/<target>.
# A crash, sanitizer report, uncaught exception or hang (-timeout) stops it: the input is in
# BUILD/fuzz/crashes/<target>/; fix the bug, then keep the input in
# tests/fuzz/regressions/<target>/ (ctest replays it on every build, docs/robustness.md).
#
#   tests/fuzz/run_fuzz.sh BUILD SECONDS TARGET...
set -euo pipefail
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

status=0
for target in "$@"; do
  corpus=$build/fuzz/corpus/$target
  crashes=$build/fuzz/crashes/$target
  log=$build/fuzz/$target.log
  mkdir -p "$corpus" "$crashes"
  seeds=("$root/workloads" "$root/platforms" "$root/tests/data")
  [[ -d "$here/regressions/$target" ]] && seeds+=("$here/regressions/$target")
  printf 'fuzz %-9s %4s s ... ' "$target" "$seconds"
  # -timeout: an input taking longer is a hang; -rss_limit_mb: a memory blow-up is a bug too.
  if "$build/tests/fuzz/dnnsim_fuzz_$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=8192 -dict="$here/$target.dict" \
      -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "ok: $runs executions, corpus $(find "$corpus" -type f | wc -l) inputs, no bug"
  else
    echo "BUG (see $log):"
    grep -E "ERROR|SUMMARY|bug:|uncaught|Test unit written" "$log" | head -8 | sed 's/^/  /'
    status=1
  fi
done
exit $status
