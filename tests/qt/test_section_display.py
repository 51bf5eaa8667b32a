"""Section display (issue 14): wiggles at screen resolution with a density fallback, colour bars
equal to the clip shown, smooth density, overlay colours and legend, intersection marks."""

import numpy as np
import pytest
from memsurvey import MemPost3D

from geodesk.core import overlay_colours
from geodesk.core.picks import FaultSet, Horizon
from geodesk.qt.views.section_view import FALLBACK_NOTE


def _rect(item):
    return item.mapRectToParent(item.boundingRect())


def test_wiggle_raster_follows_the_visible_range_at_screen_resolution(qtbot, view):
    sec = MemPost3D(crosslines=range(200, 400)).inline(104)  # 200 traces x 50 samples
    view.set_section(sec)
    view.set_mode("va")
    assert _rect(view.wiggle) == view.image_rect()  # full view: the whole section
    full_cols = view.wiggle.image.shape[1]
    view.view_box.setRange(xRange=(49.5, 69.5), yRange=(40.0, 120.0), padding=0)
    qtbot.waitUntil(lambda: _rect(view.wiggle).width() < 30, timeout=2000)  # debounced redraw
    rect = _rect(view.wiggle)
    img = view.wiggle.image
    px_per_trace = view.view_box.width() / 20
    assert img.shape[1] / rect.width() == pytest.approx(px_per_trace, rel=0.1)
    px_per_ms = view.view_box.height() / 80.0
    assert img.shape[0] / rect.height() == pytest.approx(px_per_ms, rel=0.1)
    assert rect.left() <= 49.5 and rect.right() >= 69.5
    # magnification would have kept the full-view raster: the zoomed one has more columns per trace
    assert img.shape[1] / rect.width() > 3 * full_cols / sec.shape[0]


def test_wiggles_fall_back_to_density_when_traces_are_closer_than_two_pixels(qtbot, view):
    sec = MemPost3D(inlines=range(100, 102), crosslines=range(1500)).inline(100)
    view.set_section(sec)
    view.set_mode("wiggle")
    assert view.wiggle_fallback and not view.wiggle.isVisible()
    assert view.image.isVisible() and view.note.text() == FALLBACK_NOTE
    assert not view.note.isHidden()
    view.view_box.setRange(xRange=(100, 150), padding=0)
    qtbot.waitUntil(lambda: view.wiggle.isVisible(), timeout=2000)
    assert not view.wiggle_fallback and not view.image.isVisible() and view.note.isHidden()


def test_colour_bar_range_equals_the_clip_shown(view):
    sec = MemPost3D().inline(104)
    view.set_section(sec)
    bar = view.bars.bars["amplitude"]
    assert tuple(bar.levels()) == pytest.approx(tuple(view.image.getLevels()))
    assert tuple(bar.levels()) == pytest.approx((-view.clip_value, view.clip_value))
    assert "99 %" in bar.label
    view.set_clip_value(42.0)
    assert view.clip_value == 42.0
    assert tuple(view.image.getLevels()) == (-42.0, 42.0) == tuple(bar.levels())
    assert "42" in bar.label
    view.set_colormap("gray")
    assert np.array_equal(bar.lut[[0, -1], :3], [[0, 0, 0], [255, 255, 255]])
    assert [t.text() for t in bar.ticks][::2] == ["-42", "0", "42"]
    view.set_clip_percentile(95.0)  # back to a percentile of each section
    assert view.clip_fixed is None and tuple(bar.levels())[1] == pytest.approx(view.clip_value)


def test_smooth_density_interpolates_small_sections(view):
    sec = MemPost3D(crosslines=range(200, 218)).inline(104)  # 18 traces x 50 samples
    sec.data[:] = np.add.outer(np.arange(18.0), np.arange(50.0) ** 1.5)  # smooth, monotone
    view.set_section(sec)
    assert view.image.image.shape == (50, 18)
    view.set_smooth(True)
    img = view.image.image
    assert img.shape[0] > 50 and img.shape[1] > 18
    fy = img.shape[0] // 50
    interior = img[fy:-fy]
    # values between the samples: no run of identical rows as a magnified block would have
    assert not any(np.array_equal(interior[r], interior[r + 1]) for r in range(len(interior) - 1))
    assert _rect(view.image) == view.image_rect()
    assert np.nanmax(img) <= sec.data.max() + 1e-4


