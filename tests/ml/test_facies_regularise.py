"""Classes along traces as a Potts chain: short excursions join the class around them, long
segments stay, no penalty is the per-sample choice, the result is the same chunk by chunk."""

import numpy as np

from geodesk.ml.facies_regularise import regularise_traces, trace_potts


def costs_of(labels, k=3, margin=1.0):
    """Costs (traces, samples, k): 0 for the given class, ``margin`` for the others."""
    labels = np.asarray(labels)
    c = np.full(labels.shape + (k,), margin)
    np.put_along_axis(c, labels[..., None], 0.0, axis=-1)
    return c


def test_an_isolated_single_sample_class_joins_the_class_around_it():
    trace = np.zeros(40, int)
    trace[20] = 2
    out = trace_potts(costs_of(trace[None]), penalty=5.0)
    assert np.all(out == 0)


def test_a_segment_longer_than_the_penalty_buys_stays():
    trace = np.zeros(60, int)
    trace[20:40] = 1
    out = trace_potts(costs_of(trace[None]), penalty=5.0)  # 20 samples x 1.0 > 2 x 5.0
    np.testing.assert_array_equal(out[0], trace)


def test_without_a_penalty_each_sample_takes_its_nearest_class():
    rng = np.random.default_rng(0)
    c = rng.random((5, 30, 4))
    np.testing.assert_array_equal(trace_potts(c, 0.0), c.argmin(-1))


def test_the_chain_is_the_exact_minimum_of_a_small_case():
    from itertools import product

    rng = np.random.default_rng(1)
    c = rng.random((1, 6, 3)) * 3
    penalty = 0.8

    def energy(path):
        return sum(c[0, t, s] for t, s in enumerate(path)) + penalty * np.sum(np.diff(path) != 0)

    best = min(product(range(3), repeat=6), key=energy)
    assert energy(trace_potts(c, penalty)[0]) == np.float64(energy(best))


class Centroids:
    """The two things regularise_traces needs of a fitted FaciesKMeans."""

    def __init__(self, centers):
        self.centers_ = np.asarray(centers, np.float32)

    def standardise(self, x):
        return np.asarray(x, np.float32)


def test_traces_regularised_in_chunks_equal_one_pass_and_follow_the_groups(monkeypatch):
    import geodesk.ml.facies_regularise as R

    rng = np.random.default_rng(2)
    model = Centroids([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0]])  # classes 0 and 1 are one group
    n_samples = 50
    truth = np.zeros((7, n_samples), int)
    truth[:, 25:] = 2
    v = model.centers_[truth.ravel()] + rng.normal(0, 0.3, (truth.size, 2)).astype(np.float32)
    groups = np.array([0, 0, 1])
    whole = regularise_traces(model, v, groups, n_samples, penalty=4.0)
    monkeypatch.setattr(R, "TRACE_CHUNK", 3)
    chunked = regularise_traces(model, v, groups, n_samples, penalty=4.0)
    np.testing.assert_array_equal(whole, chunked)
    np.testing.assert_array_equal(whole.reshape(truth.shape), (truth == 2).astype(np.int8))
