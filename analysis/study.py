"""Study: the rows one figure or one report section is about, and how to name them.

A sweep may hold several studies: the same grids and strategies on several workloads,
platforms, batch sizes or engines, and what-if variants of the machine. A figure of
scaling shows one `Study` (one workload, platform, batch and engine, at fixed what-if
multipliers); a what-if figure shows one `WhatIfStudy` (one workload, batch, P and
engine, one line per platform). `studies(rows)` and `what_if_studies(rows)` split a
sweep into them, in a stable order (the machines as described first); `describe()`
gives the words figures and headings use.
"""

from collections import defaultdict
from dataclasses import dataclass

from analysis.selection import only_value
from analysis.sweep_csv import SweepRow
from analysis.units import format_scale

SCALES = ("bandwidth_scale", "latency_scale", "flops_scale", "intra_bandwidth_scale")
SCALE_NAME = {"bandwidth_scale": "bandwidth", "latency_scale": "latency",
              "flops_scale": "FLOP rate", "intra_bandwidth_scale": "intra-node bandwidth"}


@dataclass(frozen=True, order=True)
class Study:
    """One workload on one platform at one batch size, by one engine, at fixed multipliers."""

    workload: str
    platform: str
    batch: int
    engine: str
    bandwidth_scale: float = 1.0
    latency_scale: float = 1.0
    flops_scale: float = 1.0
    intra_bandwidth_scale: float = 1.0

    @staticmethod
    def of(rows: list[SweepRow]) -> "Study":
        """The study `rows` belong to; an AnalysisError if they span several."""
        return Study(*(only_value(rows, column) for column in
                       ("workload", "platform", "batch", "engine") + SCALES))

    def describe(self) -> str:
        """`alexnet on cori-knl, batch 64, analytic engine` (+ any what-if multiplier)."""
        text = f"{self.workload} on {self.platform}, batch {self.batch}, {self.engine} engine"
        return text + describe_scales({s: getattr(self, s) for s in SCALES})


@dataclass(frozen=True, order=True)
class WhatIfStudy:
    """One workload at one batch and P, by one engine: one line per platform."""

    workload: str
    batch: int
    procs: int
    engine: str

    @staticmethod
    def of(rows: list[SweepRow]) -> "WhatIfStudy":
        return WhatIfStudy(*(only_value(rows, column)
                             for column in ("workload", "batch", "procs", "engine")))

    def describe(self) -> str:
        return f"{self.workload}, P = {self.procs}, batch {self.batch}, {self.engine} engine"


def describe_scales(scales: dict[str, float]) -> str:
    """`, bandwidth 2×` for every multiplier in `scales` that is not 1; empty otherwise."""
    parts = [f"{SCALE_NAME[s]} {format_scale(v)}" for s, v in scales.items() if v != 1]
    return (", " + ", ".join(parts)) if parts else ""


def study_of(row: SweepRow) -> Study:
    """The study one row belongs to."""
    return Study(row.workload, row.platform, row.batch, row.engine, row.bandwidth_scale,
                 row.latency_scale, row.flops_scale, row.intra_bandwidth_scale)


def studies(rows: list[SweepRow]) -> dict[Study, list[SweepRow]]:
    """The rows of each study (workload, platform, batch, engine, multipliers), sorted."""
    groups: dict[Study, list[SweepRow]] = defaultdict(list)
    for row in rows:
        groups[study_of(row)].append(row)
    return dict(sorted(groups.items(), key=lambda item: (not _baseline(item[0]), item[0])))


def _baseline(study: Study) -> bool:
    return all(getattr(study, s) == 1 for s in SCALES)


def what_if_studies(rows: list[SweepRow], scale: str = "bandwidth_scale"
                    ) -> dict[WhatIfStudy, list[SweepRow]]:
    """Rows varying only `scale` (the other multipliers 1), grouped where it takes 2+ values."""
    others = [s for s in SCALES if s != scale]
    groups: dict[WhatIfStudy, list[SweepRow]] = defaultdict(list)
    for row in rows:
        if all(getattr(row, s) == 1 for s in others):
            groups[WhatIfStudy(row.workload, row.batch, row.procs, row.engine)].append(row)
    return {key: group for key, group in sorted(groups.items())
            if len({getattr(r, scale) for r in group}) > 1}
