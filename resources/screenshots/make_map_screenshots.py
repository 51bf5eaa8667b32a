"""Screenshots of the Map dock and the velocity panel's tools (issue 14), from the demo surveys.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_map_screenshots.py``.
A horizon is seeded and tracked through the same tool and job paths as the mouse uses, then the
map is opened from the Interpretation menu; the velocity panel is auto-picked, a knot is added
by a click and the mouse rests on the spectrum.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_screenshots import OUT, _velocity_window, _wait, _window, track_demo_horizon

from geodesk.qt.app import get_app, screenshot
from geodesk.synth.demo import demo_paths
from geodesk.synth.truth import load_truth


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
    velocity_tools_screenshot(app, paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
