"""3D horizon tracking: flood fill recovers folded horizons, respects holes, honours cancel."""

import numpy as np
import pytest

from geodesk.core.jobs import Cancelled, JobContext
from geodesk.core.processing.tracking import TrackParams, track_3d

DT = 4.0
TIMES = np.arange(0, 600, DT)


def ricker(t_ms, f=30.0):
    a = (np.pi * f * np.asarray(t_ms) / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


def folded_volume(n_il=40, n_xl=36, noise=0.1, seed=0):
    """Two folded reflectors (a peak over a weaker trough) with Gaussian noise, and the truth."""
    i, j = np.meshgrid(np.arange(n_il), np.arange(n_xl), indexing="ij")
    truth = 250 + 30 * np.sin(i / 7.0) * np.cos(j / 9.0) + 0.8 * i
    vol = ricker(TIMES[None, None, :] - truth[..., None])
    vol -= 0.6 * ricker(TIMES[None, None, :] - truth[..., None] - 90)
    rng = np.random.default_rng(seed)
    vol += noise * rng.standard_normal(vol.shape)
    return vol.astype(np.float32), truth


def test_folded_volume_tracked_within_one_sample():
    vol, truth = folded_volume()
    t, conf = track_3d(vol, [(20, 18, truth[20, 18] + 3)], TrackParams(), times_ms=TIMES)
    err = np.abs(t - truth)
    assert np.mean(err <= DT) >= 0.99
    assert conf[20, 18] == 1.0
    assert np.nanmin(conf) >= TrackParams().threshold


def test_line_numbers_map_seeds_and_missing_traces_stay_empty():
    vol, truth = folded_volume()
    live = np.ones(vol.shape[:2], dtype=bool)
    live[10:14, :20] = False  # a hole the flood must go around
    vol[~live] = 0
    inlines, crosslines = 1000 + 2 * np.arange(vol.shape[0]), 500 + np.arange(vol.shape[1])
    t, _ = track_3d(vol, [(1040, 530, truth[20, 30])], TrackParams(), times_ms=TIMES,
                    inlines=inlines, crosslines=crosslines)
    assert np.isnan(t[~live]).all()
    assert np.mean(np.abs(t[live] - truth[live]) <= DT) >= 0.99


def test_stops_at_fault_with_large_throw():
    vol, truth = folded_volume(noise=0.05)
    shifted = truth.copy()
    shifted[:, 24:] += 44.0  # fault along a crossline, throw far above max jump
    vol = ricker(TIMES[None, None, :] - shifted[..., None]).astype(np.float32)
    vol += 0.05 * np.random.default_rng(1).standard_normal(vol.shape).astype(np.float32)
    t, _ = track_3d(vol, [(20, 5, shifted[20, 5])], TrackParams(max_jump_ms=8), times_ms=TIMES)
    assert np.isfinite(t[:, :24]).mean() > 0.99
    assert np.isnan(t[:, 24:]).all()


def test_cancel_through_job_context_stops_tracking():
    vol, truth = folded_volume()
    calls = []

    def on_progress(fraction, text):
        calls.append(fraction)
        ctx.cancel()

    ctx = JobContext(on_progress=on_progress, min_interval_s=0.0)
    with pytest.raises(Cancelled):
        track_3d(vol, [(20, 18, truth[20, 18])], TrackParams(), ctx, times_ms=TIMES)
    assert len(calls) == 1 and calls[0] < 1.0


def test_progress_rises_to_one():
    vol, truth = folded_volume(n_il=20, n_xl=20)
    fractions = []
    ctx = JobContext(on_progress=lambda f, _t: fractions.append(f), min_interval_s=0.0)
    track_3d(vol, [(10, 10, truth[10, 10])], TrackParams(), ctx, times_ms=TIMES)
    assert fractions[-1] == 1.0
    assert np.all(np.diff(fractions) >= 0)


def test_small_cache_reads_inline_by_inline_with_same_result():
    vol, truth = folded_volume()
    params = TrackParams()
    full, _ = track_3d(vol, [(20, 18, truth[20, 18])], params, times_ms=TIMES)
    lru, _ = track_3d(vol, [(20, 18, truth[20, 18])], params, times_ms=TIMES, cache_mb=0.01)
    np.testing.assert_array_equal(np.isnan(full), np.isnan(lru))
    np.testing.assert_allclose(full[np.isfinite(full)], lru[np.isfinite(lru)])


def test_horizon_confined_to_time_window_around_seeds():
    vol, truth = folded_volume()
    t, _ = track_3d(vol, [(20, 18, truth[20, 18])], TrackParams(), times_ms=TIMES,
                    time_pad_ms=20.0)
    lo, hi = truth[20, 18] - 20.0, truth[20, 18] + 20.0
    assert np.nanmin(t) >= lo - DT and np.nanmax(t) <= hi + DT
    assert np.isnan(t).any()  # the fold leaves the window somewhere


def test_bad_seeds_are_reported():
    vol, _truth = folded_volume(n_il=10, n_xl=10)
    with pytest.raises(ValueError, match="not in the survey"):
        track_3d(vol, [(99, 0, 250.0)], times_ms=TIMES)
    with pytest.raises(ValueError, match="no peak"):
        track_3d(np.zeros_like(vol), [(5, 5, 250.0)], times_ms=TIMES,
                 live_mask=np.ones((10, 10), bool))
    with pytest.raises(ValueError):
        track_3d(vol, [], times_ms=TIMES)


def test_synthetic_post3d_markers_tracked_in_unfaulted_blocks():
    from geodesk.synth import post3d
    r = post3d.generate_post3d(shape=(40, 40, 112), seed=2, snr_db=15.0, n_faults=2)
    times = np.arange(r.data.shape[2]) * r.dt_ms
    fractions = []
    for h, pol in enumerate(r.truth["horizon_polarity"]):
        hz, blk = r.truth["horizon_ms"][h], r.truth["horizon_block"][h]
        vals, counts = np.unique(blk[np.isfinite(hz)], return_counts=True)
        region = np.isfinite(hz) & (blk == vals[np.argmax(counts)])
        i, j = np.argwhere(region)[region.sum() // 2]
        params = TrackParams(event="peak" if pol > 0 else "trough")
        t, _ = track_3d(r.data, [(r.inlines[i], r.crosslines[j], float(hz[i, j]))], params,
                        times_ms=times, inlines=r.inlines, crosslines=r.crosslines)
        fractions.append(np.mean(np.abs(t - hz)[region] <= r.dt_ms))
    assert min(fractions) >= 0.95, fractions
