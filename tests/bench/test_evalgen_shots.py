"""The evaluation shot generator: truth at the onset, seeds reproduce, unknown offsets are zero."""

import numpy as np
import pytest
from evalgen.shots import make_shot


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8, 11])
def test_truth_is_where_the_energy_starts_on_a_noise_free_gather(seed):
    shot = make_shot(seed, noise=False)
    n_per = max(int(round(shot.period_ms / shot.dt_ms)), 2)
    for i in np.flatnonzero(np.isfinite(shot.onset_ms)):
        k = int(np.floor(shot.onset_ms[i] / shot.dt_ms))
        peak = np.abs(shot.clean[i, k:k + 2 * n_per]).max()
        assert peak > 0
        before = np.abs(shot.clean[i, :max(k - 1, 0)])
        assert before.size == 0 or before.max() < 0.08 * peak


def test_dead_traces_have_no_truth_and_no_signal():
    shots = [make_shot(s, noise=False) for s in range(20)]
    dead = [(sh, np.flatnonzero(np.isnan(sh.onset_ms))) for sh in shots]
    assert any(d.size for _, d in dead)
    for sh, d in dead:
        assert not np.any(sh.clean[d])


def test_the_same_seed_gives_the_same_shot_and_another_seed_another():
    a, b, c = make_shot(7, 6.0), make_shot(7, 6.0), make_shot(8, 6.0)
    assert np.array_equal(a.data, b.data) and np.array_equal(a.onset_ms, b.onset_ms, equal_nan=True)
    assert a.data.shape != c.data.shape or not np.array_equal(a.data, c.data)


def test_unknown_offsets_give_zero_headers_and_known_ones_follow_the_geometry():
    unknown = make_shot(3, header="unknown")
    assert np.all(unknown.offsets == 0)
    signed = make_shot(3, header="signed")
    assert np.allclose(signed.offsets, signed.true_offsets, atol=0.5)
    unsigned = make_shot(3, header="unsigned")
    assert np.all(unsigned.offsets >= 0)


def test_the_median_first_arrival_snr_is_the_requested_one():
    for snr in (-2.0, 10.0):
        shot = make_shot(4, snr)
        assert abs(np.nanmedian(shot.snr_db) - snr) < 0.01


@pytest.mark.parametrize("source", ["split", "end_on", "off_end"])
def test_source_positions_put_traces_on_the_expected_sides(source):
    shot = make_shot(12, source=source, header="signed")
    off = shot.true_offsets
    if source == "split":
        assert (off < 0).any() and (off > 0).any()
    else:
        assert (off < 0).all() or (off > 0).all()
    if source == "off_end":
        assert np.abs(off).min() > 2.5 * np.median(np.abs(np.diff(off)))


def test_a_weak_head_wave_arrives_ahead_of_the_strong_direct_wave_at_far_offsets():
    shot = make_shot(5, noise=False, source="end_on", dt_ms=2.0, record_ms=3000.0)
    far = np.argsort(np.abs(shot.true_offsets))[-5:]
    n_per = max(int(round(shot.period_ms / shot.dt_ms)), 2)
    for i in far:
        k = int(shot.onset_ms[i] / shot.dt_ms)
        first = np.abs(shot.clean[i, k:k + n_per]).max()
        assert first < 0.5 * np.abs(shot.clean[i]).max()
