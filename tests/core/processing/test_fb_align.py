"""First breaks re-placed by cross-correlation with the neighbours' onset waveform (fb_align)."""

import numpy as np

from geodesk.core.processing.fb_align import align_to_neighbours

N_TR, NS, DT, PERIOD = 30, 400, 1.0, 20.0


def _gather(onset: np.ndarray, noise: float, seed: int = 0) -> np.ndarray:
    """A causal two-period 50 Hz arrival per trace at ``onset`` (ms) in white noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(NS) * DT
    x = noise * rng.standard_normal((N_TR, NS))
    for i, t0 in enumerate(onset):
        s = t - t0
        x[i] += np.where((s >= 0) & (s < 2 * PERIOD), np.sin(2 * np.pi * s / PERIOD), 0.0)
    return x


def test_picks_knocked_off_the_onset_come_back_and_the_rest_stay():
    onset = 100.0 + 2.5 * np.arange(N_TR)
    rng = np.random.default_rng(1)
    off = rng.random(N_TR) < 0.3  # a third of the picks a third of a period off, either way
    picks = onset + np.where(off, rng.choice([-6.0, 6.0], N_TR), 0.0)
    out = align_to_neighbours(_gather(onset, 0.2), picks, DT, PERIOD)
    assert np.all(np.abs(out - onset) <= 2.0)


def test_the_common_time_of_the_picks_is_kept():
    onset = 100.0 + 2.5 * np.arange(N_TR)
    late = onset + 3.0  # all picks equally late: nothing in the neighbours says otherwise
    out = align_to_neighbours(_gather(onset, 0.2), late, DT, PERIOD)
    np.testing.assert_allclose(out, late, atol=1.0)


def test_a_trace_of_noise_keeps_its_pick_and_unpicked_traces_stay_unpicked():
    onset = 100.0 + 2.5 * np.arange(N_TR)
    x = _gather(onset, 0.05)
    x[10] = 0.05 * np.random.default_rng(2).standard_normal(NS)  # no arrival on trace 10
    picks = onset.copy()
    picks[10] = 300.0  # deep in its noise: nothing there looks like the neighbours' arrival
    picks[20] = np.nan
    out = align_to_neighbours(x, picks, DT, PERIOD, min_correlation=0.5)
    assert out[10] == 300.0 and np.isnan(out[20])
    np.testing.assert_allclose(np.delete(out, [10, 20]), np.delete(onset, [10, 20]), atol=1.0)
