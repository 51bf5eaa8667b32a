"""Tests of the evaluation family and bench helpers: ``bench/`` goes on ``sys.path`` so that
``import evalgen`` works as it does when a bench is run as ``python bench/bench_X.py``."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
