"""Per-layer CSV: one row per layer, as `dnnsim analytic|simulate --format csv` write it.

The contract (sim/report/result_writers.cpp, docs/analysis.md):

    engine,workload,platform,batch,procs,pr,pc,strategy,layer,type,layer_strategy,
    compute_s,comm_s,forward_s,backward_s,gradient_s,halo_s,redistribute_s,comm_bytes

Several runs may be concatenated into one file (repeated headers are skipped); the rows
of one configuration keep the workload's layer order. `read_layers(path)` returns a list
of `LayerRow`, each field typed and within its bounds (csv_reading.py); `Configuration`
is the key that tells one run from another.
"""

from dataclasses import dataclass

from analysis.csv_reading import read_contract_csv
from analysis.errors import AnalysisError

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
            engine=field.name("engine"), workload=field.name("workload"),
            platform=field.name("platform"), batch=field.count("batch"),
            procs=field.count("procs"), pr=field.count("pr"), pc=field.count("pc"),
            strategy=field.name("strategy"))
        if config.pr * config.pc != config.procs:
            raise AnalysisError(f"{path}:{field.line}: columns pr, pc and procs: grid "
                                f"{config.grid} does not hold P = {config.procs} processes")
        rows.append(LayerRow(
            config=config, layer=field.name("layer"), type=field.name("type"),
            layer_strategy=field.name("layer_strategy"),
            comm_bytes=field.number("comm_bytes"),
            **{name: field.number(name) for name in ("compute_s", "comm_s") + PHASES}))
    return rows
