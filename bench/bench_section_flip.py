"""Section flip, end to end: next inline / crossline / time slice from file to painted frame.

Measures the workstation's navigator step (read through ``geodesk.open``, clip, colormap, colour
bar, overlays, paint) on a >= 400 MB IEEE volume against raw segyio with ``f.mmap()`` feeding a
bare pyqtgraph ImageItem, in the same run and interleaved flip by flip (the machine's load hits
both alike). Also with overlays on: a horizon over the whole volume and a fault set with sticks.
Prints one JSON object: median and min-max per direction, the median of the per-flip ratios
and the ratio of the fastest flips (on a shared machine the least disturbed estimate).
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_section_flip.py [--keep]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import segyio
from _common import make_volume

SHAPE = (400, 250, 1000)  # inlines, crosslines, samples: 424 MB


def _ms(step, k: int) -> float:
    t0 = time.perf_counter()
    step(k)
    return (time.perf_counter() - t0) * 1000


def _interleaved(ours, raw, n: int) -> dict:
    """Alternate ``ours(k)`` and ``raw(k)`` ``n`` times (after one warm-up of each)."""
    ours(0), raw(0)
    a, b = [], []
    for k in range(1, n + 1):
        a.append(_ms(ours, k))
        b.append(_ms(raw, k))
    ratio = [x / y for x, y in zip(a, b)]
    def r(v: float) -> float:
        return round(v, 2)

    return {"geodesk_ms": r(statistics.median(a)), "geodesk_min_max_ms": [r(min(a)), r(max(a))],
            "raw_ms": r(statistics.median(b)), "raw_min_max_ms": [r(min(b)), r(max(b))],
            "ratio_median": r(statistics.median(ratio)),
            "ratio_min_max": [r(min(ratio)), r(max(ratio))],
            # the least disturbed flip of each: what a quiet machine gives
            "ratio_of_fastest": r(min(a) / min(b))}


def _add_overlays(window) -> None:
    """A tracked horizon over the whole volume and a fault with a stick on every 5th inline."""
    from geodesk.core.picks import FaultSet, Horizon

    s = window.survey
    h = Horizon.like_survey("Bench horizon", s)
    il, xl = np.meshgrid(s.inlines, s.crosslines, indexing="ij")
    times = 1500.0 + 2.0 * il + 1.0 * xl
    h.write_tracked(None, np.ones(il.shape, dtype=bool), times)
    window.picks.add(window.history, h)
    fs = FaultSet("Bench faults")
    fs.add_fault(None, "F1")
    for i in s.inlines[::5]:
        x = s.crosslines[len(s.crosslines) // 2]
        fs.add_stick(None, "F1", [(i, x, 500.0), (i, x + 20, 2500.0)], "inline", float(i))
    window.picks.add(window.history, fs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", action="store_true", help="keep the generated volume")
    ap.add_argument("--n", type=int, default=30, help="flips per direction")
    args = ap.parse_args()
    path = make_volume(Path(tempfile.gettempdir()) / "geodesk_bench_flip.sgy", *SHAPE)

    import pyqtgraph as pg

    from geodesk.qt.app import get_app
    from geodesk.qt.jobs.runner import JobHandle
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings

    app = get_app()
    settings = make_settings(Path(tempfile.mkdtemp()) / "bench.ini")
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    window.show()
    window.project_controller.interactive = False  # closing asks nothing
    window.open_path(str(path))
    app.processEvents()
    # the steady state a user steps in: the background jobs opening starts (the HDF5 time-slice
    # cache of a big volume) have finished, so they do not share the cores with the flips
    t_end = time.perf_counter() + 300
    while window.runner.findChildren(JobHandle) and any(
            h.running for h in window.runner.findChildren(JobHandle)) \
            and time.perf_counter() < t_end:
        app.processEvents()
        time.sleep(0.05)
    viewport = window.view.plot_widget.viewport()
    s = window.survey
    positions = {"inline": s.inlines[10:], "crossline": s.crosslines[10:],
                 "time": s.times_ms[100::7]}

    def flip(mode: str):
        values = positions[mode]

        def step(k: int) -> None:
            window.navigator.set_position(mode, float(values[k % len(values)]))
            viewport.repaint()
        return step

    # Baseline: raw segyio (mmap) into a bare ImageItem of the same size, same event loop.
    plot = pg.PlotWidget()
    plot.resize(window.view.size())
    img = pg.ImageItem(axisOrder="row-major")
    plot.addItem(img)
    plot.show()
    app.processEvents()
    raw_vp = plot.viewport()
    out: dict = {"file_mb": round((3600 + SHAPE[0] * SHAPE[1] * (240 + 4 * SHAPE[2])) / 1e6, 1),
                 "shape": list(SHAPE), "flips_per_direction": args.n,
                 "threads": "Qt main thread; numpy single-threaded work", "target_ms": 8,
                 "target_ratio": 1.5, "time_slices_from_hdf5_cache": bool(s.has_cache)}
    with segyio.open(str(path)) as f:
        f.mmap()

        def raw(getter, keys):
            def step(k: int) -> None:
                data = getter(keys[k % len(keys)])
                img.setImage(data.T, autoLevels=False, levels=(-3, 3))
                raw_vp.repaint()
            return step

        raw_steps = {
            "inline": raw(lambda il: f.iline[il], list(f.ilines[10:])),
            "crossline": raw(lambda xl: f.xline[xl], list(f.xlines[10:])),
            "time": raw(lambda k: f.depth_slice[k], list(range(100, 1000, 7))),
        }
        out["plain"] = {m: _interleaved(flip(m), raw_steps[m], args.n) for m in positions}
        _add_overlays(window)
        app.processEvents()
        out["with_horizon_and_faults"] = {m: _interleaved(flip(m), raw_steps[m], args.n)
                                          for m in positions}
    window.close()
    plot.close()
    if not args.keep:
        path.unlink(missing_ok=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
