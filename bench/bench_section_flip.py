"""Section flip, end to end: next inline / crossline / time slice from file to painted frame.

Measures the workstation's navigator step (read through ``geodesk.open``, clip, colormap, paint)
on a >= 400 MB IEEE volume against raw segyio with ``f.mmap()`` feeding a bare pyqtgraph
ImageItem, in the same run. Prints one JSON object. Run:
``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_section_flip.py [--keep]``.
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

SHAPE = (400, 250, 1000)  # inlines, crosslines, samples: 404 MB


def _timed(step, n: int) -> float:
    times = []
    for k in range(n):
        t0 = time.perf_counter()
        step(k)
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times[1:]), 2)  # first call warms caches


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", action="store_true", help="keep the generated volume")
    ap.add_argument("--n", type=int, default=15, help="flips per direction")
    args = ap.parse_args()
    path = make_volume(Path(tempfile.gettempdir()) / "geodesk_bench_flip.sgy", *SHAPE)

    import pyqtgraph as pg

    from geodesk.qt.app import get_app
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings

    app = get_app()
    settings = make_settings(Path(tempfile.mkdtemp()) / "bench.ini")
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    window.show()
    window.open_path(str(path))
    app.processEvents()
    viewport = window.view.plot_widget.viewport()

    def flip(mode: str, values: np.ndarray):
        def step(k: int) -> None:
            window.navigator.set_position(mode, float(values[k % len(values)]))
            viewport.repaint()
        return step

    s = window.survey
    ours = {
        "inline": _timed(flip("inline", s.inlines[10:]), args.n),
        "crossline": _timed(flip("crossline", s.crosslines[10:]), args.n),
        "time_slice": _timed(flip("time", s.times_ms[100::7]), args.n),
    }

    # Baseline: raw segyio (mmap) into a bare ImageItem of the same size, same event loop.
    plot = pg.PlotWidget()
    plot.resize(window.view.size())
    img = pg.ImageItem(axisOrder="row-major")
    plot.addItem(img)
    plot.show()
    app.processEvents()
    raw_vp = plot.viewport()
    with segyio.open(str(path)) as f:
        f.mmap()

        def raw(getter, keys):
            def step(k: int) -> None:
                data = getter(keys[k % len(keys)])
                img.setImage(data.T, autoLevels=False, levels=(-3, 3))
                raw_vp.repaint()
            return step

        baseline = {
            "inline": _timed(raw(lambda il: f.iline[il], list(f.ilines[10:])), args.n),
            "crossline": _timed(raw(lambda xl: f.xline[xl], list(f.xlines[10:])), args.n),
            "time_slice": _timed(raw(lambda k: f.depth_slice[k], list(range(100, 1000, 7))),
                                 args.n),
        }
    window.close()
    plot.close()
    if not args.keep:
        path.unlink(missing_ok=True)
    print(json.dumps({
        "file_mb": round(os.path.getsize(path) / 1e6, 1) if args.keep else
        round((3600 + SHAPE[0] * SHAPE[1] * (240 + 4 * SHAPE[2])) / 1e6, 1),
        "shape": list(SHAPE),
        "geodesk_flip_to_painted_ms": ours,
        "segyio_mmap_plus_imageitem_ms": baseline,
        "ratio": {k: round(ours[k] / baseline[k], 2) for k in ours},
        "target_ms": 16,
    }))


if __name__ == "__main__":
    main()
