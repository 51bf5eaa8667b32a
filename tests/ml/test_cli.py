"""``geodesk models/train/faults/denoise/firstbreaks`` end to end with tiny model files."""

import csv

import numpy as np
import pytest
import segyio

from geodesk.ml.tasks.firstbreaks import gather_section
from geodesk.synth import generate_post3d, generate_shots


@pytest.fixture
def volume(tmp_path):
    r = generate_post3d((3, 20, 40), seed=7, n_faults=2, n_horizons=0)
    return r.write(tmp_path / "vol.sgy"), r


@pytest.fixture
def shots(tmp_path):
    s = generate_shots((2, 12, 120), seed=8, dt_ms=2.0, dead_fraction=0.1)
    return s.write(tmp_path / "shots.sgy"), s


def _tiny(tiny_model, tiny_examples, name, task, path, **params):
    X, y = tiny_examples(task)
    return tiny_model(name, **params).fit(X, y).save(path)


def test_faults_writes_probabilities_with_the_input_geometry(main, volume, tmp_path, tiny_model,
                                                             tiny_examples, capsys):
    src, _ = volume
    model = _tiny(tiny_model, tiny_examples, "fault-unet", "faults", tmp_path / "f.pt")
    out = tmp_path / "prob.sgy"
    assert main(["faults", str(src), str(out), "--model", str(model), "--device", "cpu"]) == 0
    with segyio.open(src) as a, segyio.open(out) as b:
        assert list(a.ilines) == list(b.ilines) and list(a.xlines) == list(b.xlines)
        assert a.header[17] == b.header[17]
        p = segyio.tools.collect(b.trace[:])
    assert p.shape == (60, 40) and p.min() >= 0 and p.max() <= 1 and p.std() > 0
    assert "faults" in capsys.readouterr().err  # progress and the final line


def test_denoise_output_matches_the_model_inline_by_inline_with_neighbours(
        main, volume, tmp_path, tiny_model, tiny_examples):
    src, r = volume
    # leakage=False: the tiny network's changes are coherent and would all be put back
    model = _tiny(tiny_model, tiny_examples, "denoise-dncnn", "denoise", tmp_path / "d.pt",
                  leakage=False)
    out = tmp_path / "dn.sgy"
    assert main(["denoise", str(src), str(out), "--method", "dncnn", "--model", str(model),
                 "--quiet"]) == 0
    from geodesk.ml.registry import load_model

    m = load_model(model)
    assert m.context == 1  # inline 1 is denoised with inlines 0 and 2 beside it
    expect = m.predict(r.data[0:3])
    with segyio.open(out) as b:
        got = segyio.tools.cube(b)[1]
    np.testing.assert_allclose(got, expect, rtol=1e-5, atol=1e-6)
    assert not np.allclose(got, r.data[1])


