#!/usr/bin/python3
"""Runs analysis/published_study.py and checks the published-measurement comparison: the
calibration row is matched, every other row is predicted within the goals of
docs/validation.md (median |error| <= 10 %, none beyond 25 %), the published times are
those the papers give (Korthikanti et al.'s seconds as printed; Narayanan et al.'s
teraFLOP/s turned into seconds by their FLOP formula, checked here on two rows by hand),
and the summary line is the one the README quotes after its command.

usage: check_published_study.py DNNSIM OUTPUT_DIR README
"""
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from study_check import files_missing, quote_mismatch, report, run_study  # noqa: E402


def main():
    dnnsim, output_dir, readme = sys.argv[1:]
    # The replays of the rows on one DGX only: the larger take minutes (make
    # validate-published runs them).
    printed = run_study("published_study.py", dnnsim, output_dir, "--simulate-up-to", "8")
    failures = [m for m in [quote_mismatch(readme, "$ make validate-published", printed)] if m]
    with open(os.path.join(output_dir, "published.csv")) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != 18:
        failures.append(f"{len(rows)} rows, expected 18 (10 of Narayanan et al., 8 of Korthikanti et al.)")
    by = {(r["source"], r["model"], r["recompute"]): r for r in rows}
    # Narayanan et al. 145.6B: 96 B s l h^2 (1 + s/(6h) + V/(16 l h)) = 96 * 2304 * 2048 * 80 *
    # 12288^2 * (1 + 2048/73728 + 51200/15728640) = 5.6417e18 FLOPs at 148 TFLOP/s on 1,536
    # GPUs: 24.817 s. 1T: 96 * 3072 * 2048 * 128 * 25600^2 * (1 + 2048/153600 + 51200/52428800)
    # = 5.1391e19 FLOPs at 163 TFLOP/s on 3,072 GPUs: 102.63 s.
    for key, expected in ((("narayanan2021", "145.6B", "full"), 24.817),
                          (("narayanan2021", "1008.0B", "full"), 102.63),
                          (("korthikanti2022", "175B", "selective"), 13.75)):
        got = float(by[key]["published_s"]) if key in by else None
        if got is None or abs(got - expected) > 0.01:
            failures.append(f"{key}: published {got} s, expected {expected} s")
    replayed = [r for r in rows if r["simulated_s"]]
    if len(replayed) != 2 or any(int(r["gpus"]) > 8 for r in replayed):
        failures.append(f"{len(replayed)} rows replayed, expected the 2 on one DGX")
    fitted = [r for r in rows if r["calibration"] == "true"]
    if len(fitted) != 1 or abs(float(fitted[0]["error"])) > 1e-4:
        failures.append("the calibration row is not matched")
    errors = [abs(float(r["error"])) for r in rows if r["calibration"] == "false"]
    if statistics.median(errors) > 0.10 or max(errors) > 0.25:
        failures.append(f"median |error| {statistics.median(errors):.3f}, worst {max(errors):.3f}: "
                        "beyond the goals of 10 % and 25 %")
    failures += files_missing(output_dir, ("published.csv", "published.png", "dgx-a100-fitted.yaml"),
                              500)
    return report(failures, printed)


if __name__ == "__main__":
    sys.exit(main())
