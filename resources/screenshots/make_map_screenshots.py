"""Screenshots of the Map dock and the velocity panel's tools (issue 14), from the demo surveys.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_map_screenshots.py``.
A horizon is seeded and tracked through the same tool and job paths as the mouse uses, then the
map is opened from the Interpretation menu; the velocity panel is auto-picked, a knot is added
by a click and the mouse rests on the spectrum.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
from make_screenshots import OUT, _velocity_window, _wait, _window, track_demo_horizon

from geodesk.core.processing.tracking import TrackParams
from geodesk.qt.app import get_app, screenshot
from geodesk.synth.demo import demo_paths
from geodesk.synth.truth import load_truth

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "segy"


def map_screenshots(app, paths: dict) -> None:
    """The tracked horizon's time structure (whole window) and its amplitude map (dock)."""
    w = _window(app)
    w.open_path(paths["post3d"])
    track_demo_horizon(app, w, load_truth(paths["post3d"]), len(w.survey.inlines) // 2)
    w.picking.set_tool("navigate")
    w.maps.action.trigger()
    screenshot(w, OUT / "map_time_structure.png")
    w.maps.view.chooser.setCurrentText(f"{w.active_pick.name}: amplitude")
    _wait(w.maps.job)
    app.processEvents()
    w.maps.view.grab().save(str(OUT / "map_amplitude.png"))
    w.close()


def real_f3_screenshot(app) -> None:
    """The map of a peak tracked from one seed on the real F3 crop of segyio's test data
    (skipped when the shared data is absent)."""
    path = SHARED / "equinor+segyio" / "test-data" / "f3.sgy"
    if not path.exists():
        return
    w = _window(app)
    w.open_path(path)
    s = w.survey
    w.go_to("inline", s.inlines[len(s.inlines) // 2])
    sec = w.section
    j = sec.data.shape[0] // 2
    k = 10 + int(np.argmax(sec.data[j, 10:]))  # the strongest peak below the first samples
    c = w.picking
    c.set_params(replace(c.params, track=TrackParams(event="peak"), auto_track_seed=False))
    c.set_tool("horizon_seed")
    w.view.click_data(float(sec.axis0.values[j]), float(s.times_ms[k]))
    _wait(c.track_3d())
    c.set_tool("navigate")
    w.maps.action.trigger()
    screenshot(w, OUT / "map_real_f3.png")
    w.close()


def velocity_tools_screenshot(app, paths: dict) -> None:
    """The velocity panel with its pick table, readout and legend under the views."""
    w, panel = _velocity_window(app, paths)
    panel.auto_pick_cmp()
    panel.semblance_view.click_data(2300.0, 1500.0)
    panel.semblance_view.hover_data(2450.0, 1700.0)
    app.processEvents()
    panel.grab().save(str(OUT / "velocity_panel_tools.png"))
    w.close()


def main() -> int:
    app = get_app()
    paths = demo_paths()
    map_screenshots(app, paths)
    real_f3_screenshot(app)
    velocity_tools_screenshot(app, paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
