"""Open (header scan + geometry) of a ~1 GB generated volume; target <= 2 s. Prints JSON."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import make_volume

from geodesk.core.segy.reader import open_survey


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--il", type=int, default=500)
    ap.add_argument("--xl", type=int, default=500)
    ap.add_argument("--ns", type=int, default=1000)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    path = make_volume(Path(tempfile.gettempdir()) / f"geodesk-bench-{a.il}x{a.xl}x{a.ns}.sgy",
                       a.il, a.xl, a.ns)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        s = open_survey(path)
        times.append(time.perf_counter() - t0)
        kind, shape = s.kind, (len(s.inlines), len(s.crosslines))
        s.close()
    out = {"file_mb": round(path.stat().st_size / 2**20, 1), "kind": kind, "grid": shape,
           "open_s_first": round(times[0], 3), "open_s_warm_median": round(sorted(times)[1], 3)}
    if not a.keep:
        path.unlink()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
