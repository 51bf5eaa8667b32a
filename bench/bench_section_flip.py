"""Section flip, end to end: next inline / crossline / time slice from file to painted frame.

Measures the workstation's navigator step (read through ``geodesk.open``, clip, colormap, colour
bar, overlays, paint) on a >= 400 MB IEEE volume against raw segyio with ``f.mmap()`` feeding a
bare pyqtgraph ImageItem, in the same run and interleaved flip by flip (the machine's load hits
both alike). Also with overlays on: a horizon over the whole volume and a fault set with sticks,
then those plus the fault-probability overlay, stepped back to back as when a user holds PgDn
(the overlay computes a section once stepping pauses), and stepped ``--pace`` seconds apart
with the event loop running (each section's U-Net job starts and is cancelled by the next
flip: the flips meet a running job). Prints one JSON object: per case and direction the
wall-clock median, 95th percentile and min-max of both paths, the same of the per-flip ratios,
the ratio of the fastest flips, and the same for CPU time: the
process's (``time.process_time``, all threads: Qt converts the raw path's 8-bit image in worker
threads) and the GUI thread's own (``time.thread_time``), which leave out the time other
processes of a shared machine take from the flips.
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_section_flip.py [--keep]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import segyio
from _common import make_volume

SHAPE = (400, 250, 1000)  # inlines, crosslines, samples: 424 MB


def _ms(step, k: int) -> tuple[float, float, float]:
    """Wall-clock, process CPU and GUI-thread CPU milliseconds of ``step(k)``."""
    t0, p0, c0 = time.perf_counter(), time.process_time(), time.thread_time()
    step(k)
    return ((time.perf_counter() - t0) * 1000, (time.process_time() - p0) * 1000,
            (time.thread_time() - c0) * 1000)


def _r(v: float) -> float:
    return round(v, 2)


def _p95(v: list[float]) -> float:
    """95th percentile (linear between the flips)."""
    return float(np.percentile(v, 95))


def _stats(a: list[float], b: list[float], label: str = "") -> dict:
    """Median, 95th percentile and min-max of ours (``a``) and raw (``b``), and of their
    per-flip ratio; keys ``geodesk[_label]_ms``, ``raw[_label]_ms``, ``[label_]ratio_median`` ..."""
    ratio = [x / max(y, 1e-6) for x, y in zip(a, b)]
    mid = f"_{label}" if label else ""
    pre = f"{label}_" if label else ""
    return {f"geodesk{mid}_ms": _r(statistics.median(a)),
            f"geodesk{mid}_p95_ms": _r(_p95(a)),
            f"geodesk{mid}_min_max_ms": [_r(min(a)), _r(max(a))],
            f"raw{mid}_ms": _r(statistics.median(b)),
            f"raw{mid}_p95_ms": _r(_p95(b)),
            f"raw{mid}_min_max_ms": [_r(min(b)), _r(max(b))],
            f"{pre}ratio_median": _r(statistics.median(ratio)),
            f"{pre}ratio_p95": _r(_p95(ratio)),
            f"{pre}ratio_min_max": [_r(min(ratio)), _r(max(ratio))],
            # the least disturbed flip of each: what a quiet machine gives
            f"{pre}ratio_of_fastest": _r(min(a) / max(min(b), 1e-6))}


def _interleaved(ours, raw, n: int) -> dict:
    """Alternate ``ours(k)`` and ``raw(k)`` ``n`` times (after one warm-up of each)."""
    ours(0), raw(0)
    a, b = [], []
    for k in range(1, n + 1):
        a.append(_ms(ours, k))
        b.append(_ms(raw, k))
    out = _stats([x[0] for x in a], [x[0] for x in b])
    out.update(_stats([x[1] for x in a], [x[1] for x in b], "cpu"))
    out.update(_stats([x[2] for x in a], [x[2] for x in b], "gui_thread_cpu"))
    return out


def _spin(app, seconds: float) -> None:
    """Run the event loop for ``seconds`` (timers fire, job results arrive)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def _quiet(app, window) -> None:
    """No overlay job running or about to start: cancel them and wait (within a layer)."""
    timer = getattr(getattr(window, "fault_overlay", None), "pause_timer", None)
    if timer is not None:
        timer.stop()
    window.runner.cancel_all()
    _wait_jobs(app, window)


