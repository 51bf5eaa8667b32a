"""DDTF: the learned frame stays tight, denoising beats the input, POCS fills removed traces,
blocks with a halo give the whole-volume answer, and bad input is refused."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from geodesk.core.processing.ddtf.apply import DDTFSettings, denoise_array, interpolate_array
from geodesk.core.processing.ddtf.frame import learn_frame
from geodesk.core.processing.ddtf.patches import map_patches, random_patches


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1):  # two shared cores: oversubscribed BLAS is 50x slower
        yield


def _events(shape, seed=0):
    """Dipping band-limited events (no geodesk generator needed): a few plane waves."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*[np.arange(n, dtype=float) for n in shape], indexing="ij")
    out = np.zeros(shape)
    for _ in range(4):
        dips = rng.uniform(-0.6, 0.6, len(shape) - 1)
        t0 = rng.uniform(0, shape[-1])
        tau = grids[-1] - t0 - sum(d * g for d, g in zip(dips, grids[:-1]))
        out += np.cos(2 * np.pi * tau / rng.uniform(8, 14)) * np.exp(-(tau / 10.0) ** 2)
    return out.astype(np.float32)


def _snr(clean, est):
    return 10 * np.log10(np.mean(clean ** 2) / np.mean((est - clean) ** 2))


@settings(max_examples=12, deadline=None)
@given(patch=st.lists(st.integers(1, 6), min_size=2, max_size=3).filter(
    lambda p: int(np.prod(p)) >= 2), seed=st.integers(0, 2**16))
def test_the_learned_frame_is_tight_for_any_patch_size(patch, seed):
    rng = np.random.default_rng(seed)
    shape = tuple(2 * p + 3 for p in patch)
    x = _events(shape, seed) + 0.3 * rng.standard_normal(shape).astype(np.float32)
    rows = random_patches(x, patch, 2000, rng)
    w, rep = learn_frame(rows, patch, lam=0.5, iterations=5)
    assert np.abs(w.T @ w - np.eye(w.shape[0])).max() < 1e-5
    assert rep.orthogonality_error < 1e-5
    np.testing.assert_allclose(w[:, 0], 1 / np.sqrt(w.shape[0]))  # the DC atom is kept


def test_patches_averaged_back_without_thresholding_give_the_input():
    x = np.random.default_rng(1).standard_normal((11, 13, 17)).astype(np.float32)
    np.testing.assert_allclose(map_patches(x, (4, 4, 4), (2, 2, 2), lambda r: r), x,
                               atol=1e-6)


def test_ddtf_denoising_beats_the_noisy_input_2d_and_3d():
    rng = np.random.default_rng(2)
    for shape, patch in (((48, 96), (8, 8)), ((16, 32, 64), (4, 4, 6))):
        clean = _events(shape, 3)
        noisy = clean + clean.std() * rng.standard_normal(shape).astype(np.float32)
        out, fit = denoise_array(noisy, DDTFSettings(patch=patch, n_patches=4000,
                                                     iterations=8))
        assert _snr(clean, out) > _snr(clean, noisy) + 5.0
        assert fit.sigma == pytest.approx(clean.std(), rel=0.25)  # MAD of the finest atoms


def test_interpolation_fills_a_removed_trace():
    clean = _events((40, 96), 4)
    mask = np.ones(40, dtype=bool)
    mask[[7, 19, 20, 31]] = False
    out, info = interpolate_array(clean * mask[:, None], mask,
                                  DDTFSettings(patch=(8, 8), n_patches=3000, iterations=5,
                                               pocs_iterations=15))
    np.testing.assert_array_equal(out[mask], clean[mask])  # observed traces untouched
    assert _snr(clean[~mask], out[~mask]) > 8.0
    assert info["missing_traces"] == 4


