"""K-means facies: a seed reproduces the classes, classes are ordered by a centroid so colours
do not shuffle, constant attributes are dropped, bad input is refused, the synthetic units are
found, the model file round-trips."""

import numpy as np
import pytest

from geodesk.ml.facies import FaciesError, FaciesKMeans, k_curves


def blobs(seed=0, n=300):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 5.0, 1.0], [4.0, 0.0, 2.0], [8.0, 3.0, 0.0]])
    X = np.concatenate([rng.normal(c, 0.5, (n, 3)) for c in centres])
    return X.astype(np.float32), np.repeat(np.arange(3), n)


def test_a_fixed_seed_reproduces_the_classes():
    X, _ = blobs()
    a = FaciesKMeans(n_clusters=3, seed=7).fit(X).predict(X)
    b = FaciesKMeans(n_clusters=3, seed=7).fit(X).predict(X)
    np.testing.assert_array_equal(a, b)


def test_classes_are_numbered_by_the_chosen_attribute_whatever_the_seed_or_row_order():
    X, truth = blobs()
    perm = np.random.default_rng(3).permutation(len(X))
    for seed in (0, 1, 2, 5):
        est = FaciesKMeans(n_clusters=3, seed=seed, order_by=0).fit(X[perm])
        np.testing.assert_array_equal(est.predict(X), truth)  # ascending attribute 0
        assert np.all(np.diff(est.centers_[:, 0]) > 0)
    by_second = FaciesKMeans(n_clusters=3, seed=0, order_by=1).fit(X).predict(X)
    np.testing.assert_array_equal(by_second, np.array([2, 0, 1])[truth])  # ascending column 1


def test_a_constant_attribute_is_dropped_with_a_message():
    X, truth = blobs()
    X = np.column_stack([X, np.full(len(X), 3.5, np.float32)])
    est = FaciesKMeans(n_clusters=3, attribute_names=("a", "b", "c", "flat")).fit(X)
    assert est.kept_.tolist() == [0, 1, 2]
    assert any("flat" in m and "constant" in m for m in est.messages_)
    np.testing.assert_array_equal(est.predict(X), truth)


@pytest.mark.parametrize("X, k, needle", [
    (np.ones((50, 3)), 3, "every attribute is constant"),
    (np.random.default_rng(0).normal(size=(5, 2)), 6, "only 5 samples"),
    (np.array([[1.0, np.nan], [2.0, 1.0], [3.0, 2.0]]), 2, "NaN or Inf"),
    (np.random.default_rng(0).normal(size=(20, 2)), 1, "at least 2"),
])
def test_bad_features_are_refused_with_one_line(X, k, needle):
    with pytest.raises(FaciesError, match=needle) as exc:
        FaciesKMeans(n_clusters=k).fit(X)
    assert "\n" not in str(exc.value)


def test_the_facies_model_round_trips_through_its_file(tmp_path):
    X, _ = blobs()
    est = FaciesKMeans(n_clusters=3, seed=2, attribute_names=("a", "b", "c")).fit(X)
    back = FaciesKMeans.load(est.save(tmp_path / "facies.npz"))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    assert back.get_params() == est.get_params()


def test_elbow_and_silhouette_curves_point_at_the_true_k():
    X, _ = blobs()
    curves = k_curves(X, range(2, 7), seed=0)
    assert curves["k"] == [2, 3, 4, 5, 6]
    assert np.all(np.diff(curves["inertia"]) < 0)  # inertia falls with K
    assert curves["k"][int(np.argmax(curves["silhouette"]))] == 3
    drops = -np.diff(curves["inertia"])
    assert drops[0] > 3 * drops[1]  # the elbow at K = 3


