"""Unsupervised seismic facies: K-means on standardised attribute vectors, classes in a stable
order, and the elbow / silhouette curves that help the user choose K.

:class:`FaciesKMeans` follows the array-estimator contract (:mod:`geodesk.ml.estimator`): fitted
state is the standardisation, the attributes kept and the ordered centroids, saved as ``.npz``.
Attributes with zero variance are dropped (said in ``messages_``). scikit-learn's ``KMeans``
does the clustering (``MiniBatchKMeans`` above ``minibatch_above`` vectors), imported when
fitting; a fixed ``seed`` reproduces the classes, and the classes are numbered by their
centroid's value of the ``order_by`` attribute (then the next ones), so colours do not shuffle
between runs or seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from geodesk.ml.estimator import ArrayEstimator

#: Vectors labelled at a time (bounds the temporary arrays to a few MB).
PREDICT_CHUNK = 1 << 16


class FaciesError(ValueError):
    """Input that cannot be classified (too few vectors, all attributes constant, NaN): one line."""


def check_features(X: np.ndarray, n_clusters: int) -> np.ndarray:
    """``X`` as a finite (n, d) float32 array with at least ``n_clusters`` vectors;
    FaciesError says what is wrong."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] < 1:
        raise FaciesError(f"attributes must be (vectors, attributes), got shape {X.shape}")
    if int(n_clusters) < 2:
        raise FaciesError(f"--clusters must be at least 2, got {n_clusters}")
    if X.shape[0] < int(n_clusters):
        raise FaciesError(f"{n_clusters} classes asked for but only {X.shape[0]} samples to "
                          "classify; choose fewer classes")
    n_bad = sum(int((~np.isfinite(X[a:a + PREDICT_CHUNK])).any(axis=1).sum())
                for a in range(0, len(X), PREDICT_CHUNK))  # in chunks: no n x d mask
    if n_bad:
        raise FaciesError(f"{n_bad} attribute vectors hold NaN or Inf "
                          "(NaN/Inf samples in the input?); fix or mute them first")
    return X.astype(np.float32, copy=False)


