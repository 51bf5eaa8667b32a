"""Uncertainty measures: a constructed wrong pick scores above a correct one, unpicked traces
score the cap, the gather score follows the bad traces, faults' margin peaks at p = 0.5."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.ml.uncertainty import (
    CAP,
    MEASURES,
    classical_times,
    fault_uncertainty,
    firstbreak_uncertainty,
    gather_score,
    peak_margin,
    stored_scores,
    survey_scores,
)
from geodesk.synth.shots import generate_shots
from tests.qt.models import tiny_model_file


@pytest.fixture(scope="module")
def shots():
    return generate_shots((2, 48, 300), seed=3, dt_ms=2.0, snr_db=30.0)


def _gather(shots, k=0):
    from geodesk.ml.tasks.firstbreaks import gather_section

    return gather_section(shots.data[k], 2.0, offsets=shots.offset_m[k])


def test_classical_disagreement_ranks_shifted_picks_above_correct_ones(shots):
    g = _gather(shots)
    truth = shots.truth["first_break_ms"][0].astype(float)
    ref = classical_times(g)
    good = np.isfinite(ref) & (np.abs(ref - truth) <= 4.0)  # where mer_trend itself is right
    assert good.sum() >= 10
    picks = truth.copy()
    wrong = np.zeros(truth.size, bool)
    wrong[np.flatnonzero(good)[::5]] = True
    picks[wrong] += 30.0  # 15 samples late
    s = stored_scores(picks, np.full(truth.size, 0.9), 2.0, "classical", ref)
    assert s[wrong].min() > np.median(s[good & ~wrong]) + 5
    assert gather_score(s[wrong]) > gather_score(s[~wrong])


def test_margin_is_high_where_a_second_peak_rivals_the_pick():
    ll = np.full((2, 101), -50.0)
    ll[:, 30] = 0.0
    ll[1, 70] = -0.1  # trace 1: a nearly as likely onset 40 samples later
    m = peak_margin(ll, np.array([30, 30]), exclude=3)
    assert m[0] < 1e-6 and 0.4 < m[1] < 0.5
    # a pick that is not the best peak (a trend re-pick) is above one half
    assert peak_margin(ll, np.array([70, 70]), exclude=3)[1] > 0.5


def test_unpicked_traces_score_the_cap():
    t = np.array([10.0, np.nan])
    s = stored_scores(t, np.array([0.9, np.nan]), 2.0, "classical", np.array([10.0, 12.0]))
    assert s[0] == 0.0 and s[1] == CAP
    assert stored_scores(t, np.array([0.9, np.nan]), 2.0, "confidence")[1] == 1.0


@pytest.mark.slow
def test_firstbreak_uncertainty_gives_every_measure_per_trace(shots, tmp_path):
    import torch

    from geodesk.ml.registry import load_model

    torch.set_num_threads(1)
    model = load_model(tiny_model_file("firstbreaks", tmp_path / "fb.pt"), task="firstbreaks",
                       device="cpu")
    g = _gather(shots)
    u = firstbreak_uncertainty(model, g, mc_samples=2)
    assert set(u.scores) == set(MEASURES)
    for s in u.scores.values():
        assert s.shape == (48,) and np.all(np.isfinite(s)) and np.all(s >= 0)
    np.testing.assert_allclose(u.times_ms, model.predict(g), equal_nan=True)
    with pytest.raises(ValueError, match="unknown uncertainty"):
        firstbreak_uncertainty(model, g, measures=("entropy",))


def test_survey_scores_by_gather(shots, tmp_path):
    import geodesk

    path = shots.write(tmp_path / "s.sgy")
    truth = shots.truth["first_break_ms"].reshape(-1).astype(np.float32)
    picks = truth.copy()
    picks[48:] += 40.0  # the second shot's picks all 20 samples late
    with geodesk.open(path, kind="prestack") as s:
        per_trace, per_gather = survey_scores(s, picks, np.full(picks.size, 0.9), "classical")
        keys = [int(k) for k in s.gather_keys]
    assert per_trace.shape == picks.shape
    assert per_gather[keys[1]] == 1.0 > per_gather[keys[0]]  # every pick of shot 1 off
    assert np.nanmedian(per_trace[48:]) >= 10  # NaN: dead traces (no pick)


def test_fault_margin_peaks_where_fault_and_no_fault_are_equally_likely():
    u = fault_uncertainty(np.array([[0.0, 0.5, 1.0, 0.9]]))
    np.testing.assert_allclose(u, [[0.0, 1.0, 0.0, 0.2]], atol=1e-6)
    with pytest.raises(ValueError):
        fault_uncertainty(np.zeros((2, 2)), measure="mc_std")


def test_centred_disagreement_ignores_a_constant_convention_offset():
    ref = np.arange(10, dtype=float) * 4.0 + 20.0
    picks = ref - 6.0  # the model places every onset 3 samples earlier: a convention
    picks[4] -= 20.0  # ... and one pick 10 samples off besides
    conf = np.full(10, 0.9)
    plain = stored_scores(picks, conf, 2.0, "classical", ref)
    centred = stored_scores(picks, conf, 2.0, "classical_centred", ref)
    assert np.all(plain >= 3.0)
    assert centred[4] == pytest.approx(10.0) and np.delete(centred, 4).max() == 0.0


def test_coherence_and_trend_score_picks_moved_into_the_noise_above_true_ones():
    shots = generate_shots((1, 48, 300), seed=5, dt_ms=2.0, snr_db=20.0)
    g = _gather(shots)
    truth = shots.truth["first_break_ms"][0].astype(float)
    moved = np.zeros(truth.size, bool)
    moved[6:42:6] = True
    picks = np.where(moved, truth - 40.0, truth)  # 20 samples early: before the arrival
    conf = np.full(truth.size, 0.9)
    coh = stored_scores(picks, conf, 2.0, "coherence", gather=g)
    assert np.median(coh[moved]) > np.median(coh[~moved]) + 0.1
    trend = stored_scores(picks, conf, 2.0, "trend", trend_ms=truth)
    assert trend[moved].min() == pytest.approx(20.0) and trend[~moved].max() == 0.0
    with pytest.raises(ValueError, match="needs the gather"):
        stored_scores(picks, conf, 2.0, "coherence")


def test_network_disagreement_compares_the_networks_own_picks_with_the_classical(shots,
                                                                                 tmp_path):
    import torch

    from geodesk.ml.registry import load_model
    from geodesk.ml.uncertainty import network_pass

    torch.set_num_threads(1)
    model = load_model(tiny_model_file("firstbreaks", tmp_path / "fb.pt"), task="firstbreaks",
                       device="cpu")
    g = _gather(shots)
    ps = network_pass(model, g)
    own, model.classical = model.classical, "none"
    try:
        np.testing.assert_allclose(ps.network_ms, model.predict(g), equal_nan=True)
    finally:
        model.classical = own
    np.testing.assert_allclose(ps.classical_ms, classical_times(g), equal_nan=True)
    u = firstbreak_uncertainty(model, g, measures=("network",))
    expect = np.abs(ps.network_ms - ps.classical_ms) / 2.0
    ok = np.isfinite(expect) & np.isfinite(u.times_ms)
    np.testing.assert_allclose(u.scores["network"][ok], np.minimum(expect[ok], CAP), rtol=1e-5)