def test_overlay_legend_and_scale_rows(view):
    from geodesk.qt.views.colour_bars import LegendEntry

    view.set_section(MemPost3D().inline(104))
    view.set_legend("a", [LegendEntry("one", "#00ff00")])
    view.set_legend("b", [LegendEntry("two", "#ff00ff", "dashed")])
    assert view.legend.labels() == ["one", "two"]
    view.set_legend("a", [])
    assert view.legend.labels() == ["two"]
    view.show_overlay_scale("prob", np.zeros((256, 4), np.uint8), (0.0, 1.0), "probability")
    assert list(view.bars.bars) == ["amplitude", "prob"]
    view.hide_overlay_scale("prob")
    assert list(view.bars.bars) == ["amplitude"]


def _fault_on(window, il):
    fs = FaultSet("Faults")
    fs.add_fault(None, "Fault 1")
    fs.add_stick(None, "Fault 1", [(il, 210, 20.0), (il, 220, 150.0)], "inline", il)
    window.picks.add(window.history, fs)
    return fs


def test_default_fault_colour_is_drawn_against_the_colormap_with_a_legend_entry(window):
    survey = MemPost3D(n_samples=50)
    window.set_survey(survey)
    window.set_colormap("seismic")
    il = window.navigator.value
    fs = _fault_on(window, il)
    line = window.picking.layer.items[id(fs)][0]
    drawn = line.opts["pen"].color().name()
    assert drawn != "#ff3030"
    assert overlay_colours.distance_to_colormap(drawn, "seismic") >= overlay_colours.MIN_DISTANCE
    assert "Faults: Fault 1" in window.view.legend.labels()
    window.set_colormap("gray")  # red is visible on grey: the fault's own colour
    line = window.picking.layer.items[id(fs)][0]
    assert line.opts["pen"].color().name() == "#ff3030"


def test_new_horizon_colour_stands_out_and_fault_set_colour_button_colours_every_fault(window):
    window.set_survey(MemPost3D(n_samples=50))
    window.set_colormap("seismic")
    dock = window.interpretation_dock
    h = dock.new_object("horizon", "H1")
    assert isinstance(h, Horizon)
    assert overlay_colours.distance_to_colormap(h.colour, "seismic") >= overlay_colours.MIN_DISTANCE
    fs = _fault_on(window, window.navigator.value)
    fs.add_fault(None, "Fault 2")
    dock.refresh()
    dock.select(fs)
    assert dock.colour_button.isEnabled()
    assert dock.choose_colour("#123456")
    assert [f.colour for f in fs.faults] == ["#123456", "#123456"]
    window.history.undo()  # one step for the whole set
    assert [f.colour for f in fs.faults] == ["#ff3030", "#ff3030"]


def test_intersection_marks_show_the_other_directions_last_positions(window):
    survey = MemPost3D(n_samples=50)  # inlines 100..109, crosslines 200..238 step 2
    window.set_survey(survey)
    marks = window.section_display.intersections
    window.go_to("crossline", 210)
    window.go_to("time", 40.0)
    window.go_to("inline", 103)
    assert marks.marks() == {"v": ("crossline", 210.0), "h": ("time", 40.0)}
    pos = marks.positions_in_scene()
    assert pos["v"] == pytest.approx(float(window.view.x_of(210)[0]))
    assert pos["h"] == pytest.approx(40.0)
    window.go_to("crossline", 230)
    assert marks.marks() == {"v": ("inline", 103.0), "h": ("time", 40.0)}
    assert marks.positions_in_scene()["v"] == pytest.approx(3.0)
    window.go_to("time", 80.0)
    assert marks.marks() == {"v": ("inline", 103.0), "h": ("crossline", 230.0)}
    assert marks.positions_in_scene()["h"] == pytest.approx(15.0)
    assert any(label.startswith("intersections") for label in window.view.legend.labels())
    window.section_display.set_marks(False)
    assert marks.positions_in_scene() == {}