def column_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column (float64), in chunks: no temporary the
    size of ``X`` (numpy's ``std`` makes two)."""
    n, step = len(X), 8192
    total = np.zeros(X.shape[1])
    for a in range(0, n, step):
        total += X[a:a + step].sum(axis=0, dtype=np.float64)
    mean = total / max(n, 1)
    sq = np.zeros(X.shape[1])
    for a in range(0, n, step):
        sq += ((X[a:a + step] - mean) ** 2).sum(axis=0)
    return mean, np.sqrt(sq / max(n, 1))


class FaciesKMeans(ArrayEstimator):
    """K-means facies on standardised attributes; ``predict`` gives classes 0..K-1."""

    task = "facies"
    name = "facies_kmeans"
    version = 1
    state_names = ("mean_", "scale_", "kept_", "centers_", "inertia_")

    def __init__(self, *, n_clusters: int = 4, seed: int = 0, order_by: int = 0,
                 n_init: int = 1, max_iter: int = 100, minibatch_above: int = 2_000_000,
                 attribute_names: Sequence[str] = ()) -> None:
        self.n_clusters, self.seed, self.order_by = int(n_clusters), int(seed), int(order_by)
        self.n_init, self.max_iter = int(n_init), int(max_iter)
        self.minibatch_above = int(minibatch_above)
        self.attribute_names = tuple(attribute_names)

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> FaciesKMeans:
        """Standardise ``X`` (n, d), drop constant attributes, cluster, order the classes."""
        self.fit_predict(X)
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """:meth:`fit` and the classes (0..K-1, int16) of the vectors it was fitted on."""
        X = check_features(X, self.n_clusters)
        mean, std = column_stats(X)
        kept = np.flatnonzero(std > 1e-6 * np.maximum(np.abs(mean), 1.0))
        self.messages_ = [f"attribute {self._label(i)} is constant ({mean[i]:.4g}): dropped"
                          for i in range(X.shape[1]) if i not in set(kept.tolist())]
        if kept.size == 0:
            raise FaciesError("every attribute is constant (zero variance): nothing to classify "
                              "(a dead or constant input?)")
        self.mean_, self.scale_ = mean.astype(np.float32), np.where(std > 0, std, 1.0).astype(
            np.float32)
        self.kept_ = kept.astype(np.int64)
        km = self._clusterer(len(X)).fit(self.standardise(X))
        centers = np.asarray(km.cluster_centers_, dtype=np.float32)
        order = self.class_order(centers)
        self.centers_ = centers[order]
        self.inertia_ = np.float64(km.inertia_)
        self.n_iter_ = int(getattr(km, "n_iter_", 0))
        rank = np.empty(len(order), dtype=np.int16)
        rank[order] = np.arange(len(order), dtype=np.int16)
        return rank[km.labels_]

    def _label(self, i: int) -> str:
        return self.attribute_names[i] if i < len(self.attribute_names) else f"#{i}"

    def _clusterer(self, n: int):
        if n > self.minibatch_above:
            from sklearn.cluster import MiniBatchKMeans

            return MiniBatchKMeans(n_clusters=self.n_clusters, random_state=self.seed,
                                   n_init=max(self.n_init, 3), max_iter=self.max_iter,
                                   batch_size=4096)
        from sklearn.cluster import KMeans

        # copy_x=False: Z is our own standardised copy, KMeans may centre it in place
        return KMeans(n_clusters=self.n_clusters, random_state=self.seed, n_init=self.n_init,
                      max_iter=self.max_iter, copy_x=False)

    def class_order(self, centers: np.ndarray) -> np.ndarray:
        """Centroid order by the ``order_by`` attribute (ascending), ties by the others."""
        kept = self.kept_.tolist()
        first = kept.index(self.order_by) if self.order_by in kept else 0
        keys = [centers[:, j] for j in range(centers.shape[1]) if j != first][::-1]
        return np.lexsort((*keys, np.round(centers[:, first], 6)))

    # -- using ----------------------------------------------------------------------------------
    def standardise(self, X: np.ndarray) -> np.ndarray:
        """The kept attributes of ``X``, centred and scaled by the fitted mean and std (one
        new array, standardised in place)."""
        k = self.kept_
        # np.take: a C-ordered copy (X[:, k] is F-ordered, which KMeans would copy again)
        Z = np.take(np.asarray(X, dtype=np.float32), k, axis=1)
        Z -= self.mean_[k]
        Z /= self.scale_[k]
        return Z

    def predict(self, x: Any) -> np.ndarray:
        """Class (0..K-1, int16) of every attribute vector of ``x`` (n, d): nearest centroid."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.mean_.size:
            raise FaciesError(f"expected vectors of {self.mean_.size} attributes, got shape "
                              f"{x.shape}")
        out = np.empty(len(x), dtype=np.int16)
        c = self.centers_.astype(np.float32)
        cc = (c * c).sum(1)
        for a in range(0, len(x), PREDICT_CHUNK):
            z = self.standardise(x[a:a + PREDICT_CHUNK])
            out[a:a + len(z)] = np.argmin(cc[None, :] - 2.0 * (z @ c.T), axis=1)
        return out


def k_curves(X: np.ndarray, ks: Sequence[int], *, seed: int = 0, sample: int = 20000,
             silhouette_sample: int = 4000) -> dict[str, list[float]]:
    """Elbow (inertia per vector) and silhouette (on a sample) curves for each K of ``ks``,
    fitted on a random sample of ``sample`` vectors: what the user reads to choose K."""
    from sklearn.metrics import silhouette_score

    X = check_features(X, max(2, min(ks)))
    rng = np.random.default_rng(seed)
    if len(X) > sample:
        X = X[np.sort(rng.choice(len(X), sample, replace=False))]
    out: dict[str, list[float]] = {"k": [], "inertia": [], "silhouette": []}
    for k in ks:
        if k > len(X):
            break
        est = FaciesKMeans(n_clusters=int(k), seed=seed).fit(X)
        Z = est.standardise(X)
        labels = est.predict(X)
        out["k"].append(int(k))
        out["inertia"].append(float(est.inertia_) / len(X))
        sil = (silhouette_score(Z, labels, sample_size=min(silhouette_sample, len(Z)),
                                random_state=seed) if len(np.unique(labels)) > 1 else float("nan"))
        out["silhouette"].append(float(sil))
    return out
