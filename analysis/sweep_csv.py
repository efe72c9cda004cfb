"""Sweep CSV: one row per configuration, as `dnnsim sweep` and `dnnsim optimize` write it.

The contract (docs/analysis.md):

    workload,platform,engine,batch,procs,pr,pc,strategy,bandwidth_scale,latency_scale,
    flops_scale,intra_bandwidth_scale,iteration_s,compute_s,comm_s,forward_s,backward_s,
    gradient_s,halo_s,redistribute_s,memory_bytes_per_proc,exceeds_memory,error

(`intra_bandwidth_scale` came later: a file without it is read as if it were 1. So did
the pipeline columns `pp`, `microbatches`, `schedule`, `zero`, `recompute`,
`sequence_parallel`, `bucket_bytes`, `bubble_s` and `mfu`; a file without `pp` has one
stage, and `pr x pc x pp` is `procs`.)

`engine` is analytic or simgrid; `strategy` batch, model, integrated, domain, hybrid or
optimized; the `*_scale` columns are the what-if multipliers (1 when not overridden);
`error` is empty, or the limit the configuration breaks, and then the numeric columns are
empty. `read_sweep(path)` returns a list of `SweepRow`, each field typed and within its
bounds (csv_reading.py); a row without an error must have its iteration, compute
and communication times (0 for a workload whose layers cost nothing).
"""

from dataclasses import dataclass

from analysis.csv_reading import read_contract_csv
from analysis.errors import AnalysisError

SWEEP_COLUMNS = (
    "workload", "platform", "engine", "batch", "procs", "pr", "pc", "strategy",
    "bandwidth_scale", "latency_scale", "flops_scale", "iteration_s", "compute_s", "comm_s",
    "forward_s", "backward_s", "gradient_s", "halo_s", "redistribute_s",
    "memory_bytes_per_proc", "exceeds_memory", "error")

_TIMES = ("iteration_s", "compute_s", "comm_s")
_PHASES = ("forward_s", "backward_s", "gradient_s", "halo_s", "redistribute_s")


@dataclass(frozen=True)
class SweepRow:
    """One configuration of a sweep: where it ran, how it was split, what it cost."""

    workload: str
    platform: str
    engine: str
    batch: int
    procs: int
    pr: int
    pc: int
    strategy: str
    bandwidth_scale: float
    latency_scale: float
    flops_scale: float
    intra_bandwidth_scale: float
    iteration_s: float | None
    compute_s: float | None
    comm_s: float | None
    forward_s: float | None
    backward_s: float | None
    gradient_s: float | None
    halo_s: float | None
    redistribute_s: float | None
    memory_bytes_per_proc: float | None
    exceeds_memory: bool
    error: str
    source: str = ""  # "file:line", for messages
    pp: int = 1  # pipeline stages

    @property
    def possible(self) -> bool:
        """True when the configuration was evaluated (no limit broken)."""
        return not self.error

    @property
    def grid(self) -> str:
        return f"{self.pr}x{self.pc}" if self.pp == 1 else f"{self.pr}x{self.pc}x{self.pp}"

    @property
    def is_baseline(self) -> bool:
        """True when no what-if multiplier changes the machine."""
        return (self.bandwidth_scale == 1 and self.latency_scale == 1 and self.flops_scale == 1
                and self.intra_bandwidth_scale == 1)


def read_sweep(path: str) -> list[SweepRow]:
    """Reads and checks a sweep CSV; raises AnalysisError on the first bad field."""
    rows = []
    for field in read_contract_csv(path, SWEEP_COLUMNS, "sweep"):
        error = field.text("error")
        values = {name: field.optional_number(name) for name in _TIMES + _PHASES}
        if not error:
            for name in _TIMES:
                if values[name] is None:
                    raise AnalysisError(f"{path}:{field.line}: column {name} is empty but the "
                                        "row has no error")
        row = SweepRow(
            workload=field.name("workload"), platform=field.name("platform"),
            engine=field.name("engine"), batch=field.count("batch"),
            procs=field.count("procs"), pr=field.count("pr"), pc=field.count("pc"),
            strategy=field.name("strategy"),
            bandwidth_scale=field.number("bandwidth_scale", positive=True),
            latency_scale=field.number("latency_scale", positive=True),
            flops_scale=field.number("flops_scale", positive=True),
            intra_bandwidth_scale=field.scale_or_one("intra_bandwidth_scale"),
            memory_bytes_per_proc=field.optional_number("memory_bytes_per_proc"),
            exceeds_memory=field.boolean("exceeds_memory"), error=error,
            source=f"{path}:{field.line}", pp=field.count_or_one("pp"), **values)
        if row.pr * row.pc * row.pp != row.procs:
            raise AnalysisError(f"{path}:{field.line}: columns pr, pc, pp and procs: grid "
                                f"{row.grid} does not hold P = {row.procs} processes")
        rows.append(row)
    return rows


def read_sweeps(paths: list[str]) -> list[SweepRow]:
    """Reads several sweep CSVs (e.g. the shards of one study) into one list."""
    rows = []
    for path in paths:
        rows.extend(read_sweep(path))
    return rows
