"""Units: seconds and bytes for people, and the time unit an axis should use.

The CSVs hold SI base units (`_s` seconds, `_bytes` bytes). Figures and tables show them
in the unit that keeps the numbers readable: `time_unit(largest)` picks s, ms, us or ns
for an axis, `format_seconds` and `format_bytes` print one value with four significant
digits, as the C++ tables do (sim/report/result_writers.cpp).
"""

import math

_TIME_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))


def time_unit(largest_s: float) -> tuple[float, str]:
    """The factor to multiply seconds by, and its unit name, for values up to `largest_s`."""
    magnitude = abs(largest_s)
    for size, name in _TIME_UNITS:
        if magnitude >= size:
            return 1.0 / size, name
    return 1e9, "ns"


def format_seconds(seconds: float | None) -> str:
    """`0.0125596` -> `12.56 ms`; None -> an en dash."""
    if seconds is None or math.isnan(seconds):
        return "–"
    if seconds == 0:
        return "0 s"
    factor, name = time_unit(seconds)
    return f"{seconds * factor:.4g} {name}"


def format_bytes(count: float | None) -> str:
    """`150782396` -> `151 MB` (decimal units, three significant digits)."""
    if count is None or math.isnan(count):
        return "–"
    value = float(count)
    for name in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000:
            return f"{value:.0f} B" if name == "B" else f"{value:.3g} {name}"
        value /= 1000
    return f"{value:.3g} PB"


def format_scale(scale: float) -> str:
    """A what-if multiplier: `0.25` -> `0.25×`, `2.0` -> `2×`."""
    return f"{scale:g}×"