def _paced(app, window, ours, raw, n: int, pace_s: float, block: int = 5) -> dict:
    """Flips ``pace_s`` apart with the event loop running between them (a user who steps and
    looks): each section's overlay job starts once the pause has passed and is cancelled by the
    next flip, so our flips meet a running job. The raw path has no job: blocks of ``block`` raw
    flips (jobs cancelled and ended first) alternate with blocks of ours."""
    a, b, started = [], [], []
    window.runner.job_started.connect(lambda h: started.append(h))
    ours(0)
    _spin(app, pace_s)
    for k0 in range(1, n + 1, block):
        _quiet(app, window)
        for k in range(k0, min(k0 + block, n + 1)):
            b.append(_ms(raw, k))
            _spin(app, pace_s)
        for k in range(k0, min(k0 + block, n + 1)):
            a.append(_ms(ours, k))
            _spin(app, pace_s)
    _quiet(app, window)
    out = _stats([x[0] for x in a], [x[0] for x in b])
    out.update(_stats([x[2] for x in a], [x[2] for x in b], "gui_thread_cpu"))
    out["pace_s"] = pace_s
    out["overlay_jobs"] = {"started": len(started),
                           "cancelled": sum(h.outcome == "cancelled" for h in started),
                           "finished": sum(h.outcome == "finished" for h in started)}
    return out


