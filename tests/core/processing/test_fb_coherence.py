"""The coherence of a candidate first break with its neighbours' waveforms (fb_coherence)."""

import numpy as np

from geodesk.core.processing.fb_coherence import neighbour_coherence

N_TR, NS, DT, PERIOD = 12, 300, 1.0, 20.0


def _arrival(t0_ms: np.ndarray, seed: int = 0, noise: float = 0.05) -> np.ndarray:
    """One causal 50 Hz arrival of two periods per trace at ``t0_ms``, in weak noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(NS) * DT
    x = noise * rng.standard_normal((N_TR, NS))
    for i, t0 in enumerate(t0_ms):
        s = t - t0
        x[i] += np.where((s >= 0) & (s < 2 * PERIOD), np.sin(2 * np.pi * s / PERIOD), 0.0)
    return x


def test_an_arrival_along_the_guide_s_moveout_is_coherent_and_the_noise_ahead_is_not():
    onset = 100.0 + 3.0 * np.arange(N_TR)
    x = _arrival(onset)
    on = neighbour_coherence(x, onset, onset, DT, 0.0, PERIOD)
    ahead = neighbour_coherence(x, onset - 60.0, onset, DT, 0.0, PERIOD)
    assert np.all(on > 0.9)
    assert np.all(np.abs(ahead) < 0.6) and ahead.mean() < 0.3


def test_a_jittered_onset_is_matched_within_a_quarter_period():
    onset = 100.0 + 3.0 * np.arange(N_TR)
    x = _arrival(onset + np.where(np.arange(N_TR) % 2, 2.0, -2.0))  # +-2 ms static jitter
    assert np.all(neighbour_coherence(x, onset, onset, DT, 0.0, PERIOD) > 0.7)


def test_no_candidate_or_a_window_past_the_record_gives_nan():
    onset = 100.0 + 3.0 * np.arange(N_TR)
    x = _arrival(onset)
    at = onset.copy()
    at[3] = np.nan
    at[5] = NS * DT - 5.0  # its window would run past the end
    coh = neighbour_coherence(x, at, onset, DT, 0.0, PERIOD)
    assert np.isnan(coh[3]) and np.isnan(coh[5]) and np.isfinite(np.delete(coh, [3, 5])).all()
