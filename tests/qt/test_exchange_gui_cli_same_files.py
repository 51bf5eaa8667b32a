"""The GUI's Export picks… and ``geodesk export`` run one exchange API: byte-identical files for
every kind and format (with and without the provenance columns)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction

from geodesk import cli
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, VelocityFunctions
from geodesk.core.project.project import Project
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots

MODEL = "model:firstbreak-unet@v4#0123456789ab"
CASES_POST = [("horizon", "horizon", "Top", "csv"), ("horizon", "horizon", "Top", "xyz"),
              ("faults", "fault_set", "Faults", "csv"),
              ("velocities", "velocity_functions", "V", "csv")]
CASES_PRE = [("firstbreaks", "first_breaks", "FB", "csv"),
             ("firstbreaks", "first_breaks", "FB", "segy")]


def _post3d_project(tmp_path, zero_xy=False):
    vol = generate_post3d((6, 8, 40), seed=5)
    if zero_xy:  # a survey whose coordinates are all 0 (as some real files are)
        vol.cdp_x = np.zeros_like(vol.cdp_x)
        vol.cdp_y = np.zeros_like(vol.cdp_y)
    proj = Project.create(tmp_path / "post.geodesk", vol.write(tmp_path / "vol.sgy"))
    h = Horizon(name="Top", inlines=vol.inlines, crosslines=vol.crosslines)
    rng = np.random.default_rng(0)
    picked = rng.random(h.shape) < 0.8
    h.set_times(None, picked, rng.uniform(20, 140, picked.sum()), provenance=MODEL,
                confidence=rng.uniform(0, 1, picked.sum()))
    h.set_times(None, (np.array([0, 1]), np.array([2, 3])), [50.5, 60.25])  # corrections
    proj.picks.add(None, h)
    fs = FaultSet("Faults")
    fs.add_fault(None, "F 1")
    il, xl = vol.inlines, vol.crosslines
    fs.add_stick(None, "F 1", [[il[1], xl[2], 8.0], [il[1], xl[4] + 0.5, 150.0]], "inline", il[1])
    fs.add_stick(None, "F 1", [[il[0], xl[3], 10.0], [il[4], xl[3], 90.0]], "crossline", xl[3])
    proj.picks.add(None, fs)
    vf = VelocityFunctions("V")
    vf.set_function(None, 3, [0.0, 100.0, 180.0], [1500.0, 1750.5, 2100.0],
                    "model:velocity-unet@v3#abcdefabcdef")
    vf.move_pick(None, 3, 1, 110.0, 1800.0)
    proj.picks.add(None, vf)
    proj.save()
    return proj


def _prestack_project(tmp_path):
    shots = generate_shots((2, 12, 150), seed=2, dt_ms=2.0).write(tmp_path / "shots.sgy")
    proj = Project.create(tmp_path / "pre.geodesk", shots)
    with proj.open_survey() as s:
        fb = FirstBreaks.like_survey("FB", s)
    k = np.arange(0, fb.n_traces, 2)
    fb.set_times(None, k, k * 2.0 + 30.0, provenance=MODEL, confidence=0.5)
    fb.set_times(None, [0, 4], [31.0, 44.0])  # corrections of model picks
    fb.erase(None, [6])
    proj.picks.add(None, fb)
    proj.save()
    return proj


def _gui_export(window, tmp_path, kind, name, fmt, out, with_provenance):
    """Export through the window's menu action, the dialog filled like a user and accepted."""
    ctrl = window.exchange
    ctrl.errors = []
    ctrl.error = lambda title, text: ctrl.errors.append(text)

    def ask(dlg):
        dlg.set_kind(kind)
        dlg.set_format(fmt)
        dlg.object_combo.setCurrentText(name)
        dlg.path_edit.setText(str(out))
        dlg.provenance_check.setChecked(with_provenance)
        spec = dlg.spec()
        assert spec.problem() is None, spec.problem()
        return spec

    ctrl.ask_spec = ask
    (action,) = [a for a in window.findChildren(QAction) if a.text() == "&Export picks…"]
    action.trigger()
    assert ctrl.errors == []