def test_k_means_on_attributes_finds_the_units_of_the_synthetic_facies_volume(tmp_path):
    from sklearn.metrics import adjusted_rand_score

    import geodesk
    from geodesk.ml.facies_run import FaciesSettings, classify_survey
    from geodesk.synth.facies import generate_facies_volume

    vol = generate_facies_volume((12, 24, 300), seed=21)
    with geodesk.open(vol.write(tmp_path / "f.sgy")) as survey:
        res = classify_survey(survey, FaciesSettings(n_clusters=4, block=5))
        again = classify_survey(survey, FaciesSettings(n_clusters=4, block=7))
    assert adjusted_rand_score(vol.facies.ravel(), res.classes.ravel()) > 0.6  # random: 0
    np.testing.assert_array_equal(res.classes, again.classes)  # blocks change nothing


def test_merged_classes_are_reproducible_numbered_by_rms_and_stable_across_seeds(tmp_path):
    import geodesk
    from geodesk.ml.facies_run import (
        FaciesSettings,
        attribute_featurizer,
        classify_survey,
        smoothed,
    )
    from geodesk.synth.facies import generate_facies_volume

    vol = generate_facies_volume((12, 24, 300), seed=21)
    settings = FaciesSettings(n_clusters=4)
    with geodesk.open(vol.write(tmp_path / "f.sgy")) as survey:
        res = classify_survey(survey, settings)
        again = classify_survey(survey, FaciesSettings(n_clusters=4))
        other_seed = classify_survey(survey, FaciesSettings(n_clusters=4, seed=1))
    np.testing.assert_array_equal(res.classes, again.classes)  # same seed, same classes
    assert res.model.n_clusters == 6 and res.n_clusters == 4  # 2 extra, merged away
    assert sorted(set(res.groups.tolist())) == [0, 1, 2, 3]
    assert np.unique(res.classes).tolist() == [1, 2, 3, 4]
    assert any("merged" in m for m in res.messages)
    # classes are numbered by their (log) RMS, ascending, after merging too
    feats = smoothed(attribute_featurizer(settings), settings)(vol.data, vol.dt_ms)
    rms = [feats[..., 0][res.classes == k].mean() for k in range(1, 5)]
    assert np.all(np.diff(rms) > 0)
    assert np.mean(res.classes == other_seed.classes) > 0.8  # colours do not shuffle


def test_without_extra_classes_nothing_is_merged(tmp_path):
    import geodesk
    from geodesk.ml.facies_run import FaciesSettings, classify_survey
    from geodesk.synth.facies import generate_facies_volume

    vol = generate_facies_volume((6, 10, 200), seed=4)
    with geodesk.open(vol.write(tmp_path / "f.sgy")) as survey:
        res = classify_survey(survey, FaciesSettings(n_clusters=3, extra_classes=0))
        with pytest.raises(FaciesError, match="extra classes"):
            classify_survey(survey, FaciesSettings(n_clusters=3, extra_classes=-1))
    assert res.groups is None and res.n_clusters == 3 == res.model.n_clusters


def test_the_trace_penalty_cuts_traces_into_fewer_segments_and_can_be_turned_off(tmp_path):
    import geodesk
    from geodesk.ml.facies_run import FaciesSettings, classify_survey
    from geodesk.synth.facies import generate_facies_volume

    vol = generate_facies_volume((6, 10, 200), seed=4)
    with geodesk.open(vol.write(tmp_path / "f.sgy")) as survey:
        off = classify_survey(survey, FaciesSettings(n_clusters=4, trace_penalty=0.0))
        on = classify_survey(survey, FaciesSettings(n_clusters=4, trace_penalty=50.0))
        with pytest.raises(FaciesError, match="penalty"):
            classify_survey(survey, FaciesSettings(n_clusters=4, trace_penalty=-1.0))
    changes = [int((np.diff(r.classes.astype(int), axis=2) != 0).sum()) for r in (off, on)]
    assert changes[1] < changes[0]
    assert any("segments" in m for m in on.messages)
    assert not any("segments" in m for m in off.messages)
    assert set(np.unique(on.classes).tolist()) <= {1, 2, 3, 4}
