"""The Vrms field goes out as SEG-Y with the CMPs' geometry and comes back identical."""

import numpy as np
import pytest

import geodesk
from geodesk.cli import main
from geodesk.core.exchange.csv_io import write_velocity_csv
from geodesk.core.exchange.velocity_io import (
    cmp_positions,
    read_vrms_section,
    vrms_field,
    write_vrms_section,
)
from geodesk.core.processing.nmo import cmp_view
from geodesk.synth.cmps import generate_cmps


@pytest.fixture(scope="module")
def cmps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmps")
    result = generate_cmps((5, 16, 200), seed=3)
    return result, result.write(folder / "c.sgy")


def _picks(result, every=2):
    t = result.dt_ms * np.arange(result.data.shape[2])
    return {int(c): (t[::40], result.truth["vrms"][k][::40])
            for k, c in enumerate(result.cdp) if k % every == 0}


def test_field_written_as_segy_reads_back_identical_with_cdp_geometry(cmps, tmp_path):
    result, path = cmps
    with geodesk.open(path) as s, cmp_view(s) as c:
        cdps, x, y = cmp_positions(c)
        field, warnings = vrms_field(_picks(result), cdps, c.times_ms)
        out = write_vrms_section(tmp_path / "v.sgy", field, cdps, x, y, dt_ms=c.dt_ms)
        times = c.times_ms
    back, back_cdps, back_times = read_vrms_section(out)
    np.testing.assert_array_equal(back, field)
    np.testing.assert_array_equal(back_cdps, cdps)
    np.testing.assert_allclose(back_times, times)
    with geodesk.open(out, kind="post2d") as v:
        bx, by = v.line_xy()
    np.testing.assert_allclose(bx, x, atol=0.01)
    np.testing.assert_allclose(by, y, atol=0.01)
    assert warnings == []


def test_field_is_exact_at_picked_cdps_and_linear_between(cmps):
    result, path = cmps
    picks = _picks(result)
    with geodesk.open(path) as s, cmp_view(s) as c:
        cdps, _x, _y = cmp_positions(c)
        field, _ = vrms_field(picks, cdps, c.times_ms)
    t_knots = picks[int(cdps[0])][0]
    k = np.round(t_knots / result.dt_ms).astype(int)
    np.testing.assert_allclose(field[0, k], picks[int(cdps[0])][1], rtol=1e-6)
    np.testing.assert_allclose(field[1], 0.5 * (field[0] + field[2]), rtol=1e-5)


def test_velfield_command_writes_the_field(cmps, tmp_path, capsys):
    result, path = cmps
    csv = tmp_path / "p.csv"
    write_velocity_csv(csv, _picks(result))
    assert main(["velfield", str(path), str(csv), str(tmp_path / "f.sgy")]) == 0
    field, cdps, _ = read_vrms_section(tmp_path / "f.sgy")
    assert field.shape == (5, 200) and list(cdps) == list(result.cdp)
    assert main(["velfield", str(path), str(tmp_path / "missing.csv"),
                 str(tmp_path / "g.sgy")]) == 2
    assert "missing.csv" in capsys.readouterr().err
