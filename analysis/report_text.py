"""Report text: the few sentences that open each section of the report, from the data.

Each function reads the same selection rules as the figures and tables
(analysis/selection.py) and says in words what the reader should see in them: where
the best grid lies and how much it gains, where pure batch parallelism stops, what a
what-if multiplier buys, which layers communicate most, how busy the ranks are.
"""

from analysis.layer_csv import PHASES, LayerRow, describe_layers
from analysis.selection import (best_grid_table, fastest, past_batch_limit, possible,
                                what_if)
from analysis.study import SCALE_NAME
from analysis.sweep_csv import SweepRow
from analysis.trace_file import Trace
from analysis.units import format_scale, format_seconds

PHASE_WORDS = {"forward_s": "forward", "backward_s": "backward",
               "gradient_s": "gradient reduction", "halo_s": "halo exchange",
               "redistribute_s": "redistribution"}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def study_text(rows: list[SweepRow]) -> str:
    evaluated = possible(rows)
    sentences = [f"The sweep holds {_count(len(rows), 'configuration')} of this study: "
                 f"{len(evaluated)} evaluated, {len(rows) - len(evaluated)} breaking a limit."]
    table = best_grid_table(rows)
    if table:
        line = table[-1]
        text = (f"At P = {line.procs} the best grid is {line.best.grid}, "
                f"{format_seconds(line.best.iteration_s)} per iteration")
        gains, blocked = [], []
        for name, other in (("pure batch", line.pure_batch), ("pure model", line.pure_model)):
            ratio = line.speedup_over(other)
            if ratio is not None:
                gains.append(f"{ratio:.2f}× faster than {name}")
            elif other is not None and not other.possible:
                blocked.append(name)
        if blocked:
            gains.append(("neither pure strategy is possible there" if len(blocked) == 2
                          else f"{blocked[0]} is impossible there"))
        sentences.append(text + (": " + " and ".join(gains) if gains else "") + ".")
    batch = rows[0].batch
    beyond = past_batch_limit(rows)
    if beyond:
        kinds = sorted({r.strategy for r in beyond})
        sentences.append(f"Pure batch parallelism stops at P = B = {batch}; past it only "
                         f"{', '.join(kinds)} configurations remain.")
    best = fastest(rows)
    if best is not None:
        sentences.append(f"Fastest overall: {best.strategy} on {best.grid} at P = {best.procs}, "
                         f"{format_seconds(best.iteration_s)} "
                         f"({format_seconds(best.comm_s)} of it communication).")
    return " ".join(sentences)


def what_if_text(rows: list[SweepRow], scale: str) -> str:
    name = SCALE_NAME[scale]
    per_platform = what_if(rows, scale)
    sentences = [f"The best iteration time over every strategy and grid, as the {name} of "
                 "each machine is multiplied."]
    for platform, per_scale in per_platform.items():
        values = sorted(per_scale)
        low, high = values[0], values[-1]
        a, b = per_scale[low], per_scale[high]
        faster = f" ({a.iteration_s / b.iteration_s:.2f}× faster)" if b.iteration_s > 0 else ""
        sentences.append(f"On {platform}, going from {format_scale(low)} to "
                         f"{format_scale(high)} takes it from {format_seconds(a.iteration_s)} "
                         f"to {format_seconds(b.iteration_s)}{faster}.")
    return " ".join(sentences)


def layers_text(rows: list[LayerRow]) -> str:
    run = describe_layers(rows)
    ranked = sorted((r for r in rows if r.comm_s > 0), key=lambda r: -r.comm_s)[:3]
    if not ranked:
        return f"No layer of {run} communicates."
    total = sum(r.comm_s for r in rows)
    parts = []
    for r in ranked:
        main = max(PHASES, key=lambda p: getattr(r, p))
        parts.append(f"{r.layer} ({format_seconds(r.comm_s)}, mostly {PHASE_WORDS[main]})")
    share = sum(r.comm_s for r in ranked) / total if total else 0
    return (f"Communication per layer of {run}. The layers that communicate "
            f"most: {', '.join(parts)}; together {share:.0%} of the "
            f"{format_seconds(total)} of communication.")


def timeline_text(trace: Trace, shown: int) -> str:
    ranks = trace.ranks
    end = trace.end_s
    compute = sum(s.duration_s for s in trace.spans if s.category == "compute")
    comm = sum(s.duration_s for s in trace.spans if s.category == "comm")
    per_rank = end * len(ranks) if end and ranks else 0
    text = (f"{trace.title or 'The trace'}: {_count(len(ranks), 'rank')}, the last span ending "
            f"at {format_seconds(end)}.")
    if per_rank:
        text += (f" On average a rank computes {compute / per_rank:.0%} of that time and "
                 f"communicates {comm / per_rank:.0%} (the two streams may overlap).")
    if shown < len(ranks):
        text += f" The figure shows the first {shown} ranks."
    return text
