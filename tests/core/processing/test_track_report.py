"""A 3D track says how far it got and why it stopped (issue 14, defect 5: a track that stopped
at once said "finished")."""

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.processing.tracking import TrackParams, track_3d_report

DT = 4.0
TIMES = np.arange(0, 400, DT)


def ricker(t_ms, f=30.0):
    a = (np.pi * f * np.asarray(t_ms) / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


def flat_event(n_il=12, n_xl=10, t0=200.0, noise=0.0, seed=0):
    vol = np.broadcast_to(ricker(TIMES - t0), (n_il, n_xl, TIMES.size)).copy()
    vol += noise * np.random.default_rng(seed).standard_normal(vol.shape)
    return vol.astype(np.float32)


def test_a_weak_noisy_event_stops_at_once_and_names_the_threshold():
    rng = np.random.default_rng(0)
    vol = rng.standard_normal((12, 10, TIMES.size)).astype(np.float32)  # no coherent event
    vol[6, 5] += 3 * ricker(TIMES - 200.0).astype(np.float32)
    seen = []
    t, _, report = track_3d_report(vol, [(6, 5, 200.0)], TrackParams(), JobContext(
        on_progress=lambda f, text: seen.append(text)), times_ms=TIMES)
    assert report.tracked == np.isfinite(t).sum() and report.tracked < 5 and report.live == 120
    assert report.reason == "threshold" and report.threshold > 0
    assert 0 < report.best_rejected < TrackParams().threshold
    text = report.message("H1")
    assert text.startswith(f"Tracked {report.tracked} of 120 traces of H1 in 3D; it stopped")
    assert "lower Threshold from 0.70 to about" in text
    assert "stopped" in seen[-1]  # the job's last progress line says it too


def test_a_throw_beyond_the_max_jump_names_the_max_jump():
    vol = flat_event()
    shifted = np.broadcast_to(ricker(TIMES - 240.0), (12, 5, TIMES.size))
    vol[:, 5:] = shifted  # everything beyond crossline 4 is 40 ms deeper
    _, _, report = track_3d_report(vol, [(6, 2, 200.0)], TrackParams(max_jump_ms=8),
                                   times_ms=TIMES)
    assert report.tracked == 60 and report.reason == "jump" and report.jump == 12
    assert "raise Max jump (8 ms)" in report.suggestion()


def test_a_complete_track_reports_every_trace_and_no_suggestion():
    _, _, report = track_3d_report(flat_event(), [(6, 5, 200.0)], TrackParams(),
                                   times_ms=TIMES)
    assert report.complete and report.tracked == 120 and report.suggestion() is None
    assert report.message("H1") == "Tracked 120 of 120 traces of H1 in 3D"
