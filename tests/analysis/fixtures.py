"""Paths of the hand-made fixtures (tests/data/analysis/) and the repository on sys.path."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "analysis"
SWEEP = str(DATA / "sweep.csv")
LAYERS = str(DATA / "layers.csv")
TRACE = str(DATA / "trace.json")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
