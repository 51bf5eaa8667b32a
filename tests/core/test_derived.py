"""Derived-section cache and work order: bounded in bytes, nearest section to the screen first."""

import threading

import numpy as np
import pytest

from geodesk.core.derived import (
    SectionCache,
    SectionQueue,
    like,
    model_input,
    neighbour_indices,
    positions,
    read_section,
)
from geodesk.core.section import Axis, Section


def test_cache_drops_the_least_recently_used_beyond_its_bytes():
    a = np.zeros((10, 10), np.float32)  # 400 bytes
    cache = SectionCache(max_bytes=1000)
    cache.put(("inline", 1.0), a)
    cache.put(("inline", 2.0), a + 2)
    assert cache.get(("inline", 1.0)) is not None  # 1 is now the most recent
    cache.put(("inline", 3.0), a + 3)
    assert ("inline", 2.0) not in cache and ("inline", 1.0) in cache
    assert list(cache) == [("inline", 1.0), ("inline", 3.0)]
    assert cache.nbytes <= 1000 and cache.room_for(400) == 2
    big = SectionCache(max_bytes=10)
    big.put("k", a)  # one item always stays, even when larger than the bound
    assert "k" in big
    cache.clear()
    assert len(cache) == 0


def test_queue_hands_out_the_nearest_to_the_focus_first_and_follows_it():
    q = SectionQueue("inline", [10.0, 11.0, 12.0, 13.0, 14.0, 15.0], focus=12.0, done=[12.0])
    assert len(q) == 5
    assert q.pop() == 13.0  # next before previous at equal distance
    assert q.pop() == 11.0
    q.focus(15.0)  # the user jumped: work goes there
    assert q.pop() == 15.0
    assert q.pop() == 14.0
    q.discard(10.0)  # computed on demand meanwhile
    assert not q.is_pending(10.0)
    assert q.pop() is None


def test_queue_limit_keeps_the_nearest():
    q = SectionQueue("gather", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], focus=1.0, limit=2)
    assert {q.pop(), q.pop()} == {1.0, 2.0} and q.pop() is None
    q2 = SectionQueue("gather", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], focus=4.0, limit=3)
    got = {q2.pop(), q2.pop(), q2.pop()}
    assert got == {3.0, 4.0, 5.0} and q2.pop() is None


def test_queue_is_safe_to_pop_from_threads():
    q = SectionQueue("inline", [float(i) for i in range(500)], focus=250.0)
    seen, lock = [], threading.Lock()

    def work():
        while (v := q.pop()) is not None:
            with lock:
                seen.append(v)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == [float(i) for i in range(500)]


def test_like_keeps_axes_and_refuses_another_shape():
    sec = Section(np.ones((3, 4), np.float32), Axis(np.arange(3.0), "trace"),
                  Axis(np.arange(4.0) * 2, "time", "ms"), "gather", "g 1",
                  trace_index=np.array([5, 6, 7]), headers={"offset": np.arange(3.0)})
    out = like(sec, np.zeros((3, 4)), "g 1 denoised")
    assert out.title == "g 1 denoised" and out.data.dtype == np.float32
    assert out.trace_index is sec.trace_index and out.headers is sec.headers
    with pytest.raises(ValueError):
        like(sec, np.zeros((4, 3)), "bad")


def test_positions_and_read_section_follow_the_survey(tmp_path):
    from geodesk.core.segy.reader import open_survey
    from geodesk.synth.post3d import generate_post3d

    path = generate_post3d((3, 8, 50), seed=1, n_faults=0, n_horizons=1).write(tmp_path / "v.sgy")
    with open_survey(path) as s:
        il = positions(s, "inline")
        assert len(il) == 3 and len(positions(s, "crossline")) == 8
        sec = read_section(s, "inline", il[1])
        np.testing.assert_array_equal(sec.data, s.inline(int(il[1])).data)
        np.testing.assert_array_equal(positions(s, "time"), s.times_ms)  # navigator's choices
        with pytest.raises(ValueError):
            positions(s, "slice")
        t = s.times_ms[5]
        np.testing.assert_array_equal(read_section(s, "time", t).data, s.time_slice(t).data)
        with pytest.raises(ValueError):
            read_section(s, "slice", 100.0)


def test_neighbour_indices_mirror_at_both_ends():
    assert neighbour_indices(0, 5, 1) == [1, 0, 1]
    assert neighbour_indices(4, 5, 1) == [3, 4, 3]
    assert neighbour_indices(2, 5, 2) == [0, 1, 2, 3, 4]
    assert neighbour_indices(0, 1, 1) == [0, 0, 0]


def test_model_input_stacks_the_neighbouring_inlines_for_a_2_5d_model(tmp_path):
    import geodesk
    from geodesk.synth import generate_post3d

    r = generate_post3d((4, 6, 20), seed=1, n_horizons=0)
    with geodesk.open(r.write(tmp_path / "v.sgy")) as s:
        il = s.inlines
        sec = s.inline(int(il[0]))
        x = model_input(s, "inline", sec, float(il[0]), 1)
        assert x.shape == (3, 6, 20)
        np.testing.assert_array_equal(x[1], sec.data)
        np.testing.assert_array_equal(x[0], s.inline(int(il[1])).data)  # mirrored
        np.testing.assert_array_equal(x[2], s.inline(int(il[1])).data)
        assert model_input(s, "inline", sec, float(il[0]), 0) is sec


def _sec(data, title="s"):
    from geodesk.core.section import Axis, Section

    data = np.asarray(data, dtype=np.float32)
    return Section(data, Axis(np.arange(data.shape[0], dtype=float), "trace"),
                   Axis(np.arange(data.shape[1], dtype=float), "time", "ms"), "line", title=title)


def test_derived_layers_coexist_and_the_last_visible_instead_layer_is_shown():
    from geodesk.core.derived import DerivedLayer, DerivedLayers, like

    layers, seen = DerivedLayers(), []
    layers.connect(seen.append)
    sec = _sec(np.ones((4, 6)))
    layers.add(DerivedLayer("Denoised", lambda s: (like(s, s.data * 2, "den"), s)))
    layers.add(DerivedLayer("DDTF", lambda s: None))  # not computed yet: falls through
    layers.add(DerivedLayer("Fault probability", lambda s: (s, None), placement="over",
                            opacity=0.6))
    shown, ref = layers.displayed(sec)
    assert float(shown.data[0, 0]) == 2.0 and ref is sec
    assert [ly.name for ly in layers.placed("over")] == ["Fault probability"]
    layers.update("Denoised", visible=False)
    assert layers.displayed(sec) == (sec, None)
    assert seen == ["Denoised", "DDTF", "Fault probability", "Denoised"]
    with pytest.raises(ValueError):
        layers.add(DerivedLayer("DDTF"))
    with pytest.raises(ValueError):
        layers.update("Fault probability", opacity=1.5)
    assert layers.get("Fault probability").opacity == 0.6  # a refused edit changes nothing
    with pytest.raises(ValueError):
        DerivedLayer("x", placement="under")
