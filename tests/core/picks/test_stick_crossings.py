"""Where fault sticks of perpendicular sections cross a line: array search = the plain loop."""

import numpy as np

from geodesk.core.picks import FaultSet
from geodesk.core.picks.section_geometry import StickSegments, stick_crossings
from geodesk.core.section import Axis, Section
from geodesk.core.tools.base import key_to_position


def _loop_crossings(fault_set, section, line):
    """The per-stick, per-segment loop the array search replaced (the reference)."""
    other = "crossline" if section.kind == "inline" else "inline"
    col = 0 if section.kind == "inline" else 1
    out = {}
    values = np.asarray(section.axis0.values, dtype=float)
    lo, hi = values.min(), values.max()
    for f in fault_set.faults:
        for s in f.sticks:
            if s.section_kind != other or not lo <= s.section_number <= hi:
                continue
            a, t = s.points[:, col], s.points[:, 2]
            for k in range(len(s.points) - 1):
                a0, a1 = a[k], a[k + 1]
                if a0 == a1 or not min(a0, a1) <= line <= max(a0, a1):
                    continue
                w = (line - a0) / (a1 - a0)
                x = float(key_to_position(values, np.array([s.section_number]))[0])
                out.setdefault(f.colour, []).append((x, float(t[k] + w * (t[k + 1] - t[k]))))
    return [(c, np.array(v, dtype=float)) for c, v in out.items()]


def _faults(rng):
    fs = FaultSet("F")
    for name, colour in (("a", "#ff0000"), ("b", "#00ff00"), ("c", "#ff0000")):
        fs.add_fault(None, name, colour)
        for _ in range(12):  # inlines 90-130, crosslines 190-250
            kind = ["inline", "crossline"][int(rng.integers(2))]
            number = float(rng.integers(90, 131) if kind == "inline" else rng.integers(190, 251))
            n = int(rng.integers(1, 5))
            span = (195, 245) if kind == "inline" else (92, 128)  # along the stick
            vary = np.sort(rng.uniform(*span, n))[::int(rng.choice([-1, 1]))]
            if rng.random() < 0.2:
                vary[:] = vary[0]  # a vertical stick: along the line it never crosses
            pts = [(number, v, 100.0 * k + rng.uniform(0, 50)) if kind == "inline"
                   else (v, number, 100.0 * k + rng.uniform(0, 50)) for k, v in enumerate(vary)]
            fs.add_stick(None, name, pts, kind, number)
    return fs


def _section(kind, n, first, descending=False):
    values = np.arange(first, first + n, dtype=float)
    values = values[::-1] if descending else values
    axis0 = Axis(values, "crossline" if kind == "inline" else "inline")
    return Section(np.zeros((n, 10), np.float32), axis0, Axis(np.arange(10.0), "time", "ms"),
                   kind, kind)


def test_array_crossings_equal_the_stick_by_stick_loop_on_every_line():
    fs = _faults(np.random.default_rng(4))
    seg = StickSegments(fs)
    hits = 0
    for kind, sec in (("inline", _section("inline", 50, 195)),  # crosslines 195-244
                      ("crossline", _section("crossline", 30, 95)),  # inlines 95-124
                      ("crossline", _section("crossline", 40, 90, descending=True))):
        for line in np.arange(88.0, 134.0, 0.5) if kind == "inline" else range(188, 253):
            got = stick_crossings(fs, sec, float(line), seg)
            want = _loop_crossings(fs, sec, float(line))
            assert [c for c, _ in got] == [c for c, _ in want]
            for (_, g), (_, w) in zip(got, want):
                np.testing.assert_array_equal(g, w)
            hits += sum(len(g) for _, g in got)
    assert hits > 100  # lines with crossings of both colours, and lines without


def test_segments_are_rebuilt_after_an_edit_and_kept_otherwise():
    fs = _faults(np.random.default_rng(5))
    seg = StickSegments.of(fs)
    assert StickSegments.of(fs, seg) is seg
    fs.add_stick(None, "a", [(100.0, 200.0, 10.0), (100.0, 240.0, 500.0)], "inline", 100.0)
    moved = StickSegments.of(fs, seg)
    assert moved is not seg and len(moved.sticks) == len(seg.sticks) + 1
    uid = moved.sticks[-1].uid
    fs.move_node(None, uid, 1, (100.0, 230.0, 400.0))
    assert StickSegments.of(fs, moved) is not moved
    seg = StickSegments.of(fs)
    fs.set_fault_colour(None, "b", "#0000ff")
    recoloured = StickSegments.of(fs, seg)
    assert recoloured is not seg and "#0000ff" in recoloured.colours
