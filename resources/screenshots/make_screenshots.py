"""Regenerate the README screenshots from the demo survey (offscreen).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_screenshots.py``.
Picks are made through the same tool and job code paths the mouse uses.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer

from geodesk.core.processing.tracking import TrackParams
from geodesk.qt.app import get_app, screenshot
from geodesk.qt.main_window import MainWindow
from geodesk.qt.settings import make_settings
from geodesk.synth.demo import demo_paths
from geodesk.synth.truth import load_truth

OUT = Path(__file__).resolve().parent


def _wait(handle) -> None:
    loop = QEventLoop()
    handle.done.connect(loop.quit)
    QTimer.singleShot(60000, loop.quit)
    if handle.running:
        loop.exec()


def _window(app) -> MainWindow:
    w = MainWindow(settings=make_settings(Path(tempfile.mkdtemp()) / "s.ini"))
    w.project_controller.interactive = False
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    return w


def _velocity_window(app, paths: dict):
    """A wide window on the demo CMPs with the velocity panel open: (window, panel)."""
    w = _window(app)
    w.resize(1600, 1000)
    w.open_path(paths["cmps"])
    panel = w.velocity.open_panel()
    w.resizeDocks([w.velocity.dock], [620], Qt.Orientation.Vertical)
    app.processEvents()
    return w, panel


def track_demo_horizon(app, w: MainWindow, truth: dict, i: int) -> tuple[np.ndarray, int]:
    """Seed the demo's best marker on the ``i``-th inline by two clicks and track it in
    3D; returns the truth horizons and the marker's index."""
    s = w.survey
    w.go_to("inline", s.inlines[i])
    app.processEvents()
    hz = truth["horizon_ms"]
    h = int(np.argmin(np.isnan(hz).mean(axis=(1, 2))))
    pol = truth["horizon_polarity"][h]
    c = w.picking
    c.set_params(replace(c.params, track=TrackParams(event="peak" if pol > 0 else "trough"),
                         auto_track_seed=False))
    c.set_tool("horizon_seed")
    for j in (40, 150):
        if np.isfinite(hz[h, i, j]):
            w.view.click_data(s.crosslines[j], float(hz[h, i, j]))
    _wait(c.track_3d())
    return hz, h


def main() -> int:
    app = get_app()
    paths = demo_paths()
    truth = load_truth(paths["post3d"])
    w = _window(app)
    w.open_path(paths["post3d"])
    s = w.survey
    i = len(s.inlines) // 2
    hz, h = track_demo_horizon(app, w, truth, i)
    c = w.picking
    c.set_tool("faults")  # a stick along the first fault the synthetic truth has on this inline
    labels = truth["fault_labels"][i]
    points = []
    for t_ms in (400.0, 900.0, 1500.0):
        hits = np.flatnonzero(labels[:, round(t_ms / s.dt_ms)])
        if hits.size:
            points.append((s.crosslines[hits[0]], t_ms))
    for xl, t_ms in points[:-1]:
        w.view.click_data(xl, t_ms)
    if points:
        w.view.double_click_data(*points[-1])
    c.set_tool("navigate")
    screenshot(w, OUT / "demo_inline.png")
    _wait(w.fault_overlay.toggle(True))
    screenshot(w, OUT / "fault_overlay.png")
    w.fault_overlay.toggle(False)
    w.go_to("time", float(np.nanmedian(hz[h])))
    app.processEvents()
    screenshot(w, OUT / "demo_timeslice.png")
    w.close()

    w = _window(app)
    w.open_path(paths["shots"])
    w.picking.set_tool("first_breaks")
    w.picking.auto_pick_gather()
    w.picking.set_tool("navigate")
    screenshot(w, OUT / "demo_shots.png")
    w.close()
    w, panel = _velocity_window(app, paths)
    panel.auto_pick_cmp()
    panel.step(4)
    panel.auto_pick_cmp()
    panel.semblance_view.drag_data([(2300.0, 1500.0), (2300.0, 1500.0)])
    app.processEvents()
    panel.grab().save(str(OUT / "velocity_panel.png"))
    w.close()
    model_screenshots(app, paths)
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))
    return 0


def model_screenshots(app, paths: dict) -> None:
    """The shipped models' results: U-Net first breaks on a shot, model velocity picks, a
    denoised inline and the noise it removed (each skipped when its weights are not shipped)."""
    from geodesk.ml.registry import shipped_weights
    from geodesk.qt.models.autopick_ui import AutopickParams

    fb = shipped_weights("firstbreaks")
    if fb is not None:
        w = _window(app)
        w.open_path(paths["shots"])
        w.go_to("gather", w.survey.gather_keys[len(w.survey.gather_keys) // 2])
        _wait(w.autopick.start(AutopickParams(method="unet", target="First breaks (U-Net)",
                                              model_path=str(fb))))
        screenshot(w, OUT / "model_first_breaks.png")
        w.close()
        labels_screenshot(app, paths, fb)
    vel = shipped_weights("velocities")
    if vel is not None:
        w, panel = _velocity_window(app, paths)
        panel.step(4)
        w.velocity.model_picker.models.choose(str(vel))
        w.velocity.model_picker.pick_cmp()
        app.processEvents()
        panel.grab().save(str(OUT / "model_velocities.png"))
        w.close()
    dn = shipped_weights("denoise")
    if dn is not None:
        w = _window(app)
        w.open_path(paths["post3d"])
        w.go_to("inline", w.survey.inlines[len(w.survey.inlines) // 2])
        w.denoise.choose_model(str(dn))
        _wait(w.denoise.set_show("denoised"))
        screenshot(w, OUT / "model_denoised.png")
        w.denoise.set_show("difference")
        screenshot(w, OUT / "model_noise_removed.png")
        w.close()


def labels_screenshot(app, paths: dict, weights: Path) -> None:
    """The Labels dock after U-Net first breaks were corrected by dragging on two shots and a
    third shot confirmed (then one of its picks corrected: the confirmation is superseded)."""
    from geodesk.qt.models.autopick_ui import AutopickParams

    w = _window(app)
    w.open_path(paths["shots"])
    keys = w.survey.gather_keys
    _wait(w.autopick.start(AutopickParams(method="unet", target="First breaks (U-Net)",
                                          model_path=str(weights))))
    fb = w.active_pick
    w.picking.set_tool("first_breaks")

    def drag(key: float, positions: list[int], shift_ms: float) -> None:
        w.go_to("gather", key)
        t = fb.times[w.section.trace_index]
        w.view.drag_data([(p, float(t[p]) + shift_ms) for p in positions])

    drag(keys[0], [20, 23, 26], 10.0)
    drag(keys[1], [70, 72], -8.0)
    w.go_to("gather", keys[2])
    w.labels.confirm_action.trigger()
    drag(keys[2], [40, 41], 6.0)
    w.picking.set_tool("navigate")
    w.go_to("gather", keys[0])
    w.labels.show()
    app.processEvents()
    w.statusBar().clearMessage()
    screenshot(w, OUT / "labels_panel.png")
    w.close()


if __name__ == "__main__":
    sys.exit(main())
