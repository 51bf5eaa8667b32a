"""Event-loop latency of the window while a training job runs beside it (torch 1 vs 2 threads).

The main window (offscreen, a small synthetic volume open) runs a 10 ms ``QTimer``; the lateness
of each tick (actual interval minus 10 ms) is recorded. Phases, in one run: the idle window
(the baseline), then ``geodesk.ml.training.train`` of a small fault U-Net submitted through the
window's :class:`~geodesk.qt.jobs.runner.JobRunner`, wrapped in
:func:`geodesk.ml.run.device.background_job` with each thread count in turn; the job is cancelled
after the phase. Per phase: tick lateness p50/p95/max
(ms), the ratio of p95 to the idle p95, and the training steps per second achieved.
Prints one JSON object. Target: p95 and max lateness <= 50 ms while training.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_event_loop.py [--seconds S]``.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0, help="measuring time per phase")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--size", type=int, default=64, help="size of the training examples")
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
    worst = max(v["max_ms"] for k, v in phases.items() if k != "idle")
    from geodesk.ml.run.device import BACKGROUND_THREADS

    print(json.dumps({"tick_ms": TICK_MS, "cpus": os.cpu_count(),
                      "load_average": [round(v, 2) for v in os.getloadavg()],
                      "phases": phases, "target_ms": 50, "worst_max_ms_while_training": worst,
                      "background_threads_chosen": BACKGROUND_THREADS}, indent=2))


if __name__ == "__main__":
    main()
