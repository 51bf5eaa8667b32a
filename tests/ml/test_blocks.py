"""Block-wise survey runs: block plans with a halo, the on-disk trace store, and
``geodesk velocities --method unet`` (the velocity U-Net on every CMP)."""

import csv

import numpy as np
import pytest
import segyio

from geodesk.core.jobs import JobContext
from geodesk.ml.run.apply import TraceFile, map_blocks
from geodesk.ml.run.blocks import default_block_size, plan_blocks
from geodesk.synth import generate_cmps, generate_post3d


def test_blocks_cover_every_section_once_and_read_the_halo_around_them():
    blocks = plan_blocks(10, 4, halo=2)
    assert [(b.lo, b.hi) for b in blocks] == [(0, 4), (4, 8), (8, 10)]
    assert [(b.read_lo, b.read_hi) for b in blocks] == [(0, 6), (2, 10), (6, 10)]
    assert default_block_size(100, 100 * 500, 1000, budget=1500 * 1000) == 3
    assert default_block_size(4, 4 * 500, 1000, budget=10**9) == 4  # never more than all
    with pytest.raises(ValueError):
        plan_blocks(10, 0)


def neighbour_mean(model, sections, core, ctx):
    """Mean of each core inline with the inlines next to it: needs a halo of one section."""
    data = [s.data for s in sections]
    idx = range(len(data))[core]
    return [np.mean(data[max(i - 1, 0):i + 2], axis=0) for i in idx]


def test_a_halo_makes_block_results_equal_to_the_whole_volume_result(tmp_path):
    import geodesk

    r = generate_post3d((7, 12, 30), seed=2, n_horizons=0)
    src = r.write(tmp_path / "v.sgy")
    whole = np.stack([r.data[max(i - 1, 0):i + 2].mean(axis=0) for i in range(7)])
    with geodesk.open(src) as s:
        for halo, same in ((1, True), (0, False)):
            out = map_blocks(s, object(), tmp_path / f"h{halo}.sgy", JobContext(), block=2,
                             halo=halo, op=neighbour_mean)
            with segyio.open(out) as f:
                got = segyio.tools.cube(f)
            assert np.allclose(got, whole, atol=1e-5) is same


def test_a_2_5d_denoiser_in_blocks_sees_the_same_neighbours_as_on_the_whole_volume(
        tmp_path, tiny_model, tiny_examples):
    import geodesk
    from geodesk.ml.tasks.denoise import denoise_volume

    X, y = tiny_examples("denoise")
    model = tiny_model("denoise-dncnn", context=1).fit(X, y)
    r = generate_post3d((5, 12, 40), seed=4, n_horizons=0, snr_db=5.0)
    src = r.write(tmp_path / "v.sgy")
    whole = denoise_volume(model, r.data)
    # an inline and its neighbours give another answer than the inline alone
    assert not np.allclose(whole[2], model.predict(r.data[2]), atol=1e-4)
    with geodesk.open(src) as s:
        out = map_blocks(s, model, tmp_path / "d.sgy", JobContext(), block=2)
    with segyio.open(out) as f:
        got = segyio.tools.cube(f)
    np.testing.assert_allclose(got, whole, atol=1e-5)


def test_trace_file_writes_rows_at_scattered_indices_and_reads_runs(tmp_path):
    store = TraceFile(tmp_path / "t.f32", 10, 3)
    store[np.array([7, 2, 3, 9])] = np.arange(12, dtype=np.float32).reshape(4, 3)
    got = store[0:10]
    store.close()
    expect = np.zeros((10, 3), np.float32)
    expect[[7, 2, 3, 9]] = np.arange(12).reshape(4, 3)
    np.testing.assert_array_equal(got, expect)


@pytest.mark.parametrize("refine", [True, False])
def test_velocities_unet_writes_the_models_picks_of_every_cmp(main, tmp_path, tiny_model,
                                                              tiny_examples, capsys, refine):
    import geodesk
    from geodesk.ml.registry import load_model
    from geodesk.ml.run.results import model_velocity_function

    c = generate_cmps((3, 24, 250), seed=5, dt_ms=4.0)
    src = c.write(tmp_path / "cmps.sgy")
    X, y = tiny_examples("velocities")
    model = tiny_model("velocity-unet").fit(X, y).save(tmp_path / "v.pt")
    out = tmp_path / "v.csv"
    args = ["velocities", str(src), str(out), "--method", "unet", "--model", str(model),
            "--knot-ms", "100", "--block", "2", "--device", "cpu"]
    assert main(args + ([] if refine else ["--no-refine"])) == 0
    assert "wrote" in capsys.readouterr().err
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["cdp", "time_ms", "vrms_mps"]  # the semblance method's columns
    m = load_model(model)
    with geodesk.open(src) as s:
        expect = {int(k): model_velocity_function(m, s.gather(int(k)), refine=refine,
                                                  max_gap_ms=100.0) for k in c.cdp}
    assert sorted({int(r["cdp"]) for r in rows}) == sorted(k for k, e in expect.items()
                                                           if len(e[0]))
    for cdp, (t, v) in expect.items():
        mine = [(float(r["time_ms"]), float(r["vrms_mps"])) for r in rows
                if int(r["cdp"]) == cdp]
        np.testing.assert_allclose(np.array(mine).reshape(-1, 2), np.c_[t, v], rtol=1e-12)
    if not refine:  # knots of the trend at least every --knot-ms (100), inside the record
        t = np.array([a for a, _ in mine])
        assert 0 <= t[0] and t[-1] <= 996 and np.all((np.diff(t) > 0) & (np.diff(t) <= 100))


def test_velocities_unet_without_weights_exits_2_with_a_clear_message(main, tmp_path, capsys):
    src = generate_cmps((1, 12, 100), seed=5).write(tmp_path / "c.sgy")
    assert main(["velocities", str(src), str(tmp_path / "v.csv"), "--method", "unet"]) == 2
    err = capsys.readouterr().err
    assert "no trained velocities model is shipped" in err and "geodesk train velocities" in err
    assert not (tmp_path / "v.csv").exists()