@pytest.mark.parametrize("method", ["unet", "stalta", "mer_trend"])
def test_firstbreaks_csv_has_every_trace_and_empty_times_for_dead_ones(main, shots, tmp_path,
                                                                       tiny_model, tiny_examples,
                                                                       method):
    src, s = shots
    args = ["firstbreaks", str(src), str(tmp_path / "fb.csv"), "--method", method, "--quiet"]
    if method == "unet":
        args += ["--model", str(_tiny(tiny_model, tiny_examples, "firstbreak-unet",
                                      "firstbreaks", tmp_path / "fb.pt"))]
    assert main(args) == 0
    with open(tmp_path / "fb.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["ffid", "channel", "trace", "offset", "time_ms"]
    assert len(rows) == 24
    dead = s.truth["dead"].ravel()
    assert dead.any()
    assert all(rows[i]["time_ms"] == "" for i in np.flatnonzero(dead))
    assert [int(r["ffid"]) for r in rows] == list(s.ffid.ravel())
    if method != "unet":
        assert any(r["time_ms"] for r in rows)
    else:  # a tiny network may pick nothing: the CLI must give what the model gives
        from geodesk.ml.registry import load_model

        m = load_model(tmp_path / "fb.pt")
        t = m.predict(gather_section(s.data[0], 2.0))
        got = [float(r["time_ms"]) if r["time_ms"] else np.nan for r in rows[:12]]
        live = ~dead[:12]
        np.testing.assert_allclose(np.asarray(got)[live], t[live], atol=1e-3)


def test_no_model_and_no_shipped_weights_exits_2_with_a_clear_message(main, volume, tmp_path,
                                                                      capsys):
    src, _ = volume
    assert main(["faults", str(src), str(tmp_path / "o.sgy")]) == 2
    err = capsys.readouterr().err
    assert "no trained faults model is shipped" in err and "geodesk train faults" in err
    assert not (tmp_path / "o.sgy").exists()


def test_wrong_task_or_corrupted_model_exits_2(main, volume, tmp_path, tiny_model,
                                               tiny_examples, capsys):
    src, _ = volume
    dn = _tiny(tiny_model, tiny_examples, "denoise-dncnn", "denoise", tmp_path / "d.pt")
    assert main(["faults", str(src), str(tmp_path / "o.sgy"), "--model", str(dn)]) == 2
    assert "'denoise' model, not a 'faults' model" in capsys.readouterr().err
    bad = tmp_path / "bad.pt"
    bad.write_bytes(dn.read_bytes()[:300])
    assert main(["denoise", str(src), str(tmp_path / "o.sgy"), "--model", str(bad)]) == 2
    assert "corrupted" in capsys.readouterr().err


def test_faults_of_an_int16_volume_are_written_as_floats(main, tmp_path, tiny_model,
                                                         tiny_examples):
    src = generate_post3d((3, 20, 40), seed=9, n_faults=2, n_horizons=0).write(
        tmp_path / "int16.sgy", format=3)
    model = _tiny(tiny_model, tiny_examples, "fault-unet", "faults", tmp_path / "f.pt")
    out = tmp_path / "prob.sgy"
    assert main(["faults", str(src), str(out), "--model", str(model), "--quiet"]) == 0
    with segyio.open(out) as b:
        assert b.bin[segyio.BinField.Format] == 5
        p = segyio.tools.collect(b.trace[:])
    assert np.unique(p).size > 2 and p.min() >= 0 and p.max() <= 1  # not rounded to 0/1


def test_faults_refuses_prestack_input(main, shots, tmp_path, tiny_model, tiny_examples,
                                       capsys):
    src, _ = shots
    model = _tiny(tiny_model, tiny_examples, "fault-unet", "faults", tmp_path / "f.pt")
    assert main(["faults", str(src), str(tmp_path / "o.sgy"), "--model", str(model)]) == 2
    assert "pre-stack" in capsys.readouterr().err


def test_train_then_models_lists_the_file(main, tmp_path, capsys, monkeypatch):
    out = tmp_path / "shipped" / "dn.pt"
    assert main(["train", "denoise", "--out", str(out), "--epochs", "1", "--steps-per-epoch",
                 "2", "--device", "cpu", "--param", "depth=3", "--param", "width=4",
                 "--size", "32", "--validation", "1", "--quiet"]) == 0
    assert out.is_file()
    capsys.readouterr()
    assert main(["models"]) == 0
    text = capsys.readouterr().out
    assert "fault-unet" in text and "denoise-dncnn" in text and "dn.pt" in text
    assert main(["train", "denoise", "--out", str(tmp_path), "--epochs", "1"]) == 2
    assert main(["train", "faults", "--out", str(tmp_path / "x.pt"), "--param", "nope=1",
                 "--epochs", "1", "--steps-per-epoch", "1", "--size", "32"]) == 2


def _shared_file(rel):
    import os
    from pathlib import Path

    root = Path(os.environ.get("GEODESK_SHARED_DATA",
                               Path(__file__).resolve().parents[3] / "shared" / "data" / "segy"))
    path = root / rel
    if not path.is_file():
        pytest.skip(f"shared test data not found: {path}")
    return path


@pytest.mark.shared
def test_faults_and_stalta_on_real_files_written_by_other_software(main, tmp_path, tiny_model,
                                                                    tiny_examples):
    f3 = _shared_file("equinor+segyio/test-data/f3.sgy")
    model = _tiny(tiny_model, tiny_examples, "fault-unet", "faults", tmp_path / "f.pt")
    out = tmp_path / "f3_faults.sgy"
    assert main(["faults", str(f3), str(out), "--model", str(model), "--quiet"]) == 0
    with segyio.open(f3) as a, segyio.open(out) as b:
        assert b.tracecount == a.tracecount and list(b.samples) == list(a.samples)
        assert [b.header[i][189] for i in (0, 200)] == [a.header[i][189] for i in (0, 200)]
        p = segyio.tools.collect(b.trace[:])
    assert 0 <= p.min() and p.max() <= 1
    gather = _shared_file("DaloroAT+first_breaks_picking/data/real_gather.sgy")  # dt 0.25 ms
    fb = _tiny(tiny_model, tiny_examples, "firstbreak-unet", "firstbreaks", tmp_path / "fb.pt")
    assert main(["firstbreaks", str(gather), str(tmp_path / "fb.csv"), "--model", str(fb),
                 "--quiet"]) == 0
    with open(tmp_path / "fb.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 96
    times = [float(r["time_ms"]) for r in rows if r["time_ms"]]
    assert times and all(0 <= t <= 250 for t in times)


@pytest.mark.parametrize("command", ["faults", "denoise", "firstbreaks", "velocities"])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(main, volume, shots,
                                                                   command, capsys):
    src = (shots if command in ("firstbreaks", "velocities") else volume)[0]
    before = src.read_bytes()
    assert main([command, str(src), str(src), "--quiet"]) == 2
    assert "is the input" in capsys.readouterr().err
    assert src.read_bytes() == before


@pytest.mark.parametrize("method", ["semblance", "unet"])
def test_velocities_of_a_stacked_volume_exit_2_with_one_line(main, volume, tmp_path, method,
                                                             capsys):
    src, _ = volume
    out = tmp_path / "v.csv"
    assert main(["velocities", str(src), str(out), "--method", method, "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs the offsets of pre-stack gathers" in err[0]
    assert not out.exists()
