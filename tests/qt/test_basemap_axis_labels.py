"""Basemap axes print full coordinates; in a narrow dock they must not run into each other."""

from geodesk.qt.views.basemap import CHAR_PX, LABEL_GAP_PX, PlainAxis


def _labels(axis: PlainAxis, lo: float, hi: float, size: float) -> list[str]:
    spacing, values = axis.tickValues(lo, hi, size)[0]
    return axis.tickStrings(values, 1.0, spacing)


def test_bottom_axis_thins_seven_digit_labels_to_fit_a_narrow_dock(qtbot):
    axis = PlainAxis("bottom")
    labels = _labels(axis, 510_400.0, 513_900.0, 140.0)
    assert labels, "at least one label"
    width = sum(len(s) * CHAR_PX + LABEL_GAP_PX for s in labels)
    assert width <= 140.0


def test_bottom_axis_keeps_every_tick_where_there_is_room(qtbot):
    axis = PlainAxis("bottom")
    wide = _labels(axis, 510_400.0, 513_900.0, 1200.0)
    narrow = _labels(axis, 510_400.0, 513_900.0, 140.0)
    assert len(wide) > len(narrow)


def test_left_axis_is_left_alone(qtbot):
    axis = PlainAxis("left")
    plain = super(PlainAxis, axis).tickValues(6_223_000.0, 6_237_000.0, 140.0)
    assert axis.tickValues(6_223_000.0, 6_237_000.0, 140.0) == plain
