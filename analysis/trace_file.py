"""Trace file: the spans of a Chrome Trace Event Format file, per rank.

`dnnsim simulate --trace FILE.json` writes `{"traceEvents": [...]}` (sim/report/trace.cpp):
"X" (complete) events with `name`, `cat` (compute or comm), `ts` and `dur` in
microseconds and `tid` = the rank; "M" (metadata) events name the process (the run) and
each thread ("rank N"). `read_trace(path)` returns a `Trace` with the spans in seconds;
the bare JSON array form of the format is read too. Other event phases are ignored.

A span's name is its layer's name followed by the task (sim/engine/replay.cpp,
`task_name`): `conv2 forward`, `fc8 weight gradient`, `fc6 gradient allreduce`,
`conv1 backward halo`, `fc6 redistribute`. `Span.layer` takes the task off the end, so a
layer name holding spaces stays whole; a name of another form has no layer (None).
"""

import json
import math
import re
from dataclasses import dataclass, field

from analysis.errors import AnalysisError, require_input_file


# The tasks a span name ends with: compute kinds, then the phases of communication with
# their collective (sim/taskgraph/task_graph.cpp, sim/taskgraph/collective_schedule.cpp).
_TASK = re.compile(
    r"(?P<layer>.+?) (?P<task>forward|input gradient|weight gradient"
    r"|(?:forward|backward) halo|redistribute"
    r"|(?:forward|backward|gradient) (?:allgather|reduce-scatter|allreduce|broadcast|reduce))")


@dataclass(frozen=True)
class Span:
    """One task of one rank: a computation or a communication, in seconds from the start."""

    rank: int
    name: str
    category: str
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def layer(self) -> str | None:
        """The layer this span works for, from its name; None for a name of another form."""
        match = _TASK.fullmatch(self.name)
        return match["layer"] if match else None


@dataclass
class Trace:
    """A run's title, its ranks' names and all their spans."""

    title: str = ""
    rank_names: dict[int, str] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)

    @property
    def ranks(self) -> list[int]:
        """Every rank that has a span or a name, in order."""
        return sorted({s.rank for s in self.spans} | set(self.rank_names))

    @property
    def end_s(self) -> float:
        return max((s.end_s for s in self.spans), default=0.0)


def _number(event: dict, key: str, where: str) -> float:
    value = event.get(key)
    # json reads NaN and Infinity, and integers of any size: none is a time.
    try:
        number = float(value) if isinstance(value, (int, float)) else math.nan
    except OverflowError:
        number = math.inf
    if isinstance(value, bool) or not math.isfinite(number):
        raise AnalysisError(f"{where}: '{key}' must be a finite number, got {value!r}")
    return number


def _rank(event: dict, where: str) -> int:
    tid = event.get("tid", 0)
    if isinstance(tid, bool) or not isinstance(tid, (int, float, str)):
        raise AnalysisError(f"{where}: 'tid' must be a rank number, got {tid!r}")
    try:
        return int(tid)
    except (ValueError, OverflowError):  # 'abc', NaN, Infinity
        raise AnalysisError(f"{where}: 'tid' must be a rank number, got {tid!r}") from None


def read_trace(path: str) -> Trace:
    """Reads a Chrome trace; raises AnalysisError if it is not one."""
    require_input_file(path, "trace")
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise AnalysisError(f"{path}: cannot read the trace: {error.strerror}") from error
    except (ValueError, RecursionError) as error:
        # ValueError covers bad JSON, bad UTF-8 and integers too long for Python's limit;
        # RecursionError an array nested deeper than the parser's stack.
        raise AnalysisError(f"{path}: not a JSON trace file ({error})") from error
    events = document.get("traceEvents") if isinstance(document, dict) else document
    if not isinstance(events, list):
        raise AnalysisError(f"{path}: expected {{\"traceEvents\": [...]}} (Chrome Trace Event "
                            "Format)")
    trace = Trace()
    for index, event in enumerate(events):
        where = f"{path}: traceEvents[{index}]"
        if not isinstance(event, dict):
            raise AnalysisError(f"{where}: an event must be a JSON object")
        phase = event.get("ph")
        if phase == "M":
            name = (event.get("args") or {}).get("name")
            if event.get("name") == "thread_name" and isinstance(name, str):
                trace.rank_names[_rank(event, where)] = name
            elif event.get("name") == "process_name" and isinstance(name, str):
                trace.title = name
        elif phase == "X":
            start_us = _number(event, "ts", where)
            duration_us = _number(event, "dur", where)
            if duration_us < 0:
                raise AnalysisError(f"{where}: negative duration {duration_us}")
            trace.spans.append(Span(rank=_rank(event, where), name=str(event.get("name", "")),
                                    category=str(event.get("cat", "")),
                                    start_s=start_us * 1e-6,
                                    end_s=(start_us + duration_us) * 1e-6))
    return trace
