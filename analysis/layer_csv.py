"""Per-layer CSV: one row per layer, as `dnnsim analytic|simulate --format csv` write it.

The contract (sim/report/result_writers.cpp, docs/analysis.md):

    engine,workload,platform,batch,procs,pr,pc,strategy,layer,type,layer_strategy,
    compute_s,comm_s,forward_s,backward_s,gradient_s,halo_s,redistribute_s,comm_bytes

Several runs may be concatenated into one file (repeated headers are skipped); the rows
of one configuration keep the workload's layer order. `read_layers(path)` returns a list
of `LayerRow`, each field typed and within its bounds (csv_reading.py); `Configuration`
is the key that tells one run from another.

A plan (`dnnsim analytic --plan`, strategy `plan`) may run each layer on its own grid, so
the run's `pr,pc` (the plan's default grid) is not every layer's. Each layer's grid is
read from the optional columns `layer_pr,layer_pc` when the file has them; otherwise it
follows from what is known: a `batch` layer runs on 1 x P, a `model` layer on P x 1, a
layer of a uniform strategy on the run's grid, and a plan's other layers on a grid the
file does not tell (`LayerRow.layer_grid` is then None).
"""

from dataclasses import dataclass

from analysis.csv_reading import read_contract_csv
from analysis.errors import AnalysisError

LAYER_COLUMNS = (
    "engine", "workload", "platform", "batch", "procs", "pr", "pc", "strategy", "layer",
    "type", "layer_strategy", "compute_s", "comm_s", "forward_s", "backward_s", "gradient_s",
    "halo_s", "redistribute_s", "comm_bytes")

# Optional: each layer's own grid (docs/plans.md). Absent from older outputs.
LAYER_GRID_COLUMNS = ("layer_pr", "layer_pc")
PLAN_STRATEGY = "plan"  # the strategy of a run from a plan file: a grid per layer

PHASES = ("forward_s", "backward_s", "gradient_s", "halo_s", "redistribute_s")


@dataclass(frozen=True, order=True)
class Configuration:
    """What identifies one run in a per-layer CSV."""

    engine: str
    workload: str
    platform: str
    batch: int
    procs: int
    pr: int
    pc: int
    strategy: str

    @property
    def grid(self) -> str:
        return f"{self.pr}x{self.pc}"

    def describe(self) -> str:
        return (f"{self.workload} on {self.platform}, P = {self.procs} as {self.grid} "
                f"({self.strategy}), batch {self.batch}, {self.engine} engine")

    def short(self) -> str:
        """`alexnet, cori-knl, B = 64, P = 64, 8x8 integrated`: for table cells."""
        return (f"{self.workload}, {self.platform}, B = {self.batch}, P = {self.procs}, "
                f"{self.grid} {self.strategy}, {self.engine}")


@dataclass(frozen=True)
class LayerRow:
    """The cost of one layer in one configuration."""

    config: Configuration
    layer: str
    type: str
    layer_strategy: str
    compute_s: float
    comm_s: float
    forward_s: float
    backward_s: float
    gradient_s: float
    halo_s: float
    redistribute_s: float
    comm_bytes: float
    layer_pr: int | None = None
    layer_pc: int | None = None

    @property
    def layer_grid(self) -> str | None:
        """The grid this layer runs on, `PRxPC`; None when the CSV does not tell."""
        return None if self.layer_pr is None else f"{self.layer_pr}x{self.layer_pc}"


def _layer_grid(field, config: Configuration, kind: str) -> tuple[int | None, int | None]:
    """The layer's own grid: its columns, else what its kind or the run's strategy fixes."""
    if all(column in field.row for column in LAYER_GRID_COLUMNS):
        pr, pc = (field.count(column) for column in LAYER_GRID_COLUMNS)
        if pr * pc != config.procs:
            raise AnalysisError(f"{field.path}:{field.line}: columns layer_pr, layer_pc and "
                                f"procs: grid {pr}x{pc} does not hold P = {config.procs} "
                                "processes")
        return pr, pc
    if kind == "batch":
        return 1, config.procs
    if kind == "model":
        return config.procs, 1
    if config.strategy != PLAN_STRATEGY:
        return config.pr, config.pc
    return None, None


def describe_layers(rows: list[LayerRow]) -> str:
    """The run of `rows` (one configuration) in words, naming its grid only if every layer
    runs on it: a plan's layers may each have their own."""
    config = rows[0].config
    grids = {r.layer_grid for r in rows}
    if config.strategy != PLAN_STRATEGY or grids == {config.grid}:
        return config.describe()
    if None in grids:
        grid = f", a plan with default grid {config.grid}"
    elif len(grids) == 1:
        grid = f" as {grids.pop()} ({config.strategy})"
    else:
        grid = f" with a grid per layer ({config.strategy})"
    return (f"{config.workload} on {config.platform}, P = {config.procs}{grid}, "
            f"batch {config.batch}, {config.engine} engine")


def read_layers(path: str) -> list[LayerRow]:
    """Reads and checks a per-layer CSV; raises AnalysisError on the first bad field."""
    rows = []
    for field in read_contract_csv(path, LAYER_COLUMNS, "per-layer"):
        config = Configuration(
            engine=field.name("engine"), workload=field.name("workload"),
            platform=field.name("platform"), batch=field.count("batch"),
            procs=field.count("procs"), pr=field.count("pr"), pc=field.count("pc"),
            strategy=field.name("strategy"))
        if config.pr * config.pc != config.procs:
            raise AnalysisError(f"{path}:{field.line}: columns pr, pc and procs: grid "
                                f"{config.grid} does not hold P = {config.procs} processes")
        kind = field.name("layer_strategy")
        layer_pr, layer_pc = _layer_grid(field, config, kind)
        rows.append(LayerRow(
            config=config, layer=field.name("layer"), type=field.name("type"),
            layer_strategy=kind, comm_bytes=field.number("comm_bytes"),
            layer_pr=layer_pr, layer_pc=layer_pc,
            **{name: field.number(name) for name in ("compute_s", "comm_s") + PHASES}))
    return rows
