"""Update model in the window: time from the action to the refreshed gather on screen.

The demo shots (``geodesk.synth.demo``: 12 shots x 120 channels) in a fresh project under /tmp,
first breaks picked by the shipped model, the true first breaks written by hand ("corrected")
on the first ``--labelled`` shots while the last (unlabelled) shot is on screen, then Pick ▸ Update first-break model with
the default fine-tune settings on one torch thread. Reports the seconds until the re-picked
shown gather is drawn (the job's first published shot reaching the GUI thread), until every
shot is re-picked, the held-back agreement, the shown (unlabelled) shot's picks against the
truth beside the base model's and the event-loop lateness of a 20 ms timer while
the job runs. Offscreen Qt; machine shared: say so.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_update_model.py --labelled 10

``--task faults``: the demo volume (150 inlines x 200 crosslines x 500 samples) with sticks
traced from the true fault pixels (one node every 25 samples of each fault on the section) on
``--labelled`` inlines, each marked fully interpreted, the fault overlay on (shipped model) on
an unlabelled inline, then Pick ▸ Update model with the default fault settings: seconds until
the overlay shows the new version's probability on that inline, the held-back F1 and the
shown inline's F1 (probability >= 0.5, one pixel) against the truth, new and base.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np


def demo_window(tmp: Path, survey: str):
    """A shown window with the demo project in ``tmp`` open on its ``survey``; (window, paths)."""
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.project.project_ui import demo_project
    from geodesk.qt.settings import make_settings
    from geodesk.synth.demo import demo_paths

    paths = demo_paths()
    win = MainWindow(settings=make_settings(tmp / "geodesk.ini"))
    win.project_controller.interactive = False
    win.show()
    assert win.project_controller.open_project(demo_project(paths, tmp / "d.geodesk"),
                                               survey_path=paths[survey])
    return win, paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labelled", type=int, default=10)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--task", choices=("firstbreaks", "faults"), default="firstbreaks")
    args = ap.parse_args()
    if args.task == "faults":
        return faults_main(args)
    import torch

    torch.set_num_threads(1)
    from PySide6.QtWidgets import QApplication

    from geodesk.core.picks import FirstBreaks
    from geodesk.synth.truth import load_truth

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench_update_"))
    try:
        win, paths = demo_window(tmp, "shots")
        s = win.survey
        truth = np.asarray(load_truth(paths["shots_truth"])["first_break_ms"],
                           dtype=np.float32).reshape(-1)
        fb = FirstBreaks.like_survey("FB", s)
        win.picks.add(win.history, fb)
        keys = [int(k) for k in s.gather_keys]
        win.go_to("gather", keys[-1])  # an unlabelled shot is on screen
        labelled = np.concatenate([fb.gather_indices(k) for k in keys[:args.labelled]])
        labelled = labelled[np.isfinite(truth[labelled])]
        fb.set_times(None, np.arange(s.n_traces), np.full(s.n_traces, 1.0),
                     provenance="model:firstbreak-unet@4")
        fb.set_times(win.history, labelled, truth[labelled])
        win.set_active_pick(fb)
        from geodesk.ml.registry import load_model
        from geodesk.ml.run.results import firstbreak_picks

        shown = np.asarray(win.section.trace_index)
        base_model = load_model(win.features["autopick"].models.current_path(),
                                task="firstbreaks", device="cpu")
        base_err = np.abs(firstbreak_picks(base_model, win.section)[0] - truth[shown])
        ctrl = win.features["update_model"]
        if args.steps:
            ctrl.settings.steps = args.steps
        errors = []
        ctrl.error = errors.append
        from PySide6.QtCore import QEventLoop, QTimer

        late: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:  # event-loop lateness: how far past its 20 ms a timer fires
            now = time.perf_counter()
            late.append(max(now - last[0] - 0.020, 0.0))
            last[0] = now

        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(tick)
        handle = ctrl.start()
        loop = QEventLoop()
        handle.done.connect(loop.quit)
        timer.start()
        if handle.running:
            loop.exec()
        timer.stop()
        app.processEvents()
        shown = np.asarray(win.section.trace_index)
        err = np.abs(fb.times[shown] - truth[shown])
        out = {"shots": len(keys), "channels": int(s.n_traces // len(keys)),
               "labelled_shots": args.labelled, "labels": int(labelled.size),
               "outcome": handle.outcome, "errors": errors,
               "steps": ctrl.settings.steps, "threads": 1,
               "visible_gather_s": round(ctrl.last.get("visible_gather_s", float("nan")), 1),
               "all_shots_s": round(ctrl.last.get("total_s", float("nan")), 1),
               "stopped": ctrl.last.get("stopped"),
               "held_back_agreement": ctrl.last.get("agreement"),
               "shown_gather_within_2ms_of_truth": round(float((err <= 2.0).mean()), 3),
               "shown_gather_within_2ms_base_model": round(float((base_err <= 2.0).mean()), 3),
               "event_loop_lateness_ms": {
                   "p95": round(1000 * float(np.percentile(late, 95)), 1) if late else None,
                   "max": round(1000 * float(np.max(late)), 1) if late else None}}
        win.project_controller.ask_save_changes = lambda name: "discard"
        win.close()
        print(json.dumps(out, indent=1, default=str))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def truth_sticks(mask: np.ndarray, inline: float, crosslines: np.ndarray, dt_ms: float,
                 every: int = 25) -> list[np.ndarray]:
    """Sticks (inline, crossline, ms) along each fault of one section's true fault pixels:
    the mean crossline of the fault every ``every`` samples."""
    from scipy import ndimage

    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    out = []
    for k in range(1, n + 1):
        tr, smp = np.nonzero(lab == k)
        if smp.size < 2 * every:
            continue
        rows = []
        for j in range(int(smp.min()), int(smp.max()) + 1, every):
            sel = smp == j
            if sel.any():
                rows.append([inline, float(np.interp(tr[sel].mean(), np.arange(crosslines.size),
                                                     crosslines)), j * dt_ms])
        if len(rows) >= 2:
            out.append(np.array(rows))
    return out


def _wait(app, cond, timeout_s: float = 600.0) -> None:
    t0 = time.monotonic()
    while not cond():
        app.processEvents()
        time.sleep(0.005)
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError("the window did not get there in time")


def faults_main(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(1)
    from PySide6.QtWidgets import QApplication

    from geodesk.core.picks import FaultSet
    from geodesk.ml.tasks.common import f1_tolerant
    from geodesk.synth.truth import load_truth

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench_update_faults_"))
    try:
        win, paths = demo_window(tmp, "post3d")
        s = win.survey
        truth = np.asarray(load_truth(paths["post3d_truth"])["fault_labels"]) > 0
        ils = [float(v) for v in s.inlines]
        labelled = [int(k) for k in np.linspace(5, len(ils) - 20, args.labelled)]
        shown_k = len(ils) - 8
        fs = FaultSet("Faults")
        win.picks.add(win.history, fs)
        fs.add_fault(None, "F1")
        n_sticks = 0
        for k in labelled:
            for st in truth_sticks(truth[k], ils[k], np.asarray(s.crosslines, float), s.dt_ms):
                fs.add_stick(None, "F1", st, "inline", ils[k])
                n_sticks += 1
            win.picks.label_marks.mark_section(None, "inline", ils[k])
        win.go_to("inline", ils[shown_k])
        overlay = win.features["fault_overlay"]
        overlay.toggle(True)
        _wait(app, lambda: overlay.prob is not None)
        base_prob = overlay.prob
        base_f1 = f1_tolerant(base_prob, truth[shown_k], 0.5)
        ctrl = win.features["update_task"]
        if args.steps:
            ctrl.settings["faults"].steps = args.steps
        errors: list[str] = []
        ctrl.error = ctrl.notice = overlay.error = errors.append
        t0 = time.monotonic()
        handle = ctrl.start("faults")
        _wait(app, lambda: not handle.running)
        trained = time.monotonic() - t0
        new = str(ctrl.last.get("path", ""))
        _wait(app, lambda: overlay.prob is not base_prob and overlay.job is not None
              and not overlay.job.running and overlay.models.current_path() == new)
        shown = time.monotonic() - t0
        out = {"task": "faults", "inlines": len(ils), "crosslines": len(s.crosslines),
               "samples": int(s.n_samples), "labelled_inlines": args.labelled,
               "sticks": n_sticks, "outcome": handle.outcome, "errors": errors,
               "steps": ctrl.settings["faults"].steps, "threads": 1,
               "fine_tune_s": round(trained, 1), "visible_section_refreshed_s": round(shown, 1),
               "stopped": ctrl.last.get("stopped"),
               "held_back_agreement": ctrl.last.get("agreement"),
               "held_back_agreement_base": ctrl.last.get("base_agreement"),
               "shown_inline_f1_new": round(f1_tolerant(overlay.prob, truth[shown_k], 0.5), 3),
               "shown_inline_f1_base": round(base_f1, 3)}
        win.project_controller.ask_save_changes = lambda name: "discard"
        win.close()
        print(json.dumps(out, indent=1, default=str))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
