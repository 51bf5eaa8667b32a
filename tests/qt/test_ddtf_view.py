"""DDTF from the Processing menu on the demo survey: learned in a job, shown as the DDTF layer
(Original / DDTF / Difference), dead traces filled, the atoms viewer shows the frame."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from tests.qt.models import wait_done


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from geodesk.synth.demo import demo_paths

    return demo_paths(tmp_path_factory.mktemp("ddtf_demo"),
                      sizes={"post3d": (12, 24, 64), "shots": (2, 8, 32), "cmps": (2, 8, 32)})


@pytest.fixture
def ddtf(window, demo):
    with threadpool_limits(1):
        assert window.open_path(demo["post3d"])
        d = window.ddtf
        d.errors = []
        d.error = d.errors.append
        yield d


def _menu_action(window, text):
    menu = window.menu("&Processing")
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_ddtf_denoise_from_the_menu_shows_the_layer_and_the_difference(qtbot, window, ddtf):
    _menu_action(window, "DDTF denoise (learned tight frame)").trigger()
    assert ddtf.show == "ddtf" and "DDTF running" in window.view.section.title
    wait_done(qtbot, ddtf.job)
    assert ddtf.errors == [] and ddtf.job.outcome == "finished"
    original = window.section.data
    shown = window.view.section.data
    assert "DDTF denoised" in window.view.section.title
    assert shown.shape == original.shape and not np.allclose(shown, original, atol=1e-4)
    assert np.abs(ddtf.model.frame_.T @ ddtf.model.frame_ - np.eye(512)).max() < 1e-5
    assert "DDTF" in window.session.layers
    ddtf.set_show("difference")
    np.testing.assert_allclose(window.view.section.data, original - shown, atol=1e-5)
    dialog = ddtf.show_atoms()
    assert dialog is not None and dialog.mosaic.shape[0] > 8 * 20  # 512 tiles of 8 x 8
    dialog.close()
    ddtf.set_show("original")
    assert window.view.section is window.section


@pytest.mark.slow
def test_ddtf_fills_dead_traces_of_the_section_on_screen(qtbot, window, ddtf, monkeypatch):
    sec = window.section
    data = sec.data.copy()
    data[[5, 11]] = 0.0
    monkeypatch.setattr(sec, "data", data)
    ddtf.run("interpolate")
    wait_done(qtbot, ddtf.job)
    out = window.view.section.data
    assert "DDTF filled" in window.view.section.title
    assert np.any(out[5]) and np.any(out[11])
    live = np.ones(len(data), dtype=bool)
    live[[5, 11]] = False
    np.testing.assert_allclose(out[live], data[live], atol=1e-6)
