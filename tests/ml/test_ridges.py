"""Fault probability bands are thinned to ridges one sample wide."""

import numpy as np
import pytest

from geodesk.ml.ridges import thin_ridges


@pytest.mark.parametrize("slope", [-4.0, -1.0, -0.5, 0.5, 1.0, 4.0])
def test_a_band_becomes_a_continuous_line_along_its_crest(slope):
    i, j = np.mgrid[0:80, 0:120]
    dist = (j - 60 - slope * (i - 40)) / np.hypot(1.0, slope)
    prob = np.exp(-0.5 * (dist / 2.5) ** 2)
    thin = thin_ridges(prob)
    on = thin >= 0.5
    assert on.sum() < 0.45 * (prob >= 0.5).sum()
    inner = (np.abs(i - 40) < 30) & (np.abs(j - 60) < 50)  # away from the edges
    assert np.abs(dist[on & inner]).max() <= 1.0  # on the crest
    rows = on.any(axis=1) if abs(slope) >= 1 else on.any(axis=0)
    covered = (np.abs(dist) < 0.5) & inner
    assert rows[np.nonzero(covered)[0 if abs(slope) >= 1 else 1]].all()


def test_a_flat_map_has_no_ridges_and_values_are_kept_where_thinned():
    assert not thin_ridges(np.zeros((20, 30))).any()
    p = np.zeros((20, 30))
    p[:, 15] = 0.8
    t = thin_ridges(p)
    assert np.allclose(t[2:-2, 15], 0.8) and np.count_nonzero(t[:, :14]) == 0


def test_fault_lines_drop_short_fragments_and_keep_long_lines():
    from geodesk.ml.ridges import fault_lines

    p = np.zeros((60, 80))
    p[5:55, 40] = 0.9  # a 50-sample line
    p[10:15, 10] = 0.9  # a 5-sample fragment
    p[30, 60:64] = 0.3  # below the threshold
    lines = fault_lines(p, 0.5, min_samples=20)
    assert np.count_nonzero(lines[:, 40]) >= 40
    assert not lines[:, :30].any() and not lines[:, 55:].any()
    assert not fault_lines(np.zeros((10, 10)), 0.5).any()
