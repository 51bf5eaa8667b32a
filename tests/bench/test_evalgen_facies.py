"""The evaluation facies volumes: every kind present, neighbouring units differ, seeded."""

import numpy as np
from evalgen.facies import KINDS, make_facies_volume, ormsby


def test_every_facies_kind_is_present_and_the_volume_is_seeded():
    a = make_facies_volume((6, 10, 200), seed=2)
    b = make_facies_volume((6, 10, 200), seed=2)
    np.testing.assert_array_equal(a.data, b.data)
    assert set(np.unique(a.facies).tolist()) == set(range(len(KINDS)))
    assert not np.allclose(a.data, make_facies_volume((6, 10, 200), seed=3).data)
    assert np.isfinite(a.data).all()


def test_the_quiet_facies_is_the_weakest_and_units_change_down_each_trace():
    from scipy import ndimage

    v = make_facies_volume((6, 10, 300), seed=5, snr_db=None)
    inside = [ndimage.distance_transform_edt(v.facies == k, sampling=(1e6, 1e6, 1)) > 30
              for k in range(len(KINDS))]  # away from the wavelet tails of the neighbours
    rms = [np.sqrt(np.mean(v.data[m] ** 2)) if m.any() else np.inf for m in inside]
    assert int(np.argmin(rms)) == 3
    changes = np.diff(v.facies, axis=2) != 0
    assert changes.sum(axis=2).min() >= 3  # at least four units on every trace


def test_the_ormsby_wavelet_is_zero_phase_with_its_peak_at_the_centre():
    w = ormsby((5, 10, 40, 50), 0.004)
    assert int(np.argmax(w)) == len(w) // 2 and np.allclose(w, w[::-1])
