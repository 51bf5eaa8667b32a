"""The independent faulted-section family used to evaluate fault detection."""

import numpy as np
from evalgen.faults import fault_section, fault_suite, ormsby


def test_the_same_seed_gives_the_same_section_and_the_snr_changes_only_the_noise():
    a, b = fault_section(11, 10.0), fault_section(11, 10.0)
    assert np.array_equal(a.data, b.data) and np.array_equal(a.labels, b.labels)
    clean = fault_section(11, None)
    assert np.array_equal(clean.labels, a.labels)
    noise = a.data.astype(np.float64) - clean.data
    measured = 10 * np.log10(np.mean(clean.data.astype(np.float64) ** 2) / np.mean(noise**2))
    assert abs(measured - 10.0) < 0.1


def test_sections_without_faults_have_empty_masks_and_count_in_a_suite():
    assert not fault_section(5, 10.0, n_faults=0).labels.any()
    suite = fault_suite(100, 30, 10.0)
    free = sum(not s.labels.any() for s in suite)
    assert 1 <= free <= 15
    assert all(s.data.shape == (200, 256) and s.labels.shape == (200, 256) for s in suite)


def test_faults_dip_both_ways_with_the_asked_apparent_slopes_and_throws():
    faults = [f for s in fault_suite(0, 40, None) for f in s.faults]
    slopes = np.array([f["slope"] for f in faults])
    throws = np.abs([f["throw"] for f in faults])
    assert (slopes > 0).mean() > 0.25 and (slopes < 0).mean() > 0.25
    assert np.abs(slopes).min() >= 0.5 and np.abs(slopes).max() <= 6.0
    assert throws.min() >= 1.0 and throws.max() <= 15.0
    assert any(f["listric"] for f in faults) and any(f["tips"] for f in faults)


def test_the_mask_lies_where_reflections_are_cut():
    ratios = []
    for seed in range(30):
        s = fault_section(seed, None, n_faults=1)
        f = s.faults[0]
        if abs(f["throw"]) < 3 or abs(f["slope"]) < 1.5:
            continue  # small or gentle: not a clear trace-to-trace jump
        lab = s.labels > 0
        near = lab.copy()
        for shift in range(-6, 7):
            near |= np.roll(lab, shift, axis=0)
        jump = np.abs(np.diff(s.data.astype(np.float64), axis=0))
        ratios.append(jump[lab[1:]].mean() / jump[~near[1:]].mean())
    assert len(ratios) >= 5 and np.median(ratios) > 1.3  # faults cut the reflections


def test_ormsby_wavelet_peaks_at_time_zero_and_centres_on_the_period():
    w = ormsby(10.0)
    assert np.argmax(np.abs(w)) == len(w) // 2
    spec = np.abs(np.fft.rfft(w, 1024))
    f_peak = np.argmax(spec) / 1024
    assert 0.06 < f_peak < 0.15
