"""cmps generator: NMO with the true Vrms flattens primaries, multiples are slow, SEG-Y output."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.synth import generate_cmps, load_truth
from geodesk.synth.wavelets import snr_db


def _nmo(gather, offsets, vrms, dt_s):
    t = dt_s * np.arange(gather.shape[1])
    out = np.zeros_like(gather)
    stretch = np.zeros(gather.shape, dtype=bool)
    for j, x in enumerate(offsets):
        t_in = np.sqrt(t**2 + (x / vrms) ** 2)
        out[j] = np.interp(t_in, t, gather[j], right=0.0)
        stretch[j] = t_in > 1.25 * np.maximum(t, 1e-9)  # NMO stretch above 25 %: muted
    return out, stretch


@pytest.mark.parametrize("irregular", [False, True])
def test_nmo_with_the_true_vrms_flattens_every_primary(irregular):
    res = generate_cmps((3, 24, 600), seed=2, snr_db=None, multiples=False, irregular=irregular)
    t = res.truth
    dt = res.dt_ms / 1000
    checked = 0
    for c in range(3):
        nmo, muted = _nmo(res.data[c], res.offsets_m[c], t["vrms"][c], dt)
        for t0, amp in zip(t["primary_t0_ms"], t["primary_amp"]):
            i = round(t0 / res.dt_ms)
            for j in range(nmo.shape[0]):
                if muted[j, i] or i < 3 or i > nmo.shape[1] - 4:
                    continue
                k = i - 2 + int(np.argmax(nmo[j, i - 2 : i + 3] * np.sign(amp)))
                assert abs(k - t0 / res.dt_ms) <= 1.0, (c, t0, j)
                checked += 1
    assert checked > 100


def test_nmo_with_a_wrong_velocity_does_not_flatten():
    res = generate_cmps((1, 24, 600), seed=2, snr_db=None, multiples=False)
    t = res.truth
    nmo, muted = _nmo(res.data[0], res.offsets_m[0], 0.85 * t["vrms"][0], res.dt_ms / 1000)
    t0 = t["primary_t0_ms"][-1]
    i = round(t0 / res.dt_ms)
    far = np.nonzero(~muted[:, i])[0][-1]
    k = i - 2 + int(np.argmax(nmo[far, i - 2 : i + 3] * np.sign(t["primary_amp"][-1])))
    assert k in (i - 2, i + 2) or abs(nmo[far, i]) < 0.5 * abs(nmo[far]).max()


def test_vrms_increases_and_multiples_are_slower_than_the_primary_trend():
    res = generate_cmps((5, 12, 1000), seed=7, snr_db=None)
    t = res.truth
    assert np.all(np.diff(t["vrms"], axis=1) > 0)
    assert len(t["multiple_t0_ms"]) >= 2
    for c in range(5):
        trend = np.interp(t["multiple_t0_ms"], t["t0_ms"], t["vrms"][c])
        assert np.all(t["multiple_vrms"][c] < 0.97 * trend)
    np.testing.assert_allclose(
        t["primary_vrms"][2], np.interp(t["primary_t0_ms"], t["t0_ms"], t["vrms"][2])
    )


def test_vrms_varies_slowly_across_cdps():
    t = generate_cmps((30, 6, 300), seed=1, snr_db=None).truth
    step = np.abs(np.diff(t["vrms"], axis=0)) / t["vrms"][1:]
    assert 0 < step.max() < 0.01


def test_snr_and_determinism():
    clean = generate_cmps((3, 10, 300), seed=4, snr_db=None)
    noisy = generate_cmps((3, 10, 300), seed=4, snr_db=12.0)
    assert abs(snr_db(clean.data, noisy.data) - 12.0) < 0.5
    np.testing.assert_array_equal(noisy.data, generate_cmps((3, 10, 300), seed=4, snr_db=12.0).data)
    assert not np.array_equal(noisy.data, generate_cmps((3, 10, 300), seed=5, snr_db=12.0).data)


def test_written_cmps_are_read_as_cdp_gathers_with_their_truth(tmp_path):
    res = generate_cmps((4, 12, 250), seed=3, irregular=True)
    path = res.write(tmp_path / "c.sgy", endian="little")
    truth = load_truth(path)
    assert truth["kind"] == "cmps"
    np.testing.assert_array_equal(truth["vrms"], res.truth["vrms"])
    from geodesk.core.segy import reader as segy
    with segy.open_survey(path) as s:
        assert s.kind == "prestack" and s.gather_key == "cdp"
        np.testing.assert_array_equal(s.gather_keys, res.cdp)
        g = s.gather(int(res.cdp[2]))
        # raw byte 37: SEG-Y scales coordinates (byte 71), not offsets
        raw = s.header_values(37)[s.header_values(21) == res.cdp[2]]
        np.testing.assert_array_equal(np.sort(raw), np.rint(res.offsets_m[2]))
        np.testing.assert_allclose(g.data, res.data[2], rtol=1e-6)