def test_stepping_with_picks_on_reuses_overlay_items_and_follows_the_line(qtbot, window):
    survey = MemPost3D(n_samples=50)
    window.set_survey(survey)
    h = Horizon.like_survey("H", survey)
    il, xl = np.meshgrid(survey.inlines, survey.crosslines, indexing="ij")
    h.write_tracked(None, np.ones(il.shape, dtype=bool), 20.0 + il - 100 + 0.1 * (xl - 200))
    window.picks.add(window.history, h)
    _fault_on(window, 104)
    counts = []
    for line in (102, 103, 104, 105, 104, 103):
        window.go_to("inline", line)
        counts.append(len(window.view.plot.items))
        _x, t = window.picking.layer.items[id(h)][0].getData()
        assert np.allclose(t, 20.0 + line - 100 + 0.1 * (survey.crosslines - 200))
    assert len(set(counts[3:])) == 1  # no item added or removed once the pool holds them
    qtbot.waitUntil(lambda: window.basemap.current.getData()[0] is not None
                    and len(window.basemap.current.getData()[0]) == 2, timeout=2000)
    gx, _gy = survey.grid_xy()
    assert np.allclose(window.basemap.current.getData()[0], gx[3, [0, -1]])


def test_clip_by_value_is_what_the_project_saves(window, tmp_path):
    import json

    from geodesk.synth.post3d import generate_post3d

    path = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    ctrl = window.project_controller
    assert ctrl.new_project(tmp_path / "p")
    assert window.section_display.ask_clip_value(0.25)
    assert window.view.clip_value == 0.25
    assert ctrl.save()
    folder = window.project.folder
    pointer = json.loads((folder / "project.json").read_text())
    doc = json.loads((folder / pointer["generation"] / "project.json").read_text())
    assert doc["display"]["clip_value"] == 0.25
    window.set_clip(95.0)  # back to a percentile: the saved value says so
    assert ctrl.save()
    pointer = json.loads((folder / "project.json").read_text())
    doc = json.loads((folder / pointer["generation"] / "project.json").read_text())
    assert doc["display"]["clip_value"] is None and doc["display"]["clip_percentile"] == 95.0


def test_dock_swatch_shows_the_colour_the_fault_is_drawn_in(window):
    window.set_survey(MemPost3D(n_samples=50))
    fs = _fault_on(window, window.navigator.value)
    dock = window.interpretation_dock
    window.set_colormap("seismic")
    (sub,) = [it for it in dock._items() if isinstance(it.data(0, 256), tuple)]
    colour = sub.icon(0).pixmap(12, 12).toImage().pixelColor(6, 6).name()
    assert colour == overlay_colours.drawn_colour(fs.faults[0].colour, "seismic") != "#ff3030"
    window.set_colormap("gray")
    (sub,) = [it for it in dock._items() if isinstance(it.data(0, 256), tuple)]
    assert sub.icon(0).pixmap(12, 12).toImage().pixelColor(6, 6).name() == "#ff3030"


def test_section_pixels_are_the_colour_table_of_the_clipped_amplitudes(view):
    from geodesk.core import display

    sec = MemPost3D(dead=[(4, 3)]).inline(104)
    view.set_section(sec)
    view.plot_widget.grab()  # paint once: the image builds its pixels
    q = view.image.qimage
    assert q.format() == q.Format.Format_ARGB32_Premultiplied  # Qt's fast format
    ptr = q.constBits()
    got = np.frombuffer(ptr, dtype=np.uint8, count=q.sizeInBytes()).reshape(
        q.height(), q.width(), 4)[..., [2, 1, 0, 3]]  # BGRA in memory -> RGBA
    want = display.apply_colormap(view.image.image, view.clip_value,
                                  display.colormap_lut(view.colormap))
    same = np.all(got == want, axis=2)
    assert same.mean() > 0.999
    assert (got[:, 3, 3] == 0).all()  # the dead trace is transparent
