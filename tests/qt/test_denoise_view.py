"""Denoised data in the workstation: the shown section first, the rest in the background,
Original / Denoised / Difference following navigation, drawn at the original's clip."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core import display
from geodesk.core.derived import model_input
from geodesk.synth.post3d import generate_post3d
from tests.qt.models import tiny_model_file


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    d = tmp_path_factory.mktemp("dn")
    return generate_post3d((5, 24, 80), seed=3, n_faults=1, n_horizons=0).write(d / "v.sgy")


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return tiny_model_file("denoise", tmp_path_factory.mktemp("dn_model") / "dn.pt")


@pytest.fixture
def dv(window, volume, model_file, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    assert window.open_path(volume)
    d = window.denoise
    d.errors = []
    d.error = d.errors.append
    d.models.error = d.errors.append
    d.models.ask_path = lambda: str(model_file)
    d.ask_rest = lambda n_rest, noun, kept: True
    return d


def denoised(window, dv):
    """What the model gives for the section on screen (with its neighbouring lines, 2.5D)."""
    mode, value = dv.current_key()
    return dv.model.predict(model_input(window.survey, mode, window.section, value,
                                        dv.model.context))


def wait(qtbot, handle):
    if handle is not None and handle.running:
        with qtbot.waitSignal(handle.done, timeout=30000):
            pass


def test_denoise_shows_the_current_section_then_fills_the_rest(qtbot, window, dv):
    handle = dv.dialog()
    assert handle is not None and dv.show == "denoised"
    assert "denoising" in window.view.section.title  # the original meanwhile, said so
    wait(qtbot, handle)
    original = window.section
    expected = denoised(window, dv)
    assert not np.allclose(expected, original.data, atol=1e-3)  # the model changes the data
    assert dv.model.context == 1  # and it saw the neighbouring inlines
    assert not np.allclose(expected, dv.model.predict(original), atol=1e-5)
    np.testing.assert_allclose(window.view.section.data, expected, atol=1e-6)
    assert "denoised" in window.view.section.title
    assert window.view.clip_value == pytest.approx(display.symmetric_clip(
        original.data, window.view.clip_percentile, original.live))
    wait(qtbot, dv.rest_job)
    assert len(dv.cache) == len(window.survey.inlines)
    window.step(1)  # already computed: shown at once, no new job
    assert dv.job is handle
    np.testing.assert_allclose(window.view.section.data, denoised(window, dv),
                               atol=1e-6)
    dv.set_show("difference")
    np.testing.assert_allclose(window.view.section.data,
                               window.section.data - denoised(window, dv),
                               atol=1e-5)
    assert dv.actions["difference"].isChecked()
    dv.set_show("original")
    assert window.view.section is window.section


def test_navigation_computes_on_demand_latest_wins(qtbot, window, dv):
    wait(qtbot, dv.set_show("denoised"))
    first = dv.job
    window.step(1)
    second = dv.job
    window.step(1)
    third = dv.job
    assert first is not second is not third
    assert second.outcome in ("cancelled", None, "finished")
    wait(qtbot, third)
    wait(qtbot, second)
    np.testing.assert_allclose(window.view.section.data, denoised(window, dv),
                               atol=1e-6)
    window.go_to("crossline", window.survey.crosslines[3])  # crosslines too
    wait(qtbot, dv.job)
    assert window.section.kind == "crossline"
    np.testing.assert_allclose(window.view.section.data, denoised(window, dv),
                               atol=1e-6)
    window.go_to("time", float(window.survey.times_ms[40]))  # not a vertical section
    assert window.view.section is window.section
    assert dv.dialog() is None and "vertical sections" in dv.errors[-1]


def test_without_a_model_the_view_stays_original_and_says_why(window, dv):
    dv.models.ask_path = lambda: ""
    assert dv.set_show("denoised") is None
    assert dv.show == "original" and dv.actions["original"].isChecked()
    assert dv.errors and "No denoising model" in dv.errors[-1]
    assert window.view.section is window.section


def test_another_survey_or_model_forgets_the_results(qtbot, window, dv, model_file, tmp_path):
    wait(qtbot, dv.set_show("denoised"))
    assert len(dv.cache) == 1
    other = generate_post3d((3, 16, 60), seed=4, n_faults=0, n_horizons=1).write(
        tmp_path / "w.sgy")
    assert window.open_path(other)
    assert len(dv.cache) == 0
    wait(qtbot, dv.job)
    assert len(dv.cache) == 1
    copy = tmp_path / "dn2.pt"
    copy.write_bytes(model_file.read_bytes())
    assert dv.choose_model(str(copy))
    assert dv.models.path == str(copy)
    wait(qtbot, dv.job)
    assert len(dv.cache) == 1 and dv.show == "denoised"


def test_gathers_and_the_reduced_display_show_the_denoised_data(qtbot, window, dv, tmp_path):
    from dataclasses import replace

    from geodesk.core.derived import like
    from geodesk.core.processing.moveout import reduce_section
    from geodesk.synth.shots import generate_shots

    path = generate_shots((2, 16, 150), seed=1, dt_ms=2.0).write(tmp_path / "s.sgy")
    assert window.open_path(path)
    wait(qtbot, dv.set_show("denoised"))
    den = denoised(window, dv)
    np.testing.assert_allclose(window.view.section.data, den, atol=1e-6)
    c = window.picking
    c.set_params(replace(c.params, reduce=True, velocity=2000.0))
    expected = reduce_section(like(window.section, den, ""), 2000.0).data
    np.testing.assert_allclose(window.view.section.data, expected, atol=1e-6)
    c.set_params(replace(c.params, reduce=False))
    dv.set_show("original")
    assert window.view.section is window.section


def test_the_denoise_dialog_asks_about_the_rest(qtbot, window, volume):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QCheckBox

    assert window.open_path(volume)
    seen = []

    def answer(accept: bool) -> None:
        dlg = QApplication.activeModalWidget()
        box = dlg.findChild(QCheckBox)
        seen.append((box.isChecked(), box.text()))
        dlg.accept() if accept else dlg.reject()

    QTimer.singleShot(0, lambda: answer(True))
    assert window.denoise.ask_rest(4, "inline", 2) is True
    assert seen[-1][0] and "other 4 inlines" in seen[-1][1] and "2 nearest" in seen[-1][1]
    QTimer.singleShot(0, lambda: answer(False))
    assert window.denoise.ask_rest(4, "inline", 9) is None
