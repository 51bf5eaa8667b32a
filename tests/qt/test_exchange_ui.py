"""Import…/Export… dialogs: round trips through the dialog code paths, refused files change nothing."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.picks import FirstBreaks, Horizon
from geodesk.qt.project.exchange_ui import ExchangeSpec, problem_lines
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots


@pytest.fixture
def ctrl(window):
    c = window.exchange
    c.errors, c.problems = [], []
    c.error = lambda title, text: c.errors.append(text)
    c.show_problems = lambda title, exc: c.problems.append(problem_lines(exc))
    c.ask_replace = lambda kind, name: True
    return c


def filled(**fields):
    """An ``ask_spec`` that fills the real dialog like a user and presses OK."""
    def ask(dlg):
        dlg.set_kind(fields["kind"])
        if "fmt" in fields:
            dlg.set_format(fields["fmt"])
        if "object" in fields:
            dlg.object_combo.setCurrentText(fields["object"])
        dlg.path_edit.setText(str(fields["path"]))
        if "name" in fields:
            dlg.name_edit.setText(fields["name"])
        for key, widget in (("byte", dlg.byte_spin),):
            if key in fields:
                widget.setValue(fields[key])
        spec = dlg.spec()
        assert spec.problem() is None, spec.problem()
        return spec
    return ask


@pytest.fixture
def horizon(window, tmp_path):
    window.open_path(generate_post3d((6, 8, 40), seed=5).write(tmp_path / "vol.sgy"))
    h = Horizon.like_survey("Top", window.survey)
    window.picks.add(window.history, h)
    rng = np.random.default_rng(0)
    mask = rng.random(h.shape) < 0.7
    h.set_times(window.history, mask, rng.uniform(20, 140, mask.sum()).astype(np.float32))
    return h


@pytest.mark.parametrize("fmt", ["csv", "xyz"])
def test_horizon_export_then_import_round_trips_through_the_dialogs(window, ctrl, horizon,
                                                                    tmp_path, fmt):
    out = tmp_path / f"top.{fmt}"
    ctrl.ask_spec = filled(kind="horizon", fmt=fmt, object="Top", path=out)
    assert ctrl.export_dialog() == horizon.n_picked
    steps = len(window.history)
    ctrl.ask_spec = filled(kind="horizon", fmt=fmt, path=out, name="Top again")
    back = ctrl.import_dialog()
    assert back.name == "Top again" and window.active_pick is back
    np.testing.assert_array_equal(back.times, horizon.times)
    assert set(back.provenance_of(np.flatnonzero(np.isfinite(back.times)))) == {
        f"imported:top.{fmt}"}
    assert len(window.history) == steps + 1  # one undoable step
    window.history.undo()
    assert window.picks.names("horizon") == ["Top"]
    assert ctrl.errors == [] and ctrl.problems == []


def test_malformed_horizon_csv_lists_line_numbers_and_imports_nothing(window, ctrl, horizon,
                                                                      tmp_path):
    out = tmp_path / "top.csv"
    ctrl.run_export(ExchangeSpec("horizon", "csv", str(out), "Top"))
    lines = out.read_text().splitlines()
    lines[2] = "101,abc,,,55.0"
    lines[4] = lines[4].rsplit(",", 1)[0] + ",not-a-time"
    out.write_text("\n".join(lines) + "\n")
    before = horizon.times.copy()
    steps = len(window.history)
    assert ctrl.run_import(ExchangeSpec("horizon", "csv", str(out), "Top")) is None
    (problems,) = ctrl.problems
    assert problems[0].startswith("line 3:") and problems[1].startswith("line 5:")
    np.testing.assert_array_equal(horizon.times, before)
    assert len(window.history) == steps and window.picks.names("horizon") == ["Top"]


def test_import_without_a_matching_survey_says_why(window, ctrl, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("inline,xline,x,y,time_ms\n1,1,,,10\n")
    assert ctrl.run_import(ExchangeSpec("horizon", "csv", str(path), "H")) is None
    assert "post-stack" in ctrl.errors[-1]
    assert ctrl.run_import(ExchangeSpec("horizon", "csv", str(tmp_path / "none.csv"), "H")) \
        is None
    assert ctrl.problems[-1] == ["file not found"]


def test_first_breaks_segy_header_and_csv_round_trip(window, ctrl, tmp_path):
    shots = generate_shots((2, 12, 150), seed=2, dt_ms=2.0).write(tmp_path / "shots.sgy")
    window.open_path(shots)
    fb = FirstBreaks.like_survey("FB", window.survey)
    window.picks.add(window.history, fb)
    fb.set_times(window.history, np.arange(0, fb.n_traces, 2),
                 np.arange(0, fb.n_traces, 2) + 30.0)
    copy = tmp_path / "picked.sgy"
    ctrl.ask_spec = filled(kind="first_breaks", fmt="segy", object="FB", path=copy, byte=233)
    assert ctrl.export_dialog() == fb.n_picked
    ctrl.ask_spec = filled(kind="first_breaks", fmt="segy", path=copy, name="FB header",
                           byte=233)
    back = ctrl.import_dialog()
    np.testing.assert_array_equal(back.times, fb.times)
    csv = tmp_path / "fb.csv"
    assert ctrl.run_export(ExchangeSpec("first_breaks", "csv", str(csv), "FB")) == fb.n_traces
    again = ctrl.run_import(ExchangeSpec("first_breaks", "csv", str(csv), "FB"))  # replace
    assert again is fb
    np.testing.assert_array_equal(again.times, back.times)
    assert ctrl.errors == []


def test_segy_field_that_would_overwrite_geometry_is_refused(ctrl, tmp_path):
    spec = ExchangeSpec("first_breaks", "segy", str(tmp_path / "x.sgy"), "FB", byte=9)
    assert "FFID" in spec.problem()
    assert ctrl.run_export(spec) is None and "FFID" in ctrl.errors[-1]
