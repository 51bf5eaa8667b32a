"""Processing ▸ Facies… on a small demo survey: the job runs in the background, the Facies layer
appears over the section with one legend row per class, follows navigation, the elbow and
silhouette curves are drawn, a horizon's facies map reaches the Map dock, export round-trips."""

from __future__ import annotations

import numpy as np
import pytest

from tests.qt.models import wait_done

SMALL = {"post3d": (6, 16, 120), "shots": (2, 8, 100), "cmps": (2, 8, 100)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from geodesk.synth.demo import demo_paths

    return demo_paths(tmp_path_factory.mktemp("facies_demo"), sizes=SMALL)


def wait(qtbot, handle):
    assert wait_done(qtbot, handle).outcome == "finished", handle.error


def action(window, text):
    menu = window.menu("&Processing")
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


@pytest.fixture
def facies(window, demo):
    assert window.open_path(demo["post3d"])
    f = window.features["facies"]
    f.errors = []
    f.error = f.errors.append
    return f


def test_facies_from_the_menu_shows_the_layer_with_a_legend(qtbot, window, facies):
    facies.ask = lambda dlg: (dlg.k.setValue(3), True)[1]
    action(window, "Facies (K-means)…").trigger()
    wait(qtbot, facies.job)
    assert facies.errors == []
    layer = window.session.layers.get("Facies")
    assert layer.visible and layer.placement == "over"
    classes = facies.classes_of(window.section)
    assert classes.shape == window.section.data.shape
    assert set(np.unique(classes).tolist()) <= {1, 2, 3} and len(np.unique(classes)) >= 2
    shown, _ = layer.transform(window.section)
    np.testing.assert_array_equal(shown.data, classes)
    assert facies.item.image is not None and facies.item.scene() is not None
    assert [r[0] for r in facies.legend_entries()] == ["facies 1", "facies 2", "facies 3"]
    before = classes.copy()
    window.step(1)  # the next inline: its own classes
    after = facies.classes_of(window.section)
    assert after is not None and after.shape == before.shape
    assert action(window, "Export facies…").isEnabled()


def test_elbow_and_silhouette_curves_are_drawn_in_the_dialog(qtbot, window, facies):
    from geodesk.qt.models.facies_ui import FaciesDialog

    dlg = FaciesDialog(facies, facies.settings)
    handle = dlg.show_curves()
    wait(qtbot, handle)
    assert dlg.curves["k"] == list(range(2, 11))
    assert len(dlg.plot.getPlotItem().listDataItems()) == 2
    dlg.close()


def test_the_thin_layer_thickness_set_in_the_dialog_reaches_the_run_and_is_kept(qtbot, window,
                                                                                  facies):
    facies.ask = lambda dlg: (dlg.k.setValue(3), dlg.thin_layer_ms.setValue(0.0), True)[2]
    action(window, "Facies (K-means)…").trigger()
    wait(qtbot, facies.job)
    assert facies.errors == [] and facies.settings.thin_layer_ms == 0.0
    again = type(facies.last_dialog)(facies, facies.settings)  # the next dialog shows it again
    assert again.thin_layer_ms.value() == 0.0
    assert again.thin_layer_ms.text() == "off (keep thin layers)"
    again.close()


def test_facies_along_a_horizon_goes_to_the_map_and_exports(qtbot, window, facies, tmp_path):
    from geodesk.core.exchange.facies_io import read_facies_map_csv
    from geodesk.core.picks import Horizon
    from geodesk.ml.facies_run import FaciesSettings

    survey = window.survey
    h = Horizon.like_survey("H1", survey)
    h.times[:] = 240.0
    window.picks.add(None, h)
    handle = facies.run(FaciesSettings(n_clusters=2, horizon_window_ms=40.0), "H1")
    wait(qtbot, handle)
    maps = window.features["maps"]
    assert "Facies along H1" in maps.extra
    grid = maps.extra["Facies along H1"]
    assert grid.categorical and set(np.unique(grid.values).tolist()) <= {1.0, 2.0}
    out, csv = tmp_path / "f.sgy", tmp_path / "f.csv"
    assert facies.export(str(out), str(csv))
    m = read_facies_map_csv(csv)
    assert len(m.inline) == survey.n_traces
    i = np.searchsorted(survey.inlines, m.inline)
    j = np.searchsorted(survey.crosslines, m.xline)
    np.testing.assert_array_equal(grid.values[i, j], m.facies)
    assert not facies.export(str(survey.path), None)  # never over the input
    assert "input" in facies.errors[-1]


def test_cancelling_the_facies_job_leaves_no_layer(qtbot, window, facies):
    from geodesk.ml.facies_run import FaciesSettings

    handle = facies.run(FaciesSettings(n_clusters=3, features="cae"))
    handle.cancel()
    if handle.outcome is None:
        wait_done(qtbot, handle)
    assert handle.outcome == "cancelled"
    assert facies.result is None and not window.session.layers.get("Facies").visible
    assert facies.classes_of(window.section) is None
