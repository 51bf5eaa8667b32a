"""Event-loop latency of the window while a training job runs beside it (torch 1 vs 2 threads).

The main window (offscreen, a small synthetic volume open) runs a 10 ms ``QTimer``; the lateness
of each tick (actual interval minus 10 ms) is recorded. Phases, in one run: the idle window
(the baseline), then ``geodesk.ml.training.train`` of a small fault U-Net submitted through the
window's :class:`~geodesk.qt.jobs.runner.JobRunner`, wrapped in
:func:`geodesk.ml.run.device.background_job` with each thread count in turn; the job is cancelled
after the phase. Per phase: tick lateness p50/p95/max
(ms), the ratio of p95 to the idle p95, and the training steps per second achieved.
Prints one JSON object. Target: p95 and max lateness <= 50 ms while training.
With ``--finetune`` a last phase measures the window while Pick ▸ Update model fine-tunes the
shipped fault model on a project's fault labels (sticks on three inlines, two of them marked
fully interpreted), the workstation's own job (issue 12: p95 <= 50 ms while fine-tuning).
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_event_loop.py [--seconds S]
[--finetune]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

TICK_MS = 10


def _stats(late: list[float]) -> dict[str, float]:
    a = np.asarray(late) if late else np.zeros(1)
    return {"ticks": len(late), "p50_ms": round(float(np.percentile(a, 50)), 2),
            "p95_ms": round(float(np.percentile(a, 95)), 2), "max_ms": round(float(a.max()), 2)}


def measure(app, seconds: float) -> list[float]:
    """Lateness (ms) of every tick of a 10 ms precise timer over ``seconds``."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    late: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        late.append(max((now - last[0]) * 1000.0 - TICK_MS, 0.0))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    loop = QEventLoop()  # a real event loop: it sleeps until the next event, as the GUI does
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    return late[1:]


def training_job(threads: int, out: Path, size: int):
    """A job that trains a small fault U-Net with ``threads`` torch threads until cancelled."""

    from geodesk.ml.run.device import background_job

    def job(ctx):
        from geodesk.ml.training import train

        return train("faults", out, epochs=1000, steps_per_epoch=1000, device="cpu",
                     params={"depth": 3, "width": 8, "patch": [64, 64], "batch_size": 4},
                     n_validation=1, size=size, ctx=ctx)

    return background_job(job, threads)


def finetune_phase(app, tmp: Path, src: Path, seconds: float) -> dict[str, float]:
    """Lateness while the window's Update model fine-tunes the fault model (until cancelled)."""
    from geodesk.core.picks import FaultSet
    from geodesk.core.project.project import Project
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings

    proj = Project.create(tmp / "ft.geodesk", src)
    with proj.open_survey() as s:
        ils, xl = [float(v) for v in s.inlines[1:4]], s.crosslines
    fs = FaultSet("Faults")
    fs.add_fault(None, "F1")
    for k, il in enumerate(ils):
        fs.add_stick(None, "F1", [[il, xl[40 + 10 * k], 100.0], [il, xl[60 + 10 * k], 900.0]],
                     "inline", il)
        if k < 2:
            proj.picks.label_marks.mark_section(None, "inline", il)
    proj.picks.add(None, fs)
    proj.save()
    win = MainWindow(settings=make_settings(tmp / "bench-ft.ini"))
    win.project_controller.interactive = False
    win.resize(1400, 900)
    win.show()
    assert win.project_controller.open_project(proj.folder, survey_path=src)
    ctrl = win.features["update_task"]
    ctrl.settings["faults"].steps = 100000  # runs past the measurement, then cancelled
    texts: list[str] = []
    handle = ctrl.start("faults")
    handle.progress.connect(lambda _f, text: texts.append(text))
    while not any("fine-tuning step" in t for t in texts):
        app.processEvents()
        time.sleep(0.01)
    n0, t0 = len([t for t in texts if "fine-tuning step" in t]), time.perf_counter()
    late = measure(app, seconds)
    steps = (len([t for t in texts if "fine-tuning step" in t]) - n0) / (time.perf_counter() - t0)
    handle.cancel()
    while handle.running:
        app.processEvents()
        time.sleep(0.01)
    win.project_controller.ask_save_changes = lambda name: "discard"
    win.close()
    win.runner.shutdown()
    return {**_stats(late), "progress_messages_per_s": round(steps, 2),
            "outcome": handle.outcome}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0, help="measuring time per phase")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--size", type=int, default=64, help="size of the training examples")
    ap.add_argument("--finetune", action="store_true",
                    help="also measure while Update model fine-tunes the fault model")
    args = ap.parse_args()

    from geodesk.qt.app import get_app
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings
    from geodesk.synth import generate_post3d

    app = get_app()
    tmp = Path(tempfile.mkdtemp(prefix="geodesk-bench-loop-"))
    src = generate_post3d((8, 200, 400), seed=0, n_faults=1).write(tmp / "v.sgy")
    win = MainWindow(settings=make_settings(tmp / "bench.ini"))
    win.resize(1400, 900)
    win.show()
    win.open_path(src)
    measure(app, 0.5)  # warm up
    phases = {"idle": {**_stats(measure(app, args.seconds))}}
    for n in args.threads:
        progress: list[float] = []
        handle = win.runner.submit(training_job(n, tmp / f"m{n}.pt", args.size),
                                   f"training ({n} threads)")
        handle.progress.connect(lambda f, text, p=progress: p.append(f) if "step" in text
                                else None)
        while not progress:  # past the validation data: steady training steps
            app.processEvents()
            time.sleep(0.01)
        f0, t0 = progress[-1], time.perf_counter()
        late = measure(app, args.seconds)
        steps = (progress[-1] - f0) * 1000 * 1000 / (time.perf_counter() - t0)
        handle.cancel()
        while handle.running:
            app.processEvents()
            time.sleep(0.01)
        stats = _stats(late)
        phases[f"training_{n}_threads"] = {
            **stats, "p95_over_idle": round(stats["p95_ms"] / max(phases["idle"]["p95_ms"],
                                                                   0.01), 1),
            "train_steps_per_s": round(steps, 2), "outcome": handle.outcome}
    win.close()
    win.runner.shutdown()
    if args.finetune:
        phases["update_model_faults"] = finetune_phase(app, tmp, src, args.seconds)
    worst = max(v["max_ms"] for k, v in phases.items() if k != "idle")
    from geodesk.ml.run.device import BACKGROUND_THREADS

    print(json.dumps({"tick_ms": TICK_MS, "cpus": os.cpu_count(),
                      "load_average": [round(v, 2) for v in os.getloadavg()],
                      "phases": phases, "target_ms": 50, "worst_max_ms_while_training": worst,
                      "background_threads_chosen": BACKGROUND_THREADS}, indent=2))


if __name__ == "__main__":
    main()
