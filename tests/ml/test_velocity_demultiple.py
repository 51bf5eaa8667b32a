"""Velocity U-Net picking with demultiple: the picks are those made on the demultipled gather,
from the window's function and from the command line alike."""

import csv

import numpy as np

from geodesk.synth import generate_cmps


def test_unet_demultiple_picks_are_those_of_the_demultipled_gather(main, tmp_path, tiny_model,
                                                                   tiny_examples):
    import geodesk
    from geodesk.ml.registry import load_model
    from geodesk.ml.run.results import demultipled, model_velocity_function

    c = generate_cmps((2, 24, 250), seed=6, dt_ms=4.0)
    src = c.write(tmp_path / "cmps.sgy")
    X, y = tiny_examples("velocities")
    model = tiny_model("velocity-unet").fit(X, y).save(tmp_path / "v.pt")
    out = tmp_path / "v.csv"
    assert main(["velocities", str(src), str(out), "--method", "unet", "--model", str(model),
                 "--demultiple", "--device", "cpu"]) == 0
    m = load_model(model)
    with geodesk.open(src) as s:
        g = s.gather(int(c.cdp[0]))
        clean = demultipled(g)
        expect = model_velocity_function(m, clean, max_gap_ms=100.0)
        assert model_velocity_function(m, g, demultiple=True, max_gap_ms=100.0)[0].tolist() \
            == expect[0].tolist()
    assert not np.array_equal(clean.data, g.data)
    with open(out, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["cdp"]) == int(c.cdp[0])]
    mine = [[float(r["time_ms"]), float(r["vrms_mps"])] for r in rows]
    np.testing.assert_allclose(np.array(mine).reshape(-1, 2), np.c_[expect[0], expect[1]],
                               rtol=1e-9)


def test_semblance_command_with_demultiple_stays_on_the_primaries(main, tmp_path):
    from geodesk.core.exchange.csv_io import read_velocity_csv

    c = generate_cmps((1, 32, 500), seed=4, snr_db=None)
    src = c.write(tmp_path / "cmps.sgy")
    out = tmp_path / "v.csv"
    assert main(["velocities", str(src), str(out), "--demultiple"]) == 0
    t, v = read_velocity_csv(out)[int(c.cdp[0])]
    truth = np.interp(t, c.truth["t0_ms"], c.truth["vrms"][0])
    assert len(t) >= 3 and np.median(np.abs(v - truth) / truth) < 0.03
