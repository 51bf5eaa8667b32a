"""The fault bench's scoring: pooled F1 where false alarms on fault-free sections count."""

import numpy as np
from bench_fault_quality import best_threshold, incoherence, pooled_f1


def _line(shape=(40, 60)) -> np.ndarray:
    lab = np.zeros(shape, np.uint8)
    lab[np.arange(40), 10 + np.arange(40)] = 1
    return lab


def test_a_perfect_map_scores_one_and_false_alarms_on_fault_free_sections_lower_it():
    lab = _line()
    empty = np.zeros_like(lab)
    assert pooled_f1([lab.astype(float)], [lab], 0.5) == 1.0
    noisy = np.zeros(lab.shape)
    noisy[5:15, 40:50] = 1.0  # 100 false samples on a section without faults
    f1 = pooled_f1([lab.astype(float), noisy], [lab, empty], 0.5)
    assert 0.4 < f1 < 0.6
    assert pooled_f1([empty.astype(float)], [empty], 0.5) == 1.0


def test_the_best_threshold_is_one_of_the_grid_and_separates_scores():
    lab = _line()
    score = 0.3 + 0.5 * lab + 0.01 * np.random.default_rng(0).random(lab.shape)
    f1, t = best_threshold([score], [lab])
    assert f1 == 1.0 and 0.3 < t <= 0.8


def test_coherence_attribute_is_high_at_a_cut_and_zero_in_zero_filled_data():
    t = np.arange(100)
    sec = np.tile(np.sin(2 * np.pi * t / 10.0), (30, 1))
    sec[15:] = np.roll(sec[15:], 5, axis=1)  # a half-period offset between traces 14 and 15
    sec[:, :20] = 0.0
    c = incoherence(sec)
    assert c[14, 40:90].mean() > 5 * c[5, 40:90].mean()
    assert (c[:, :15] == 0).all()
