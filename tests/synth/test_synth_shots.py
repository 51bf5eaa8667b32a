"""shots generator: first-break truth is the onset, dead/reversed traces, SNR, SEG-Y output."""

from __future__ import annotations

import numpy as np
import pytest
import segyio

from geodesk.synth import generate_shots, load_truth
from geodesk.synth.wavelets import snr_db


def _windows(res, fb_ms, before_ms, after_ms):
    """Energy just before and just after each trace's first-break time."""
    n_s, n_c, ns = res.data.shape
    d = res.data.reshape(n_s * n_c, ns).astype(np.float64)
    t = res.dt_ms * np.arange(ns)
    fb = fb_ms.reshape(-1)
    live = ~np.isnan(fb)
    pre = ((t[None] > fb[:, None] - before_ms) & (t[None] <= fb[:, None])) * d**2
    post = ((t[None] > fb[:, None]) & (t[None] <= fb[:, None] + after_ms)) * d**2
    return pre.sum(1)[live], post.sum(1)[live]


@pytest.mark.parametrize("dt_ms, n_channels", [(0.25, 24), (1.0, 48), (4.0, 30)])
def test_first_break_truth_is_the_onset_of_energy_on_clean_data(dt_ms, n_channels):
    res = generate_shots((3, n_channels, int(600 / dt_ms)), seed=1, dt_ms=dt_ms, snr_db=None)
    fb = res.truth["first_break_ms"]
    pre, post = _windows(res, fb, before_ms=1e9, after_ms=max(3.0, 2 * dt_ms))
    assert len(pre) > 0.9 * fb.size
    assert np.all(pre == 0.0), "no energy at or before the first-break time"
    assert np.all(post > 0.0), "energy starts within two samples after it"


def test_first_break_energy_ratio_is_high_at_30_db_snr():
    clean = generate_shots((4, 60, 800), seed=3, dt_ms=1.0, snr_db=None)
    # SNR is global and the strong ground roll dominates the signal power, so 30 dB leaves
    # far-offset first arrivals only a few times above the noise, as on land data
    res = generate_shots((4, 60, 800), seed=3, dt_ms=1.0, snr_db=30.0)
    pre, post = _windows(res, clean.truth["first_break_ms"], before_ms=20, after_ms=20)
    assert np.median(post / pre) > 5
    assert np.percentile(post / pre, 10) > 2


def test_dead_traces_are_zero_with_nan_truth_and_reversed_traces_flip_polarity():
    res = generate_shots(
        (10, 60, 500), seed=4, dt_ms=1.0, snr_db=None, dead_fraction=0.05, reversed_fraction=0.05
    )
    t = res.truth
    dead, rev = t["dead"], t["reversed"]
    assert dead.any() and rev.any()
    assert np.all(res.data[dead] == 0)
    assert np.all(np.isnan(t["first_break_ms"][dead]))
    assert not np.isnan(t["first_break_ms"][~dead]).any()
    # the causal wavelet starts positive: the first non-zero sample gives the polarity
    live = res.data[~dead]
    first = live[np.arange(len(live)), np.argmax(live != 0, axis=1)]
    np.testing.assert_array_equal(first < 0, rev[~dead])


def test_noise_meets_the_requested_snr_on_live_traces():
    clean = generate_shots((4, 40, 400), seed=6, dt_ms=2.0, snr_db=None)
    live = ~clean.truth["dead"]
    for target in (5.0, 20.0):
        noisy = generate_shots((4, 40, 400), seed=6, dt_ms=2.0, snr_db=target)
        assert abs(snr_db(clean.data[live], noisy.data[live]) - target) < 0.5
        assert np.all(noisy.data[~live] == 0)


def test_same_seed_same_shots_different_seed_different():
    a, b = (generate_shots((2, 20, 300), seed=8) for _ in range(2))
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.truth["first_break_ms"], b.truth["first_break_ms"])
    c = generate_shots((2, 20, 300), seed=9)
    assert not np.array_equal(a.truth["first_break_ms"], c.truth["first_break_ms"])


def test_first_breaks_follow_the_refraction_model():
    res = generate_shots((1, 96, 800), seed=2, dt_ms=1.0, snr_db=None, dead_fraction=0)
    t = res.truth
    off = np.abs(res.offset_m[0])
    fb = t["first_break_ms"][0]
    far = off > 0.8 * off.max()
    # beyond the crossover the first arrival moves out with the refractor velocity
    slope = np.polyfit(off[far], fb[far], 1)[0]
    assert slope == pytest.approx(1000.0 / t["v1"], rel=0.1)
    near = off < 2.5 * res.params["receiver_spacing_m"]
    statics = (
        t["source_static_ms"][0]
        + t["receiver_static_ms"][np.searchsorted(t["station_pos_m"], t["group_pos_m"][0][near])]
    )
    np.testing.assert_allclose(fb[near] - statics - 10.0, 1000 * off[near] / t["v0"], atol=1e-3)


def test_written_shots_carry_geometry_headers_and_truth(tmp_path):
    res = generate_shots((3, 16, 200), seed=1, dt_ms=0.5)
    path = res.write(tmp_path / "s.sgy", format=3)
    with segyio.open(str(path), ignore_geometry=True) as f:
        assert f.tracecount == 48
        assert f.bin[segyio.BinField.Interval] == 500
        h = f.header[20]  # shot 2, channel 5
        assert h[segyio.TraceField.FieldRecord] == res.ffid[1, 4]
        assert h[segyio.TraceField.TraceNumber] == 5
        assert h[segyio.TraceField.offset] == round(res.offset_m[1, 4])
        scale = -h[segyio.TraceField.SourceGroupScalar]
        assert h[segyio.TraceField.GroupX] / scale == pytest.approx(res.group_xy[0][1, 4], abs=0.1)
    truth = load_truth(path)
    assert truth["kind"] == "shots"
    np.testing.assert_array_equal(truth["first_break_ms"], res.truth["first_break_ms"])


def test_geodesk_open_sees_shot_gathers(tmp_path):
    from geodesk.core.segy import reader as segy
    res = generate_shots((3, 16, 200), seed=1)
    with segy.open_survey(res.write(tmp_path / "s.sgy")) as s:
        assert s.kind == "prestack" and s.gather_key == "ffid"
        np.testing.assert_array_equal(s.gather_keys, res.ffid[:, 0])
        np.testing.assert_array_equal(s.gather_sizes, [16, 16, 16])
        g = s.gather(int(res.ffid[1, 0]))
        np.testing.assert_allclose(g.data, res.data[1], rtol=1e-6)
