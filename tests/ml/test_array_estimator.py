"""The non-torch model contract: numpy-state estimators saved as .npz, loaded without pickle."""

import numpy as np
import pytest
from sklearn.cluster import KMeans

from geodesk.ml.base import ModelFileError
from geodesk.ml.estimator import ArrayEstimator, ModelContract, read_estimator_file
from geodesk.ml.registry import get_model_class


class NearestCentroid(ArrayEstimator):
    """K-means centroids of attribute vectors; predict labels each vector by its centroid."""

    task = "facies"
    name = "test-centroids"
    state_names = ("centroids_",)

    def __init__(self, *, k: int = 3, seed: int = 0) -> None:
        self.k, self.seed = k, seed

    def fit(self, X, y=None):
        km = KMeans(n_clusters=self.k, n_init=1, random_state=self.seed).fit(np.asarray(X))
        self.centroids_ = km.cluster_centers_.astype(np.float32)
        return self

    def predict(self, x):
        d = ((np.asarray(x)[:, None, :] - self.centroids_[None]) ** 2).sum(-1)
        return d.argmin(1)


def _fitted():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(c, 0.1, (50, 2)) for c in (0.0, 3.0, 6.0)])
    return NearestCentroid(k=3, seed=1).fit(X), X


def test_an_array_estimator_round_trips_through_its_file_and_predicts_the_same(tmp_path):
    est, X = _fitted()
    est.provenance_ = {"survey": "f3.sgy"}
    path = est.save(tmp_path / "facies.npz")
    back = NearestCentroid.load(path)
    assert back.get_params() == {"k": 3, "seed": 1} and back.provenance_ == {"survey": "f3.sgy"}
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    assert len(set(est.predict(X).tolist())) == 3


def test_both_kinds_of_model_follow_the_same_contract():
    est, _ = _fitted()
    assert isinstance(est, ModelContract)
    assert isinstance(get_model_class("fault-unet")(), ModelContract)


def test_damaged_or_pickled_estimator_files_are_refused(tmp_path):
    est, _ = _fitted()
    path = est.save(tmp_path / "m.npz")
    data = bytearray(path.read_bytes())
    (tmp_path / "cut.npz").write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(ModelFileError):
        NearestCentroid.load(tmp_path / "cut.npz")
    np.savez(tmp_path / "pickled.npz", geodesk_estimator_format=np.array(1),
             meta_json=np.array('{"model": "test-centroids", "task": "facies"}'),
             centroids_=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError):  # object arrays need pickle: never loaded
        read_estimator_file(tmp_path / "pickled.npz")
    np.savez(tmp_path / "other.npz", geodesk_estimator_format=np.array(1),
             meta_json=np.array('{"model": "other", "task": "facies"}'))
    with pytest.raises(ModelFileError):
        NearestCentroid.load(tmp_path / "other.npz")
    with pytest.raises(ValueError):
        NearestCentroid().save(tmp_path / "unfitted.npz")
