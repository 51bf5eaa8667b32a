"""Signal leakage retrieval puts back what a denoiser removed coherently and keeps noise removed."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.processing.denoise_checks import removed_report
from geodesk.core.processing.leakage import local_coherence, retrieve_leakage


def layered(n_tr=80, n_s=240, dip=1.5, seed=0):
    """A section of dipping reflections (continuous from trace to trace)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_s)[None, :] - dip * np.arange(n_tr)[:, None]
    out = np.zeros((n_tr, n_s))
    for t0, a in zip(rng.uniform(-100, n_s, 16), rng.normal(0, 1, 16)):
        out += a * np.exp(-((t - t0) / 2.5) ** 2) * np.cos(2 * np.pi * (t - t0) / 10)
    return out.astype(np.float32)


def test_removed_random_noise_stays_removed():
    rng = np.random.default_rng(1)
    signal = layered()
    noise = rng.standard_normal(signal.shape).astype(np.float32)
    back = retrieve_leakage(signal + noise, signal)  # a perfect denoiser
    rep = removed_report(signal + noise, back)
    assert rep["removed_rms_share"] > 0.9 * removed_report(signal + noise, signal)[
        "removed_rms_share"]
    assert np.sqrt(np.mean((back - signal) ** 2)) < 0.3  # at most a little noise came back


def test_removed_dipping_reflections_go_back():
    rng = np.random.default_rng(2)
    signal = layered(dip=3.0)
    noisy = signal + 0.05 * rng.standard_normal(signal.shape).astype(np.float32)
    greedy = 0.3 * signal  # a denoiser that took 70 % of the reflections
    before = removed_report(noisy, greedy)
    after = removed_report(noisy, retrieve_leakage(noisy, greedy))
    assert before["coherence"] > 0.5
    assert after["coherence"] < 0.2
    assert after["removed_rms_share"] < 0.5 * before["removed_rms_share"]


def test_local_coherence_is_low_for_noise_and_high_on_events():
    rng = np.random.default_rng(3)
    assert float(np.median(local_coherence(rng.standard_normal((60, 200))))) < 0.2
    assert float(np.median(local_coherence(layered(dip=-2.0)))) > 0.8


def test_volumes_are_treated_section_by_section():
    rng = np.random.default_rng(4)
    vol = np.stack([layered(40, 120, dip=d, seed=k) for k, d in enumerate((0.5, -1.0, 2.0))])
    out = 0.5 * vol + 0.2 * rng.standard_normal(vol.shape).astype(np.float32)
    both = retrieve_leakage(vol, out)
    for k in range(3):
        np.testing.assert_array_equal(both[k], retrieve_leakage(vol[k], out[k]))


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="differ"):
        retrieve_leakage(np.zeros((4, 10)), np.zeros((4, 11)))
    with pytest.raises(ValueError, match="traces, samples"):
        retrieve_leakage(np.zeros(10), np.zeros(10))