def _compare(window, capsys, tmp_path, proj, cases):
    assert window.project_controller.open_project(proj.folder)
    for what, kind, name, fmt in cases:
        for extra in ([], ["--with-provenance"]) if fmt == "csv" else ([],):
            tag = f"{what}-{fmt}{'-prov' if extra else ''}"
            cli_out, gui_out = tmp_path / f"cli-{tag}", tmp_path / f"gui-{tag}"
            code = cli.main(["export", str(proj.folder), what, str(cli_out), "--format", fmt,
                             "--name", name, *extra])
            assert code == 0, capsys.readouterr().err
            _gui_export(window, tmp_path, kind, name, fmt, gui_out, bool(extra))
            assert gui_out.read_bytes() == cli_out.read_bytes(), tag
            if extra:
                assert cli_out.read_bytes() != (tmp_path / f"cli-{what}-{fmt}").read_bytes()


def test_gui_and_cli_write_identical_post_stack_files(window, capsys, tmp_path):
    _compare(window, capsys, tmp_path, _post3d_project(tmp_path), CASES_POST)


def test_gui_and_cli_write_identical_first_break_files(window, capsys, tmp_path):
    proj = _prestack_project(tmp_path)
    _compare(window, capsys, tmp_path, proj, CASES_PRE)
    code = cli.main(["import", str(proj.folder), "firstbreaks",
                     str(tmp_path / "cli-firstbreaks-csv-prov"), "--name", "Back"])
    assert code == 0, capsys.readouterr().err
    picks = Project.open(proj.folder).picks
    a, b = picks.get("first_breaks", "FB"), picks.get("first_breaks", "Back")
    for key in ("times", "confidence", "model_times", "model_confidence"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    every = np.arange(a.n_traces)
    assert a.provenance_of(every) == b.provenance_of(every)
    assert a.model_original(every)[2] == b.model_original(every)[2]
    assert b.model_original([0])[2] == [MODEL]


def test_unusable_coordinates_leave_xy_empty_in_both_with_a_warning(window, capsys, tmp_path):
    proj = _post3d_project(tmp_path, zero_xy=True)
    _compare(window, capsys, tmp_path, proj,
             [("horizon", "horizon", "Top", "csv"), ("faults", "fault_set", "Faults", "csv")])
    rows = (tmp_path / "cli-faults-csv").read_text().splitlines()
    assert rows[1].split(",")[5:7] == ["", ""]
    assert (tmp_path / "cli-horizon-csv").read_text().splitlines()[1].split(",")[2:4] == ["", ""]
    code = cli.main(["export", str(proj.folder), "faults", str(tmp_path / "again.csv")])
    assert code == 0 and "no usable x/y coordinates" in capsys.readouterr().err
    code = cli.main(["export", str(proj.folder), "horizon", str(tmp_path / "t.xyz"),
                     "--format", "xyz"])
    assert code == 2 and "no usable x/y" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["first_breaks"])
def test_first_breaks_of_another_survey_are_refused_not_misaligned(window, tmp_path, kind):
    proj = _prestack_project(tmp_path)
    assert window.project_controller.open_project(proj.folder)
    other = FirstBreaks("Other", np.arange(5), np.arange(5))
    other.set_times(None, [0, 1], [10.0, 12.0])
    window.picks.add(None, other)
    ctrl = window.exchange
    ctrl.errors = []
    ctrl.error = lambda title, text: ctrl.errors.append(text)
    from geodesk.qt.project.exchange_ui import ExchangeSpec

    assert ctrl.run_export(ExchangeSpec(kind, "csv", str(tmp_path / "o.csv"), "Other")) is None
    assert "belong to another survey" in ctrl.errors[-1]
    assert not (tmp_path / "o.csv").exists()


def test_the_window_refuses_to_export_over_the_survey_file_or_into_the_project(window, tmp_path):
    proj = _prestack_project(tmp_path)
    assert window.project_controller.open_project(proj.folder)
    ctrl = window.exchange
    ctrl.errors = []
    ctrl.error = lambda title, text: ctrl.errors.append(text)
    from geodesk.qt.project.exchange_ui import ExchangeSpec

    shots = tmp_path / "shots.sgy"
    before = shots.read_bytes()
    assert ctrl.run_export(ExchangeSpec("first_breaks", "csv", str(shots), "FB")) is None
    assert "is the input" in ctrl.errors[-1] and shots.read_bytes() == before
    inside = proj.folder / "fb.csv"
    assert ctrl.run_export(ExchangeSpec("first_breaks", "csv", str(inside), "FB")) is None
    assert "project folder" in ctrl.errors[-1] and not inside.exists()
