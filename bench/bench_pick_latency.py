"""Pick-drag latency: mouse move event → tool → picks model → overlay redrawn (and painted).

A horizon is drawn with the mouse across an inline of a synthetic volume; every move event is a
real QMouseEvent sent to the section view's viewport. Per event we time (a) the synchronous
chain event filter → HorizonTool → Horizon.set_times → Change → overlay setData, and (b) the
same plus a synchronous repaint of the viewport. Prints JSON (median and p95, ms).
Run: QT_QPA_PLATFORM=offscreen python bench/bench_pick_latency.py [--moves N] [--traces N]
Target: p95 of (b) <= 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np


def _stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {"median_ms": round(statistics.median(ms), 3),
            "p95_ms": round(float(np.percentile(a, 95)), 3), "max_ms": round(float(a.max()), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--moves", type=int, default=400)
    ap.add_argument("--traces", type=int, default=400, help="crosslines per inline")
    ap.add_argument("--samples", type=int, default=1000)
    args = ap.parse_args()

    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, Qt

    from geodesk.qt.app import get_app
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings
    from geodesk.synth.post3d import generate_post3d

    pg.setConfigOptions(mouseRateLimit=0)
    app = get_app()
    tmp = Path(tempfile.mkdtemp(prefix="geodesk-bench-pick-"))
    r = generate_post3d(shape=(8, args.traces, args.samples), seed=0, n_faults=1)
    path = r.write(tmp / "bench.sgy")
    win = MainWindow(settings=make_settings(tmp / "bench.ini"))
    win.resize(1400, 900)
    win.show()
    app.processEvents()
    win.open_path(path)
    app.processEvents()
    win.picking.set_tool("horizon_draw")
    view, vp = win.view, win.view.plot_widget.viewport()
    xl = r.crosslines
    t_mid = float(r.dt_ms * args.samples / 2)
    n = args.moves
    # a zig-zag stroke back and forth across the section, one event per ~2 traces
    k = np.arange(n + 1)
    traces = (np.abs((k * 2) % (2 * (len(xl) - 1)) - (len(xl) - 1))).astype(int)
    times = t_mid + 40.0 * np.sin(k / 15.0)
    pos = [view.widget_pos(xl[i], t) for i, t in zip(traces, times)]
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    view._send(QEvent.Type.MouseMove, pos[0], none, none)
    view._send(QEvent.Type.MouseButtonPress, pos[0], left, left)
    chain, painted = [], []
    for p in pos[1:]:
        t0 = time.perf_counter()
        view._send(QEvent.Type.MouseMove, p, none, left)
        t1 = time.perf_counter()
        vp.repaint()
        t2 = time.perf_counter()
        chain.append((t1 - t0) * 1e3)
        painted.append((t2 - t0) * 1e3)
    view._send(QEvent.Type.MouseButtonRelease, pos[-1], left, none)
    h = win.active_pick
    out = {
        "section": {"traces": int(args.traces), "samples": int(args.samples)},
        "moves": n,
        "picked_traces": int(h.n_picked),
        "undo_steps": len(win.history),
        "event_to_overlay": _stats(chain),
        "event_to_painted": _stats(painted),
        "target_p95_ms": 16.0,
    }
    out["meets_target"] = out["event_to_painted"]["p95_ms"] <= 16.0
    win.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
