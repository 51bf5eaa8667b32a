"""Classes along each trace as a Potts chain: the exact minimum of the distances to the classes
plus a penalty per class change (dynamic programming, Viterbi), so each trace is cut into few
segments and short excursions into another class (a quiet stretch, a noisy sample near a unit
boundary) join the class around them. Units are layers many samples thick; per-sample K-means
does not know that. Qt-free; numpy only, vectorised over traces.
"""

from __future__ import annotations

import numpy as np

#: Traces regularised at a time (bounds the cost and back-pointer arrays).
TRACE_CHUNK = 1024


def group_costs(model, vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(n, G) squared distance of each attribute vector (standardised as ``model`` clusters
    them) to the nearest K-means centroid of each group; ``groups`` is the group 0..G-1 of
    each K-means class."""
    groups = np.asarray(groups)
    c = np.asarray(model.centers_, dtype=np.float32)
    z = model.standardise(np.asarray(vectors))
    d2 = (z * z).sum(1)[:, None] - 2.0 * (z @ c.T) + (c * c).sum(1)[None, :]
    n_groups = int(groups.max()) + 1
    return np.stack([d2[:, groups == g].min(1) for g in range(n_groups)], axis=1)


def trace_potts(costs: np.ndarray, penalty: float) -> np.ndarray:
    """Labels (traces, samples) int8 minimising, on every trace, the sum of ``costs``
    (traces, samples, classes) of the chosen classes plus ``penalty`` per change of class
    between neighbouring samples. Ties keep the current class, then the lowest number, so the
    result depends on nothing else; ``penalty`` 0 gives the per-sample argmin."""
    costs = np.asarray(costs)
    if costs.ndim != 3:
        raise ValueError(f"costs must be (traces, samples, classes), got shape {costs.shape}")
    n, n_t, k = costs.shape
    out = np.empty((n, n_t), dtype=np.int8)
    if n == 0 or n_t == 0:
        return out
    rows = np.arange(n)
    classes = np.arange(k)
    back = np.empty((n, n_t, k), dtype=np.int8)  # the class before each (sample, class)
    back[:, 0] = classes
    total = costs[:, 0].astype(np.float64)
    for t in range(1, n_t):
        best = total.argmin(axis=1)
        switch = total[rows, best] + float(penalty)
        stay = total <= switch[:, None]
        back[:, t] = np.where(stay, classes[None, :], best[:, None])
        total = np.where(stay, total, switch[:, None]) + costs[:, t]
    state = total.argmin(axis=1)
    for t in range(n_t - 1, -1, -1):
        out[:, t] = state
        state = back[rows, t, state]
    return out


def regularise_traces(model, vectors: np.ndarray, groups: np.ndarray, n_samples: int,
                      penalty: float) -> np.ndarray:
    """Groups 0..G-1 (int8) of ``vectors`` (traces * n_samples, d; trace after trace) by
    :func:`trace_potts` on :func:`group_costs`, :data:`TRACE_CHUNK` traces at a time."""
    n_traces = len(vectors) // max(int(n_samples), 1)
    out = np.empty((n_traces, int(n_samples)), dtype=np.int8)
    for a in range(0, n_traces, TRACE_CHUNK):
        b = min(a + TRACE_CHUNK, n_traces)
        part = vectors[a * n_samples:b * n_samples]
        costs = group_costs(model, part, groups).reshape(b - a, n_samples, -1)
        out[a:b] = trace_potts(costs, penalty)
    return out.reshape(-1)
