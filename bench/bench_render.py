"""Rendering benchmark: numpy wiggle rasteriser vs pyqtgraph one-path-per-trace, and density frames.

Prints JSON. Run: QT_QPA_PLATFORM=offscreen python bench/bench_render.py [--repeat N]
Targets: wiggle raster of 200 x 2000 <= 30 ms; 1000 x 1500 density setImage + paint <= 16 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return round(statistics.median(times), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from geodesk.core import display
    from geodesk.core.section import Axis, Section
    from geodesk.qt.views.section_view import SectionView

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    n_tr, n_s = 200, 2000
    data = rng.standard_normal((n_tr, n_s)).astype(np.float32)
    clip = display.symmetric_clip(data)
    out: dict[str, object] = {"wiggle_shape": [n_tr, n_s], "density_shape": [1000, 1500]}

    out["wiggle_raster_ms"] = _median_ms(lambda: display.rasterise_wiggle(data, clip), args.repeat)
    # 5 px per trace = one raster column per screen pixel in the 1000 px plot used below
    out["wiggle_raster_5px_ms"] = _median_ms(
        lambda: display.rasterise_wiggle(data, clip, px_per_trace=5), args.repeat)
    out["va_raster_ms"] = _median_ms(
        lambda: display.rasterise_wiggle(data, clip, line=False), args.repeat)

    # end to end in a 1000 x 700 plot: rasterise + setImage + paint, vs one curve per trace
    t = np.arange(n_s, dtype=float)
    pw = pg.PlotWidget()
    pw.resize(1000, 700)
    pw.show()
    app.processEvents()
    img_item = pg.ImageItem(axisOrder="row-major")
    pw.addItem(img_item)

    def raster_frame() -> None:
        img_item.setImage(display.rasterise_wiggle(data, clip, px_per_trace=5), autoLevels=False)
        pw.grab()

    out["wiggle_raster_frame_ms"] = _median_ms(raster_frame, args.repeat)
    pw.removeItem(img_item)
    curves = [pg.PlotCurveItem(pen="k") for _ in range(n_tr)]
    for c in curves:
        pw.addItem(c)

    def path_frame() -> None:
        for i, c in enumerate(curves):
            c.setData(i + data[i] / clip, t)
        pw.grab()

    out["pyqtgraph_paths_frame_ms"] = _median_ms(path_frame, max(3, args.repeat // 2))
    out["paths_over_raster_ratio"] = round(
        out["pyqtgraph_paths_frame_ms"] / out["wiggle_raster_frame_ms"], 1)
    pw.close()

    big = rng.standard_normal((1000, 1500)).astype(np.float32)
    sec = Section(big, Axis(np.arange(1000.0), "crossline"),
                  Axis(np.arange(1500) * 4.0, "time", "ms"), "inline")
    view = SectionView()
    view.resize(1200, 800)
    view.show()
    view.set_section(sec)
    app.processEvents()
    lut = display.colormap_lut("seismic")
    img = big.T

    def density_frame() -> None:
        view.image.setImage(img, levels=(-clip, clip), lut=lut, autoLevels=False)
        view.plot_widget.viewport().repaint()

    out["density_frame_ms"] = _median_ms(density_frame, args.repeat)
    out["density_set_section_ms"] = _median_ms(
        lambda: (view.set_section(sec), view.plot_widget.viewport().repaint()), args.repeat)
    view.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