def _add_overlays(window) -> None:
    """A tracked horizon over the whole volume and a fault with a stick on every 5th inline."""
    from geodesk.core.picks import FaultSet, Horizon

    s = window.survey
    h = Horizon.like_survey("Bench horizon", s)
    il, xl = np.meshgrid(s.inlines, s.crosslines, indexing="ij")
    times = 1500.0 + 2.0 * il + 1.0 * xl
    h.write_tracked(None, np.ones(il.shape, dtype=bool), times)
    window.picks.add(window.history, h)
    fs = FaultSet("Bench faults")
    fs.add_fault(None, "F1")
    for i in s.inlines[::5]:
        x = s.crosslines[len(s.crosslines) // 2]
        fs.add_stick(None, "F1", [(i, x, 500.0), (i, x + 20, 2500.0)], "inline", float(i))
    window.picks.add(window.history, fs)


def _wait_jobs(app, window, limit_s: float = 300.0) -> None:
    """Let the window's background jobs finish (they would share the cores with the flips)."""
    from geodesk.qt.jobs.runner import JobHandle

    t_end = time.perf_counter() + limit_s
    while any(h.running for h in window.runner.findChildren(JobHandle)) \
            and time.perf_counter() < t_end:
        app.processEvents()
        time.sleep(0.05)
    app.processEvents()


def _fault_probability_on(app, window) -> str | None:
    """Turn the fault-probability overlay on and wait for its first section; None when on, else
    why it is not (no fault model)."""
    fo = getattr(window, "fault_overlay", None)
    if fo is None:
        return "no fault_overlay feature in this window"
    window.navigator.set_position("inline", float(window.survey.inlines[5]))  # a vertical section
    job = fo.toggle(True)
    if job is None:
        return "no fault model file (resources/models/faults.pt)"
    _wait_jobs(app, window)
    return None if fo.prob is not None else "the fault model job gave no probability"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keep", action="store_true", help="keep the generated volume")
    ap.add_argument("--n", type=int, default=30, help="flips per direction")
    ap.add_argument("--pace", type=float, default=0.3,
                    help="seconds between the flips of the paced case (0: leave it out)")
    args = ap.parse_args()
    path = make_volume(Path(tempfile.gettempdir()) / "geodesk_bench_flip.sgy", *SHAPE)

    import pyqtgraph as pg

    from geodesk.ml.run.device import limit_threads_beside_gui
    from geodesk.qt.app import get_app
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import make_settings

    limit_threads_beside_gui()  # as `geodesk` starts the window: model jobs get one thread
    app = get_app()
    settings = make_settings(Path(tempfile.mkdtemp()) / "bench.ini")
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    window.show()
    window.project_controller.interactive = False  # closing asks nothing
    window.open_path(str(path))
    app.processEvents()
    # the steady state a user steps in: the background jobs opening starts (the HDF5 time-slice
    # cache of a big volume) have finished, so they do not share the cores with the flips
    _wait_jobs(app, window)
    try:  # as `geodesk` does before it shows the window (absent in older checkouts)
        from geodesk.core.gc_pauses import keep_full_collections_short
    except ImportError:
        keep_full_collections_short = None
    if keep_full_collections_short is not None:
        keep_full_collections_short()
    viewport = window.view.plot_widget.viewport()
    s = window.survey
    positions = {"inline": s.inlines[10:], "crossline": s.crosslines[10:],
                 "time": s.times_ms[100::7]}

    def flip(mode: str):
        values = positions[mode]

        def step(k: int) -> None:
            window.navigator.set_position(mode, float(values[k % len(values)]))
            viewport.repaint()
        return step

    # Baseline: raw segyio (mmap) into a bare ImageItem of the same size, same event loop.
    plot = pg.PlotWidget()
    plot.resize(window.view.size())
    img = pg.ImageItem(axisOrder="row-major")
    plot.addItem(img)
    plot.show()
    app.processEvents()
    raw_vp = plot.viewport()
    out: dict = {"file_mb": round((3600 + SHAPE[0] * SHAPE[1] * (240 + 4 * SHAPE[2])) / 1e6, 1),
                 "shape": list(SHAPE), "flips_per_direction": args.n,
                 "threads": "Qt main thread; numpy single-threaded work; fault model job "
                            "1 torch thread beside it", "target_ms": 8,
                 "target_ratio": 1.5, "time_slices_from_hdf5_cache": bool(s.has_cache),
                 "gc_freeze_as_the_window": keep_full_collections_short is not None,
                 "load_average_start": [round(v, 2) for v in os.getloadavg()],
                 "note": "wall ms include waiting for a core on a shared machine (both paths "
                         "alike); cpu_ms: the process's CPU time (all threads: the raw path's "
                         "8-bit image is converted by Qt's worker threads while painting; with "
                         "the fault probability on it includes the model job); gui_thread_cpu_ms: "
                         "the GUI thread's own (time.thread_time)"}
    with segyio.open(str(path)) as f:
        f.mmap()

        def raw(getter, keys):
            def step(k: int) -> None:
                data = getter(keys[k % len(keys)])
                img.setImage(data.T, autoLevels=False, levels=(-3, 3))
                raw_vp.repaint()
            return step

        raw_steps = {
            "inline": raw(lambda il: f.iline[il], list(f.ilines[10:])),
            "crossline": raw(lambda xl: f.xline[xl], list(f.xlines[10:])),
            "time": raw(lambda k: f.depth_slice[k], list(range(100, 1000, 7))),
        }
        out["plain"] = {m: _interleaved(flip(m), raw_steps[m], args.n) for m in positions}
        _add_overlays(window)
        app.processEvents()
        out["with_horizon_and_faults"] = {m: _interleaved(flip(m), raw_steps[m], args.n)
                                          for m in positions}
        why_not = _fault_probability_on(app, window)
        if why_not is None:
            case = {}
            for m in positions:
                case[m] = _interleaved(flip(m), raw_steps[m], args.n)
                _wait_jobs(app, window)  # the last section's job: not into the next direction
            out["with_horizon_faults_and_fault_probability"] = case
            if args.pace > 0:  # vertical sections only: time slices run no model job
                out["with_fault_probability_paced"] = {
                    m: _paced(app, window, flip(m), raw_steps[m], args.n, args.pace)
                    for m in ("inline", "crossline")}
        else:
            out["with_horizon_faults_and_fault_probability"] = {"skipped": why_not}
    out["load_average_end"] = [round(v, 2) for v in os.getloadavg()]
    window.close()
    plot.close()
    if not args.keep:
        path.unlink(missing_ok=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
