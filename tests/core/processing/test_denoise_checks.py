"""The "what was removed" checks tell random noise from signal, and find zero-filled regions."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.processing.denoise_checks import (
    constant_regions,
    dip_coherence,
    keep_constant_regions,
    lateral_coherence,
    removed_report,
)


def layered(n_tr=80, n_s=200, dip=0.5, seed=0):
    """A section of dipping reflections (continuous from trace to trace)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_s)[None, :] - dip * np.arange(n_tr)[:, None]
    out = np.zeros((n_tr, n_s))
    for t0, a in zip(rng.uniform(10, n_s - 10, 12), rng.normal(0, 1, 12)):
        out += a * np.exp(-((t - t0) / 2.5) ** 2) * np.cos(2 * np.pi * (t - t0) / 10)
    return out


def test_removing_white_noise_is_incoherent_and_uncorrelated_with_the_output():
    rng = np.random.default_rng(1)
    signal = layered()
    noise = 0.5 * rng.standard_normal(signal.shape)
    rep = removed_report(signal + noise, signal)  # a perfect denoiser
    assert abs(rep["coherence"]) < 0.05
    assert abs(rep["corr_with_output"]) < 0.05
    assert rep["corr_with_input"] > 0.3  # the noise is part of the input
    assert rep["input_coherence"] > 0.2  # the input holds the reflections
    assert rep["zero_region_energy"] == 0.0


def test_removing_a_reflection_is_coherent():
    rng = np.random.default_rng(2)
    signal = layered()
    noisy = signal + 0.3 * rng.standard_normal(signal.shape)
    rep = removed_report(noisy, noisy - 0.5 * signal)  # half the signal taken away
    assert rep["coherence"] > 0.6
    assert rep["corr_with_output"] > 0.5
    assert rep["removed_rms_share"] > 0.3


def test_lateral_coherence_of_pure_cases():
    rng = np.random.default_rng(3)
    assert abs(lateral_coherence(rng.standard_normal((100, 300)))) < 0.03
    flat = np.tile(np.sin(np.arange(300) / 3.0), (100, 1))
    assert lateral_coherence(flat) == pytest.approx(1.0)


def test_zero_filled_top_mute_and_dead_trace_are_found():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((30, 100))
    x[:, :20] = 0.0  # zero-padded top
    x[5] = 0.0  # dead trace
    for j in range(30):  # a muted wedge
        x[j, 20:20 + j] = 0.0
    x[10, 60:63] = 0.0  # three zeros in a live trace are data, not a fill
    m = constant_regions(x)
    assert m[:, :20].all() and m[5].all()
    assert m[29, 20:49].all() and not m[29, 49:].any()
    assert not m[10, 60:63].any()
    assert not m[~(x == 0)].any()


def test_output_keeps_the_zero_regions_zero_and_the_report_measures_leaks():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((30, 100))
    x[:, :25] = 0.0
    leaky = x * 0.9 + 0.1  # a "denoiser" that paints into the zero top
    assert removed_report(x, leaky)["zero_region_energy"] > 0.05
    kept = keep_constant_regions(x, leaky)
    assert np.all(kept[:, :25] == 0.0)
    np.testing.assert_allclose(kept[:, 25:], leaky[:, 25:], rtol=1e-6)
    assert removed_report(x, kept)["zero_region_energy"] == 0.0


def test_dip_coherence_sees_steep_events_that_zero_lag_misses():
    rng = np.random.default_rng(6)
    steep = layered(dip=3.0)  # 3 samples per trace: out of phase at zero lag
    assert lateral_coherence(steep) < 0.3
    assert dip_coherence(steep) > 0.8
    assert dip_coherence(rng.standard_normal((100, 300))) < 0.08
    rep = removed_report(steep + 0.05 * rng.standard_normal(steep.shape), 0.5 * steep)
    assert rep["coherence"] > 0.5 and rep["flat_coherence"] < rep["coherence"]
