"""Velocity fields: exact at picked CDPs, linear between, Dix interval velocities and warnings."""

import numpy as np
import pytest

from geodesk.core.processing.velfield import (
    check_functions,
    dix_interval,
    interval_section,
    linear_weights,
    vrms_section,
    vrms_volume,
)

TIMES = 4.0 * np.arange(300)
FUNCTIONS = {
    100: (np.array([0.0, 500.0, 1000.0]), np.array([1500.0, 1900.0, 2400.0])),
    120: (np.array([200.0, 800.0]), np.array([1700.0, 2600.0])),
    160: (np.array([0.0, 1100.0]), np.array([1600.0, 3000.0])),
}


def own(cdp):
    t, v = FUNCTIONS[cdp]
    return np.interp(TIMES, t, v)


def test_section_is_exact_at_picked_cdps_and_linear_between():
    cdps = np.arange(90, 171)
    field, notes = vrms_section(FUNCTIONS, cdps, TIMES)
    assert field.shape == (cdps.size, TIMES.size) and field.dtype == np.float32
    assert notes == []
    for cdp in FUNCTIONS:
        np.testing.assert_allclose(field[cdp - 90], own(cdp), rtol=1e-6)
    np.testing.assert_allclose(field[110 - 90], 0.5 * (own(100) + own(120)), rtol=1e-6)
    np.testing.assert_allclose(field[130 - 90], 0.75 * own(120) + 0.25 * own(160), rtol=1e-6)
    np.testing.assert_allclose(field[0], own(100), rtol=1e-6)  # constant before the first
    np.testing.assert_allclose(field[-1], own(160), rtol=1e-6)  # and after the last


def test_volume_on_a_lattice_is_bilinear_and_exact_at_nodes():
    locs = {100: (10, 20), 120: (10, 40), 160: (30, 20), 200: (30, 40)}
    fns = dict(FUNCTIONS)
    fns[200] = (np.array([0.0]), np.array([2000.0]))
    il, xl = np.arange(10, 31, 5), np.arange(20, 41, 10)
    vol, notes = vrms_volume(fns, locs, il, xl, TIMES)
    assert vol.shape == (il.size, xl.size, TIMES.size)
    assert not any("inverse-distance" in n for n in notes)
    np.testing.assert_allclose(vol[0, 0], own(100), rtol=1e-6)
    np.testing.assert_allclose(vol[-1, -1], 2000.0, rtol=1e-6)
    centre = 0.25 * (own(100) + own(120) + own(160) + 2000.0)
    np.testing.assert_allclose(vol[2, 1], centre, rtol=1e-6)


def test_scattered_volume_honours_picks_and_says_how_it_interpolated():
    locs = {100: (10, 20), 120: (14, 33), 160: (30, 25)}
    il, xl = np.arange(10, 31), np.arange(20, 41)
    vol, notes = vrms_volume(FUNCTIONS, locs, il, xl, TIMES)
    np.testing.assert_allclose(vol[14 - 10, 33 - 20], own(120), rtol=1e-6)
    assert any("inverse-distance" in n for n in notes)
    lo = np.minimum(np.minimum(own(100), own(120)), own(160))
    hi = np.maximum(np.maximum(own(100), own(120)), own(160))
    assert np.all(vol >= lo - 1e-3) and np.all(vol <= hi + 1e-3)


def test_linear_weights_reproduce_numpy_interp():
    knots = np.array([0.0, 2.0, 5.0])
    q = np.linspace(-1, 6, 15)
    values = np.array([3.0, -1.0, 4.0])
    np.testing.assert_allclose(linear_weights(q, knots) @ values, np.interp(q, knots, values))


def test_dix_recovers_layer_velocities():
    # two layers: 2000 m/s for 1 s, then 3000 m/s for 1 s
    vrms2 = np.sqrt((2000.0**2 + 3000.0**2) / 2.0)
    vint, notes = dix_interval([1000.0, 2000.0], [2000.0, vrms2])
    np.testing.assert_allclose(vint, [2000.0, 3000.0])
    assert notes == []


def test_dix_warns_about_imaginary_too_fast_and_out_of_order_picks():
    vint, notes = dix_interval([500.0, 1000.0, 1100.0, 1050.0], [2000.0, 2500.0, 1800.0, 1900.0],
                               label="CDP 7")
    assert np.isnan(vint[2]) and np.isnan(vint[3])
    text = " | ".join(notes)
    assert "imaginary" in text and "out of time order" in text and "CDP 7" in text
    _, fast = dix_interval([1000.0, 1010.0], [2000.0, 2600.0])
    assert any("exceeds 8000" in n for n in fast)


def test_bad_functions_give_warnings_not_exceptions():
    notes = check_functions({1: (np.array([0.0, 100.0]), np.array([1500.0])),
                             2: (np.array([500.0, 1000.0]), np.array([2000.0, 1000.0]))})
    assert len(notes) == 2
    _, section_notes = vrms_section({5: (np.array([500.0, 400.0]), np.array([2000.0, 2100.0]))},
                                    [5], TIMES)
    assert any("out of time order" in n for n in section_notes)


def test_interval_section_of_a_two_layer_field():
    t = np.array([0.0, 1000.0, 2000.0, 3000.0])
    vint_true = np.array([2000.0, 2000.0, 3000.0, 3000.0])
    e = np.cumsum(np.r_[0.0, (vint_true[1:] ** 2) * np.diff(t / 1000.0)])
    vrms = np.r_[2000.0, np.sqrt(e[1:] / (t[1:] / 1000.0))]
    out = interval_section(vrms[None, :], t)
    np.testing.assert_allclose(out[0], vint_true, rtol=1e-5)


def test_empty_function_set_is_a_value_error():
    with pytest.raises(ValueError):
        vrms_section({}, [1, 2], TIMES)
