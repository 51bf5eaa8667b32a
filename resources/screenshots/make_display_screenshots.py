"""Screenshots of the section display (issue 14): colour bar, legend, overlay colours chosen
against the colormap, intersection marks; wiggles zoomed at screen resolution; real F3.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_display_screenshots.py``.
The demo horizon is seeded and tracked by the same tool and job paths as the mouse uses; a fault
stick in the fault's default red (drawn in a colour that stands out on red-white-blue).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_screenshots import OUT, _window, track_demo_horizon

from geodesk.core.picks import FaultSet
from geodesk.qt.app import get_app, screenshot
from geodesk.synth.demo import demo_paths
from geodesk.synth.truth import load_truth

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "segy"


def _settle(app, w) -> None:
    """Let the debounced wiggle raster follow the view, then paint."""
    for _ in range(3):
        app.processEvents()
    w.view.refresh()
    app.processEvents()


def colour_bar_screenshot(app, paths: dict) -> None:
    """A demo inline in density with its colour bar, a tracked horizon, a fault stick and the
    intersection marks, all listed in the legend."""
    w = _window(app)
    w.open_path(paths["post3d"])
    s = w.survey
    i = len(s.inlines) // 2
    track_demo_horizon(app, w, load_truth(paths["post3d"]), i)
    w.picking.set_tool("navigate")
    il = float(s.inlines[i])
    fs = FaultSet("Faults")
    fs.add_fault(None, "Fault 1")
    xl = s.crosslines
    fs.add_stick(None, "Fault 1", [(il, xl[len(xl) // 3], 300.0), (il, xl[len(xl) // 3] + 25,
                                                                    1800.0)], "inline", il)
    w.picks.add(w.history, fs)
    w.go_to("time", 1000.0)
    w.go_to("inline", il)
    screenshot(w, OUT / "section_colour_bar.png")
    w.close()


def wiggle_screenshots(app, paths: dict) -> None:
    """Variable area zoomed on 30 demo traces (raster at screen resolution), and the real F3
    crop of segyio's test data at full view (skipped when the shared data is absent)."""
    w = _window(app)
    w.open_path(paths["post3d"])
    w.set_mode("va")
    w.show()
    app.processEvents()
    v = w.view
    n = v.section.shape[0]
    v.view_box.setRange(xRange=(n // 2 - 15, n // 2 + 15), yRange=(900.0, 1400.0), padding=0)
    _settle(app, w)
    w.grab().save(str(OUT / "wiggles_zoomed.png"))
    w.close()
    path = SHARED / "equinor+segyio" / "test-data" / "f3.sgy"
    if path.exists():
        w = _window(app)
        w.open_path(path)
        w.set_mode("va")
        screenshot(w, OUT / "wiggles_real_f3.png")
        w.set_mode("density")
        w.section_display.set_smooth(True)
        screenshot(w, OUT / "density_smooth_real_f3.png")
        w.close()


def main() -> int:
    app = get_app()
    paths = demo_paths()
    colour_bar_screenshot(app, paths)
    wiggle_screenshots(app, paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
