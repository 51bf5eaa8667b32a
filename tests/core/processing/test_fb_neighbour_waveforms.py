"""A first break checked and re-placed against its neighbours' waveforms: the coherence of a
candidate onset (fb_coherence) and the cross-correlation re-pick (fb_align)."""

import numpy as np

from geodesk.core.processing.fb_align import align_to_neighbours
from geodesk.core.processing.fb_coherence import neighbour_coherence

NS, DT, PERIOD = 400, 1.0, 20.0


def _gather(onset: np.ndarray, noise: float = 0.05, seed: int = 0) -> np.ndarray:
    """A causal two-period 50 Hz arrival per trace at ``onset`` (ms) in white noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(NS) * DT
    x = noise * rng.standard_normal((len(onset), NS))
    for i, t0 in enumerate(onset):
        s = t - t0
        x[i] += np.where((s >= 0) & (s < 2 * PERIOD), np.sin(2 * np.pi * s / PERIOD), 0.0)
    return x


def test_an_arrival_along_the_guide_s_moveout_is_coherent_and_the_noise_ahead_is_not():
    onset = 100.0 + 3.0 * np.arange(12)
    x = _gather(onset)
    on = neighbour_coherence(x, onset, onset, DT, 0.0, PERIOD)
    ahead = neighbour_coherence(x, onset - 60.0, onset, DT, 0.0, PERIOD)
    assert np.all(on > 0.9)
    assert np.all(np.abs(ahead) < 0.6) and ahead.mean() < 0.3


def test_a_jittered_onset_is_matched_within_a_quarter_period():
    onset = 100.0 + 3.0 * np.arange(12)
    x = _gather(onset + np.where(np.arange(12) % 2, 2.0, -2.0))  # +-2 ms static jitter
    assert np.all(neighbour_coherence(x, onset, onset, DT, 0.0, PERIOD) > 0.7)


def test_no_candidate_or_a_window_past_the_record_gives_nan():
    onset = 100.0 + 3.0 * np.arange(12)
    x = _gather(onset)
    at = onset.copy()
    at[3] = np.nan
    at[5] = NS * DT - 5.0  # its window would run past the end
    coh = neighbour_coherence(x, at, onset, DT, 0.0, PERIOD)
    assert np.isnan(coh[3]) and np.isnan(coh[5]) and np.isfinite(np.delete(coh, [3, 5])).all()


def test_picks_knocked_off_the_onset_come_back_and_the_rest_stay():
    onset = 100.0 + 2.5 * np.arange(30)
    rng = np.random.default_rng(1)
    off = rng.random(30) < 0.3  # a third of the picks a third of a period off, either way
    picks = onset + np.where(off, rng.choice([-6.0, 6.0], 30), 0.0)
    out = align_to_neighbours(_gather(onset, 0.2), picks, DT, PERIOD)
    assert np.all(np.abs(out - onset) <= 2.0)


def test_the_common_time_of_the_picks_is_kept():
    onset = 100.0 + 2.5 * np.arange(30)
    late = onset + 3.0  # all picks equally late: nothing in the neighbours says otherwise
    out = align_to_neighbours(_gather(onset, 0.2), late, DT, PERIOD)
    np.testing.assert_allclose(out, late, atol=1.0)


def test_a_trace_of_noise_keeps_its_pick_and_unpicked_traces_stay_unpicked():
    onset = 100.0 + 2.5 * np.arange(30)
    x = _gather(onset, 0.05)
    x[10] = 0.05 * np.random.default_rng(2).standard_normal(NS)  # no arrival on trace 10
    picks = onset.copy()
    picks[10] = 300.0  # deep in its noise: nothing there looks like the neighbours' arrival
    picks[20] = np.nan
    out = align_to_neighbours(x, picks, DT, PERIOD, min_correlation=0.5)
    assert out[10] == 300.0 and np.isnan(out[20])
    np.testing.assert_allclose(np.delete(out, [10, 20]), np.delete(onset, [10, 20]), atol=1.0)
