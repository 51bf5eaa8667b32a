"""Thin layers enclosed by one class are taken into it, body by body: thick layers, layers at
the ends of the traces and dead traces stay; a body thin on most traces goes everywhere, even
where its traces disagree; the result depends only on the input."""

import numpy as np
import pytest

from geodesk.ml.facies_lateral import absorb_thin_layers, trace_runs


def layered(n_lines=3, n_traces=8, n_t=100):
    """Class 1 above sample 60, class 2 below (lines, traces, samples) int8."""
    c = np.ones((n_lines, n_traces, n_t), dtype=np.int8)
    c[..., 60:] = 2
    return c


def test_runs_give_the_classes_above_and_below_each_run():
    trace, start, end, cls, above, below = trace_runs(np.array([[1, 1, 3, 3, 3, 1], [2] * 6]))
    assert trace.tolist() == [0, 0, 0, 1]
    assert list(zip(start.tolist(), end.tolist())) == [(0, 2), (2, 5), (5, 6), (0, 6)]
    assert cls.tolist() == [1, 3, 1, 2]
    assert above.tolist() == [-1, 1, 3, -1] and below.tolist() == [3, 1, -1, -1]


def test_a_thin_layer_enclosed_by_one_class_is_taken_into_it_and_a_thick_one_stays():
    c = layered()
    c[..., 20:30] = 3  # 10 samples inside class 1
    c[..., 70:95] = 4  # 25 samples inside class 2
    out = absorb_thin_layers(c, 20)
    expected = layered()
    expected[..., 70:95] = 4
    np.testing.assert_array_equal(out, expected)
    assert c[0, 0, 25] == 3  # the input is left alone


def test_layers_at_the_ends_of_the_traces_and_dead_traces_are_left_alone():
    c = layered()
    c[..., :5] = 3  # a thin layer at the top: nothing above it
    c[:, 0, :] = 0  # a dead trace
    c[:, 1, 40:45] = 0  # a gap of no class inside class 1
    out = absorb_thin_layers(c, 20)
    np.testing.assert_array_equal(out, c)


def test_a_body_thin_on_most_traces_is_absorbed_everywhere_even_where_it_is_thick():
    """Noise made the weak stretch look thicker on a few traces: trace by trace those would
    keep it; the body as a whole is taken in, which is what the truth says."""
    truth = layered(n_traces=10)
    c = truth.copy()
    c[..., 30:40] = 3  # a 10-sample stretch of another class inside class 1...
    c[:, 8:, 30:52] = 3  # ...22 samples thick on 2 traces of 10 (most samples stay thin)
    out = absorb_thin_layers(c, 20)
    np.testing.assert_array_equal(out, truth)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(truth.ravel(), out.ravel()) > \
        adjusted_rand_score(truth.ravel(), c.ravel())


def test_a_body_thick_on_most_traces_is_kept_everywhere_even_where_it_is_thin():
    c = layered(n_traces=10)
    c[..., 30:55] = 3  # a real unit, 25 samples...
    c[:, 8:, 40:55] = 1  # ...cut thin on 2 traces of 10
    np.testing.assert_array_equal(absorb_thin_layers(c, 20), c)


def test_a_layer_enclosed_once_the_inner_one_is_gone_goes_in_a_second_round():
    c = layered()
    c[..., 20:34] = 3
    c[..., 26:28] = 4  # splits class 3 in two: only class 4 is enclosed (by 3) at first
    out = absorb_thin_layers(c, 20)
    np.testing.assert_array_equal(out, layered())


def test_the_same_input_gives_the_same_classes_and_zero_thickness_is_off():
    rng = np.random.default_rng(0)
    c = rng.integers(1, 5, (4, 6, 80)).astype(np.int8)
    np.testing.assert_array_equal(absorb_thin_layers(c, 6), absorb_thin_layers(c.copy(), 6))
    np.testing.assert_array_equal(absorb_thin_layers(c, 0), c)
    with pytest.raises(ValueError, match="lines, traces, samples"):
        absorb_thin_layers(c[0], 6)


def test_the_survey_classes_absorb_thin_layers_by_default_and_can_turn_it_off(tmp_path):
    import geodesk
    from geodesk.ml.facies import FaciesError
    from geodesk.ml.facies_run import FaciesSettings, classify_survey
    from geodesk.synth.facies import generate_facies_volume

    vol = generate_facies_volume((6, 10, 200), seed=4)
    with geodesk.open(vol.write(tmp_path / "f.sgy")) as survey:
        on = classify_survey(survey, FaciesSettings(n_clusters=4))
        off = classify_survey(survey, FaciesSettings(n_clusters=4, thin_layer_ms=0.0))
        with pytest.raises(FaciesError, match="thin-layer"):
            classify_survey(survey, FaciesSettings(n_clusters=4, thin_layer_ms=-1.0))
    assert any("thinner than 160 ms" in m for m in on.messages)
    assert not any("thinner" in m for m in off.messages)
    np.testing.assert_array_equal(on.classes, absorb_thin_layers(off.classes,
                                                                 round(160 / vol.dt_ms)))
