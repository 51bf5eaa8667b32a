"""Remake the user guide's screenshots (docs/images/) from the demo surveys, offscreen.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [NAME ...]`` (no
names: all). Every step goes through the code paths the mouse and menus use (tool clicks,
drags, jobs); each workflow starts a fresh window with throw-away settings. The README's
screenshots are remade by resources/screenshots/make_screenshots.py, whose helpers this uses.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QTabWidget

from geodesk.core.processing.tracking import TrackParams
from geodesk.qt.app import get_app, screenshot
from geodesk.qt.main_window import MainWindow
from geodesk.qt.settings import add_recent_file, make_settings
from geodesk.synth.demo import demo_paths
from geodesk.synth.truth import load_truth

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "images"


def _readme_helpers():
    """resources/screenshots/make_screenshots.py (not a package): its wait/window helpers."""
    path = REPO / "resources" / "screenshots" / "make_screenshots.py"
    spec = importlib.util.spec_from_file_location("readme_screenshots", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


README = _readme_helpers()


def wait(handle, timeout_ms: int = 600_000) -> None:
    """Run the event loop until the job ``handle`` is done (a loaded machine is slow)."""
    loop = QEventLoop()
    handle.done.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    if handle.running:
        loop.exec()
    if handle.running or handle.outcome != "finished":
        raise RuntimeError(f"job {handle.name!r}: {handle.outcome or 'still running'}")


def wait_ms(app, ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (debounced redraws, polling)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(app, w: MainWindow, timeout_s: float = 600.0) -> None:
    """Run the event loop until the window has no job left (a job can start the next)."""
    end = time.monotonic() + timeout_s
    while w.runner.active and time.monotonic() < end:
        wait_ms(app, 100)
    app.processEvents()


def window(app, recent: list[Path] = ()) -> MainWindow:
    """A fresh unattended window with its own settings (``recent`` files listed as opened)."""
    settings = make_settings(Path(tempfile.mkdtemp(prefix="geodesk-guide-")) / "s.ini")
    for path in recent:
        add_recent_file(settings, path)
    w = MainWindow(settings=settings)
    w.project_controller.interactive = False
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    return w


def close(w: MainWindow) -> None:
    w.project_controller.ask_save_changes = lambda name: "discard"
    w.close()


def opened(app, paths: dict, kind: str) -> MainWindow:
    """A fresh window showing the middle inline (post3d) or gather (shots, cmps) of a demo."""
    w = window(app)
    w.open_path(paths[kind])
    s = w.survey
    if kind == "post3d":
        w.go_to("inline", s.inlines[len(s.inlines) // 2])
    else:
        w.go_to("gather", s.gather_keys[len(s.gather_keys) // 2])
    return w


def unet_first_breaks(app, w: MainWindow) -> None:
    """Interpretation > Auto-pick first breaks… with the shipped U-Net, on every shot."""
    from geodesk.ml.registry import shipped_weights
    from geodesk.qt.models.autopick_ui import AutopickParams

    wait(w.autopick.start(AutopickParams(method="unet", target="First breaks (U-Net)",
                                         model_path=str(shipped_weights("firstbreaks")))))
    settle(app, w)


def _horizon_on_inline(w: MainWindow, truth: dict) -> int:
    """Seed the best-covered truth horizon on the middle inline and track it in 3D (the seed
    tool's clicks, then Pick > Track in 3D); returns the horizon index."""
    s = w.survey
    i = len(s.inlines) // 2
    w.go_to("inline", s.inlines[i])
    hz = truth["horizon_ms"]
    h = int(np.argmin(np.isnan(hz).mean(axis=(1, 2))))
    c = w.picking
    event = "peak" if truth["horizon_polarity"][h] > 0 else "trough"
    c.set_params(replace(c.params, track=TrackParams(event=event), auto_track_seed=False))
    c.set_tool("horizon_seed")
    for j in (40, 150):
        if np.isfinite(hz[h, i, j]):
            w.view.click_data(s.crosslines[j], float(hz[h, i, j]))
    wait(c.track_3d())
    return h


def welcome(app, paths: dict) -> None:
    w = window(app, recent=[paths["post3d"], paths["shots"], paths["cmps"]])
    screenshot(w, OUT / "welcome.png")
    close(w)


def open_survey(app, paths: dict) -> None:
    w = opened(app, paths, "post3d")
    screenshot(w, OUT / "open_survey.png")
    w.show_headers().resize(900, 600)
    app.processEvents()
    viewer = next(v for v in app.topLevelWidgets() if v.isVisible() and v is not w)
    viewer.findChild(QTabWidget).setCurrentIndex(2)  # the trace headers, by byte
    app.processEvents()
    viewer.grab().save(str(OUT / "header_viewer.png"))
    viewer.close()
    close(w)


def horizon(app, paths: dict) -> None:
    truth = load_truth(paths["post3d"])
    w = window(app)
    w.open_path(paths["post3d"])
    _horizon_on_inline(w, truth)
    w.picking.set_tool("navigate")
    screenshot(w, OUT / "horizon_tracked.png")
    w.maps.open_map()
    w.resizeDocks([w.maps.dock], [520], Qt.Orientation.Horizontal)
    for _ in range(20):  # the map redraws after a short debounce
        app.processEvents()
        if w.maps._timer.isActive():
            wait_ms(app, 300)
    screenshot(w, OUT / "horizon_map.png")
    close(w)


def faults(app, paths: dict) -> None:
    truth = load_truth(paths["post3d"])
    w = window(app)
    w.open_path(paths["post3d"])
    s = w.survey
    i = len(s.inlines) // 2
    w.go_to("inline", s.inlines[i])
    w.picking.set_tool("faults")  # two faults' sticks along the truth's faults on this inline
    labels = truth["fault_labels"][i]
    for times, side in (((400.0, 900.0, 1500.0), 0), ((1200.0, 1300.0, 1400.0), -1)):
        points = []
        for t_ms in times:
            hits = np.flatnonzero(labels[:, round(t_ms / s.dt_ms)])
            if hits.size:
                points.append((s.crosslines[hits[side]], t_ms))
        if len(points) >= 2:
            for xl, t_ms in points[:-1]:
                w.view.click_data(xl, t_ms)
            w.view.double_click_data(*points[-1])
            w.picking.new_fault()  # Pick > New fault: the next stick starts another fault
    w.picking.set_tool("navigate")
    screenshot(w, OUT / "faults_sticks.png")
    wait(w.fault_overlay.toggle(True))
    screenshot(w, OUT / "faults_overlay.png")
    close(w)


def first_breaks(app, paths: dict) -> None:
    w = opened(app, paths, "shots")
    unet_first_breaks(app, w)
    screenshot(w, OUT / "first_breaks.png")
    close(w)


def velocity(app, paths: dict) -> None:
    w, panel = README._velocity_window(app, paths)
    panel.auto_pick_cmp()
    panel.step(4)
    panel.auto_pick_cmp()
    panel.semblance_view.drag_data([(2420.0, 1540.0), (2420.0, 1540.0)])  # a pick by hand
    app.processEvents()
    screenshot(w, OUT / "velocity_analysis.png", size=(1600, 1000))
    close(w)


def run_model(app, paths: dict) -> None:
    from geodesk.ml.registry import shipped_weights

    w = opened(app, paths, "post3d")
    w.denoise.choose_model(str(shipped_weights("denoise")))
    w.jobs_dock.show()
    wait(w.denoise.set_show("denoised"))
    screenshot(w, OUT / "run_model_denoise.png")
    close(w)


def correct_and_export(app, paths: dict) -> None:
    w = window(app)
    w.open_path(paths["shots"])
    keys = w.survey.gather_keys
    unet_first_breaks(app, w)
    fb = w.active_pick
    w.picking.set_tool("first_breaks")
    w.go_to("gather", keys[1])
    t = fb.times[w.section.trace_index]
    w.view.drag_data([(p, float(t[p]) + 15.0) for p in range(14, 26, 2)])  # drag picks later
    w.picking.set_tool("navigate")
    w.labels.show()
    app.processEvents()
    w.statusBar().clearMessage()
    screenshot(w, OUT / "correct_first_breaks.png")
    dialog = w.exchange.make_dialog("export")
    dialog.set_kind("first_breaks")
    dialog.set_format("csv")
    dialog.provenance_check.setChecked(True)  # model picks beside the corrections
    dialog.path_edit.setText("/home/me/surveys/demo_shots_first_breaks.csv")
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "export_dialog.png"))
    dialog.path_edit.setText(str(Path(tempfile.mkdtemp()) / "first_breaks.csv"))
    w.exchange.run_export(dialog.spec())  # what the Export button runs
    print("exported", dialog.spec().path, flush=True)
    dialog.close()
    close(w)


WORKFLOWS: dict[str, Callable] = {
    "welcome": welcome, "open_survey": open_survey, "horizon": horizon, "faults": faults,
    "first_breaks": first_breaks, "velocity": velocity, "run_model": run_model,
    "correct_and_export": correct_and_export,
}


def main(names: list[str]) -> int:
    app = get_app()
    paths = demo_paths()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names or list(WORKFLOWS):
        WORKFLOWS[name](app, paths)
        print(name, flush=True)
    print("\n".join(str(p.relative_to(REPO)) for p in sorted(OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
