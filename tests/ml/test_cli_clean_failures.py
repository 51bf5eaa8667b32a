"""Bad command lines and bad model files end in one stderr line and exit code 2, before any
big allocation; library warnings show only with --verbose."""

import shutil
import warnings
from pathlib import Path

import pytest

import geodesk

#: The repository's shipped weights (the ``main`` fixture points GEODESK_MODELS elsewhere).
SHIPPED = Path(geodesk.__file__).resolve().parents[1] / "resources" / "models"


@pytest.fixture
def post3d(tmp_path):
    from geodesk.synth import generate_post3d

    path = tmp_path / "vol.sgy"
    generate_post3d((4, 4, 32), seed=0).write(path)
    return path


@pytest.fixture
def shots(tmp_path):
    from geodesk.synth import generate_shots

    path = tmp_path / "shots.sgy"
    generate_shots((2, 12, 64), seed=0).write(path)
    return path


def _one_error(capsys, *needles):
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1, err
    for needle in needles:
        assert needle in err[0]
    return err[0]


@pytest.mark.parametrize("snr", ["nan", "inf", "-inf"])
def test_synth_refuses_a_non_finite_snr_and_writes_nothing(main, tmp_path, capsys, snr):
    out = tmp_path / "s.sgy"
    assert main(["synth", "shots", str(out), "--size", "2x8x32", f"--snr={snr}"]) == 2
    _one_error(capsys, "--snr must be a finite number of dB within")
    assert not out.exists()


@pytest.mark.parametrize("argv, needle", [
    (["synth", "post3d", "{T}/s.sgy", "--dt", "1e-9"], "--dt must be between"),
    (["synth", "post3d", "{T}/s.sgy", "--size", "100000x100000x1000"], "would need about"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--dv", "1e-9", "--quiet"], "would need about"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--vmin", "3000", "--vmax", "2000"], "below"),
    (["track", "{VOL}", "{T}/h.csv", "--seed", "101,301,40", "--window", "1e9"], "record"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--window-ms", "1e9", "--quiet"], "record"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--method", "unet", "--knot-ms", "1e-9"],
     "sample interval"),
    (["train", "faults", "--out", "{T}/m.pt", "--size", "100000"], "would need about"),
    (["synth", "post3d", "{T}/s.sgy", "--faults", "100000000"], "between 0 and 1000"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--knot-ms=nan"], "--knot-ms must be"),
    (["velocities", "{SHOTS}", "{T}/v.csv", "--block=-1"], "--block must be"),
    (["faults", "{VOL}", "{T}/f.sgy", "--scheduler-timeout=nan", "--model", "{MODEL}"],
     "--scheduler-timeout"),
    (["adapt", "denoise", "{VOL}", "--out", "{T}/m.pt", "--lr", "1e20"], "--lr must be"),
    (["train", "faults", "--out", "{T}/m.pt", "--validation", "0"], "--validation"),
    (["adapt", "denoise", "{VOL}", "--out", "{T}/m.pt", "--threads=-1"], "--threads"),
    (["info", "{VOL}", "--headers", "--scan-traces=-1"], "--scan-traces"),
])
def test_options_that_would_allocate_absurd_memory_are_refused_up_front(
        main, tmp_path, post3d, shots, capsys, argv, needle):
    subs = {"{T}": str(tmp_path), "{SHOTS}": str(shots), "{VOL}": str(post3d),
            "{MODEL}": str(SHIPPED / "faults.pt")}
    for k, v in subs.items():
        argv = [a.replace(k, v) for a in argv]
    assert main(argv) == 2
    _one_error(capsys, needle)


def test_demo_does_not_create_a_missing_parent_folder(main, tmp_path, capsys):
    target = tmp_path / "no" / "such" / "demo.geodesk"
    assert main(["demo", "--project", str(target), "--screenshot", str(tmp_path / "d.png")]) == 2
    _one_error(capsys, "does not exist")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("argv", [["faults"], ["synth", "post3d", "x.sgy", "--size"],
                                  ["nosuch-option-command", "--frobnicate"], ["info", "--bad"]])
def test_usage_errors_are_one_line(main, capsys, argv):
    assert main(argv) == 2
    assert "error:" in _one_error(capsys)


def test_library_warnings_show_only_with_verbose_one_line_each(main, post3d, capsys, monkeypatch):
    from geodesk.core.segy import reader

    original = reader.open_survey

    def noisy(*a, **k):
        warnings.warn("invalid value encountered in divide\nsecond line", RuntimeWarning)
        return original(*a, **k)

    monkeypatch.setattr(reader, "open_survey", noisy)
    with warnings.catch_warnings():
        assert main(["info", str(post3d)]) == 0
    assert capsys.readouterr().err == ""
    with warnings.catch_warnings():
        assert main(["info", str(post3d), "--verbose"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [e for e in err if e.startswith("geodesk: warning: invalid value")] and \
        len(err) == 1


def _broken_models(folder):
    (folder / "text.pt").write_text("this is not a model\n")
    import json

    import torch

    payload = torch.load(SHIPPED / "faults.pt", weights_only=True)
    meta = json.loads(payload["meta_json"])
    del meta["params"]
    payload["meta_json"] = json.dumps(meta)
    torch.save(payload, folder / "noparams.pt")
    return folder / "text.pt", folder / "noparams.pt"


def test_a_damaged_model_file_is_one_line_and_exit_2(main, tmp_path, post3d, capsys):
    for bad in _broken_models(tmp_path):
        assert main(["faults", str(post3d), str(tmp_path / "f.sgy"), "--model", str(bad),
                     "--quiet"]) == 2
        _one_error(capsys, bad.name)
        assert not (tmp_path / "f.sgy").exists()


def test_a_stray_bad_file_in_the_models_folder_is_skipped_with_a_warning(
        tmp_path, monkeypatch, capsys):
    from geodesk.commands.apply_models import resolve_model_ref

    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copyfile(SHIPPED / "faults.pt", folder / "faults.pt")
    text, noparams = _broken_models(folder)
    monkeypatch.setenv("GEODESK_MODELS", str(folder))
    ref = resolve_model_ref("faults", None, "cpu")
    assert ref.path.endswith("faults.pt") and "text" not in ref.path
    err = capsys.readouterr().err.splitlines()
    assert sorted(e.split()[3].rstrip(":") for e in err) == sorted([str(noparams), str(text)])
