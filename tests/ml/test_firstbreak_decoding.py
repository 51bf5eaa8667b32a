"""First-break decoding: a perfect segmentation gives the onset back at any dt."""

import numpy as np
import pytest

from geodesk.ml.tasks.firstbreaks import (
    FirstBreakUNet,
    change_points,
    energy_db,
    gather_section,
    onset_loglik,
    refine_aic,
    repair_by_offset,
    subsample_peak,
)


@pytest.mark.parametrize("dt_ms", [0.25, 1.0, 2.0, 4.0])
def test_perfect_class_maps_decode_to_the_true_onsets(dt_ms):
    rng = np.random.default_rng(0)
    n_tr, ns = 9, int(300 / dt_ms)
    onset = rng.uniform(20.0, 250.0, n_tr)
    onset[3] = np.nan  # a trace without truth (dead)
    data = rng.standard_normal((n_tr, ns)).astype(np.float32)
    data[3] = 0.0
    # the network's own decoding (on pure noise the classical picker has nothing to find)
    model = FirstBreakUNet(depth=2, width=4, device="cpu", classical="none")
    prep = model._prepare(gather_section(data, dt_ms, t0_ms=10.0), onset + 10.0)
    logits = np.log(np.clip(prep.target, 1e-6, 1.0))  # the network's ideal answer
    picks = model._finish(logits, prep)
    assert np.isnan(picks[3])
    ok = np.isfinite(onset)
    assert np.all(np.abs(picks[ok] - (onset[ok] + 10.0)) <= model.work_dt_ms)


def test_change_point_ignores_isolated_errors():
    p = np.zeros((3, 1, 40))
    p[0, 0, :25] = 0.9
    p[2, 0, :25] = 0.1
    p[2, 0, 25:] = 0.9
    p[0, 0, 25:] = 0.1
    p[:, 0, 5] = [0.1, 0.1, 0.8]  # a lone "after" inside "before"
    p[:, 0, 33] = [0.8, 0.1, 0.1]  # a lone "before" inside "after"
    assert change_points(p)[0] == 25


def test_trailing_energy_rises_at_the_onset_and_the_centred_one_before_it():
    x = np.zeros((1, 100))
    x[0, 50:] = 1.0
    x += 1e-3 * np.random.default_rng(0).standard_normal(x.shape)
    trailing = energy_db(x, 8)
    centred = energy_db(x, 8, trailing=False)
    assert trailing[0, :50].max() < 1.0 and trailing[0, 50] > 2.0
    assert centred[0, 47] > 2.0  # half a window early: what version 2 fed the network
    assert np.allclose(energy_db(1000.0 * x, 8), trailing, atol=1e-5)  # scale-free


def test_onset_likelihood_peaks_at_the_change_and_the_parabola_refines_it():
    n = 60
    p0 = np.where(np.arange(n) < 30, 0.95, 0.05)[None, :]
    prob = np.stack([p0, (1 - p0) / 2, (1 - p0) / 2])
    ll = onset_loglik(prob)
    assert ll.shape == (1, n + 1) and int(np.argmax(ll[0])) == 30
    vals = -((np.arange(10) - 4.3) ** 2)[None, :]
    assert subsample_peak(vals, np.array([4]))[0] == pytest.approx(0.3)
    assert subsample_peak(vals, np.array([0]))[0] == 0.0  # at the edge: no refinement


def test_a_long_noise_tail_does_not_pull_the_onset_to_the_end_of_the_record():
    # the network cannot tell noise after the arrivals have died from noise before them
    n = 2000
    p0 = np.full(n, 0.6)
    p0[:100] = 0.9
    p0[100:200] = 0.02  # the arrivals
    prob = np.stack([p0, (1 - p0) / 2, (1 - p0) / 2])[:, None, :]
    assert int(np.argmax(onset_loglik(prob)[0])) > 1000  # the whole record: pulled to the end
    assert int(np.argmax(onset_loglik(prob, after=64)[0])) == 100


def test_offset_trend_repair_moves_an_outlier_back_to_the_likely_onset_near_the_trend():
    n_tr, n = 21, 200
    offsets = np.arange(n_tr) * 10.0 - 100.0
    onset = (20 + np.abs(offsets) / 5).astype(int)  # a V of linear moveout
    s = np.arange(n + 1)[None, :]
    ll = -np.abs(s - onset[:, None]).astype(float)  # likeliest at the true onset
    ll[7, 150] = 5.0  # one trace whose best is a late spurious peak
    k = np.argmax(ll, axis=1)
    assert k[7] == 150
    fixed = repair_by_offset(ll, k, offsets, 1.0, 0.0, tol_ms=8.0)
    assert fixed[7] == onset[7]
    np.testing.assert_array_equal(np.delete(fixed, 7), np.delete(onset, 7))


def test_aic_refinement_moves_a_coarse_pick_to_the_onset_on_the_original_samples():
    rng = np.random.default_rng(1)
    x = 0.01 * rng.standard_normal((2, 400))
    x[:, 200:] += np.sin(np.arange(200) * 0.3)  # onset at sample 200: 50.0 ms at dt 0.25
    picks = np.array([51.5, np.nan])  # a pick 1.5 ms late (6 samples); an unpicked trace
    out = refine_aic(x, picks, 0.25, 0.0, half_ms=3.0)
    assert abs(out[0] - 50.0) <= 0.25 and np.isnan(out[1])


def test_training_labels_stop_after_the_onset_window_the_decoding_reads():
    model = FirstBreakUNet(depth=2, width=4, device="cpu", after_ms=20.0)
    data = np.random.default_rng(0).standard_normal((3, 200)).astype(np.float32)
    prep = model._prepare(gather_section(data, 1.0), np.array([50.0, 120.0, np.nan]))
    assert prep.mask[0, :70].all() and not prep.mask[0, 70:].any()
    assert prep.mask[1, :140].all() and not prep.mask[1, 140:].any()
    assert not prep.mask[2].any()  # no truth: no label


def test_quiet_noise_before_the_arrival_does_not_pull_the_onset_early():
    # P(before) only middling on a long quiet stretch: with the window decoding it may not
    # count for an onset at the record's start
    n = 2000
    p0 = np.full(n, 0.55)
    p0[1500:] = 0.02
    prob = np.stack([p0, (1 - p0) / 2, (1 - p0) / 2])[:, None, :]
    assert int(np.argmax(onset_loglik(prob, after=64)[0])) == 1500
