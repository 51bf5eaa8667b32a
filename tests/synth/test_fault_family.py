"""The widened fault family of generate_post3d and the fault-training sections made from it."""

import numpy as np

from geodesk.ml.data.datasets import examples
from geodesk.synth import generate_post3d
from geodesk.synth.fault_sections import TRAINING_FAULTS
from geodesk.synth.post3d import FaultFamily


def _inline_slopes(family: FaultFamily, seeds) -> np.ndarray:
    """Apparent slope (samples per trace) of every fault on the inlines."""
    out = []
    for s in seeds:
        r = generate_post3d((2, 32, 48), seed=s, n_faults=3, n_horizons=0, snr_db=None,
                            faults=family)
        strike = np.radians(r.truth["fault_strike_deg"])
        out += list(np.tan(np.radians(r.truth["fault_dip_deg"])) * np.sin(strike))
    return np.array(out)


def test_the_default_family_is_the_original_one():
    a = generate_post3d((3, 24, 40), seed=5, n_horizons=2)
    b = generate_post3d((3, 24, 40), seed=5, n_horizons=2, faults=FaultFamily())
    assert np.array_equal(a.data, b.data)
    assert np.array_equal(a.truth["fault_labels"], b.truth["fault_labels"])
    assert (_inline_slopes(FaultFamily(), range(6)) >= 0).all()  # one dip direction only


def test_the_training_family_dips_both_ways_at_least_at_the_minimum_slope():
    slopes = _inline_slopes(TRAINING_FAULTS, range(12))
    assert (slopes > 0).mean() > 0.25 and (slopes < 0).mean() > 0.25
    assert np.abs(slopes).min() >= TRAINING_FAULTS.min_inline_slope - 1e-9


def test_section_labels_are_thin_on_the_section_for_oblique_faults():
    kw = dict(seed=8, n_faults=2, n_horizons=0, snr_db=None)
    wide = generate_post3d((4, 64, 64), **kw, faults=FaultFamily(slope_range=(4, 5)))
    thin = generate_post3d((4, 64, 64), **kw, faults=FaultFamily(slope_range=(4, 5),
                                                                 section_labels=True))
    assert 0 < thin.truth["fault_labels"].sum() < wide.truth["fault_labels"].sum()


def test_training_draws_include_fault_free_sections_and_match_their_labels():
    free = 0
    for seed in range(40):
        X, y = examples("faults", seed, size=32)
        assert all(x.shape == lab.shape for x, lab in zip(X, y))
        free += sum(not lab.any() for lab in y)
    assert free >= 4


def test_causal_training_wavelets_start_at_their_onset_and_trail_the_reflector():
    from geodesk.synth.fault_sections import causal_wavelet

    rng = np.random.default_rng(3)
    for _ in range(6):
        spectrum = causal_wavelet(rng)
        w = np.fft.irfft(spectrum(256, 0.002, 40.0), 256)
        assert np.abs(w[128:]).max() < 1e-6  # nothing before the onset (negative lags)
        assert 0 < np.argmax(np.abs(w)) < 15  # the peak within about a period after it
    kw = dict(seed=4, n_faults=0, n_horizons=0, snr_db=None, dt_ms=2.0, f_peak_range=(40, 40))
    zero = generate_post3d((2, 16, 96), **kw).data[0]
    causal = generate_post3d((2, 16, 96), **kw, wavelet=causal_wavelet(rng)).data[0]
    lags = np.arange(-12, 13)
    xc = [np.sum(zero[:, 20:76] * causal[:, 20 + k:76 + k]) for k in lags]
    assert lags[int(np.argmax(np.abs(xc)))] > 0  # the same reflections, later