def test_a_block_with_a_halo_gives_the_whole_volume_answer():
    from geodesk.core.processing.ddtf.apply import FrameFit
    from geodesk.core.processing.ddtf.frame import dct_frame

    x = np.random.default_rng(5).standard_normal((24, 10, 20)).astype(np.float32)
    s = DDTFSettings(patch=(4, 4, 4), step=(2, 2, 2), adaptive=False)  # the patch grid alone
    fit = FrameFit(dct_frame((4, 4, 4)), 1.0, 0.3)
    whole, _ = denoise_array(x, s, fit=fit)
    halo = 4  # whole steps covering the patch; the block starts at a multiple of the step
    part, _ = denoise_array(x[8 - halo:16 + halo], s, fit=fit,
                            edges=[(False, False), (True, True), (True, True)],
                            starts=[(halo - 4) % 2, 0, 0])
    np.testing.assert_allclose(part[halo:halo + 8], whole[8:16], atol=1e-5)


def test_adaptive_denoising_follows_coloured_and_bursty_noise():
    from scipy import signal

    rng = np.random.default_rng(6)
    clean = _events((16, 32, 96), 7)
    sos = signal.butter(3, [0.05, 0.3], btype="band", output="sos")
    noise = signal.sosfiltfilt(sos, rng.standard_normal(clean.shape), axis=-1)
    noise[4:9, 10:20, 30:60] *= 4.0  # a burst
    noise *= clean.std() / noise.std()
    noisy = (clean + noise).astype(np.float32)
    gains = {}
    for adaptive in (False, True):
        out, _ = denoise_array(noisy, DDTFSettings(patch=(4, 4, 8), n_patches=4000,
                                                   iterations=6, factor=3.0,
                                                   adaptive=adaptive))
        gains[adaptive] = _snr(clean, out) - _snr(clean, noisy)
    assert gains[True] > gains[False] + 1.0


def test_bad_input_is_refused_with_one_line():
    x = _events((20, 30))
    with pytest.raises(ValueError, match="larger than the data"):
        denoise_array(x, DDTFSettings(patch=(32, 8)))
    y = x.copy()
    y[3, 4] = np.nan
    with pytest.raises(ValueError, match="NaN/Inf"):
        denoise_array(y, DDTFSettings(patch=(8, 8)))
    with pytest.raises(ValueError, match="removes every trace"):
        interpolate_array(x, np.zeros(20, dtype=bool), DDTFSettings(patch=(8, 8)))


def test_isolated_spikes_are_removed_before_thresholding_and_signal_is_not():
    from geodesk.core.processing.ddtf.noise import despike

    clean = _events((6, 20, 80), 8)
    noisy = clean + 0.05 * np.random.default_rng(9).standard_normal(clean.shape)
    spiky = noisy.copy()
    spiky[2, 5, 40] += 30.0
    spiky[4, 11, 17] -= 25.0
    out = despike(spiky)
    assert abs(out[2, 5, 40] - clean[2, 5, 40]) < 0.5 and abs(out[4, 11, 17]) < 2.0
    assert np.mean(np.abs(despike(noisy) - noisy)) < 1e-3  # events are not spikes


def test_on_clean_steep_events_little_is_removed_and_what_is_removed_is_incoherent():
    from geodesk.core.processing.denoise_checks import removed_report

    rng = np.random.default_rng(11)
    t = np.arange(160)[None, :] - 3.0 * np.arange(64)[:, None]  # 3 samples per trace
    clean = sum(a * np.cos(2 * np.pi * (t - t0) / 7) * np.exp(-((t - t0) / 4.0) ** 2)
                for t0, a in zip(rng.uniform(-150, 160, 14), rng.normal(0, 1, 14)))
    x = (clean + 0.01 * rng.standard_normal(clean.shape)).astype(np.float32)
    s = DDTFSettings(patch=(8, 8), n_patches=4000, iterations=8, factor=6.0)
    raw = removed_report(x, denoise_array(x, replace(s, leakage=False))[0])
    kept = removed_report(x, denoise_array(x, s)[0])
    assert raw["coherence"] > 0.3  # the frame alone takes some of the steep events
    assert kept["coherence"] < 0.2
    assert kept["removed_rms_share"] < raw["removed_rms_share"]
