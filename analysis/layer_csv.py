"""Per-layer CSV: one row per layer, as `dnnsim analytic|simulate --format csv` write it.

The contract (sim/report/result_writers.cpp, docs/analysis.md):

    engine,workload,platform,batch,procs,pr,pc,strategy,layer,type,layer_strategy,
    compute_s,comm_s,forward_s,backward_s,gradient_s,halo_s,redistribute_s,comm_bytes

Several runs may be concatenated into one file (repeated headers are skipped); the rows
of one configuration keep the workload's layer order. `read_layers(path)` returns a list
of `LayerRow`; `Configuration` is the key that tells one run from another.
"""

from dataclasses import dataclass

from analysis.csv_reading import read_contract_csv

LAYER_COLUMNS = (
    "engine", "workload", "platform", "batch", "procs", "pr", "pc", "strategy", "layer",
    "type", "layer_strategy", "compute_s", "comm_s", "forward_s", "backward_s", "gradient_s",
    "halo_s", "redistribute_s", "comm_bytes")

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


def read_layers(path: str) -> list[LayerRow]:
    """Reads and checks a per-layer CSV; raises AnalysisError on the first bad field."""
    rows = []
    for field in read_contract_csv(path, LAYER_COLUMNS, "per-layer"):
        config = Configuration(
            engine=field.text("engine"), workload=field.text("workload"),
            platform=field.text("platform"), batch=field.integer("batch"),
            procs=field.integer("procs"), pr=field.integer("pr"), pc=field.integer("pc"),
            strategy=field.text("strategy"))
        rows.append(LayerRow(
            config=config, layer=field.text("layer"), type=field.text("type"),
            layer_strategy=field.text("layer_strategy"),
            comm_bytes=field.number("comm_bytes"),
            **{name: field.number(name) for name in ("compute_s", "comm_s") + PHASES}))
    return rows
