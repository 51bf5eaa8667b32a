"""Region merging of over-split K-means classes by how much they touch in space.

K-means on per-sample attributes splits a thick unit along its reflections (strong events and
the quieter gaps between them fall into different classes) while the unit boundaries are few
surfaces. Clustering into more classes than asked for and then merging, two at a time, the
pair whose shared faces are the largest share of the smaller one (a region adjacency graph),
joins those interleaved pieces and keeps units that only meet along a boundary apart.
Qt-free; numpy only.
"""

from __future__ import annotations

import numpy as np

#: Lines per chunk when counting contacts (bounds the temporary pair codes).
CHUNK_LINES = 8


def contact_counts(classes: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) symmetric counts of face-neighbour sample pairs with classes
    (i, j), from ``classes`` 1..n_classes (0 = none, not counted), along every axis."""
    c = np.asarray(classes)
    k = int(n_classes) + 1
    counts = np.zeros(k * k, dtype=np.int64)

    def add(a: np.ndarray, b: np.ndarray) -> None:
        code = a.astype(np.int64).ravel() * k + b.astype(np.int64).ravel()
        counts[:] += np.bincount(code, minlength=k * k)

    for lo in range(0, c.shape[0], CHUNK_LINES):
        part = c[lo:lo + CHUNK_LINES + 1]  # one line more: the pairs across chunks
        inner = part[:CHUNK_LINES] if part.shape[0] > CHUNK_LINES else part
        for axis in range(1, c.ndim):
            n = inner.shape[axis]
            add(np.take(inner, range(n - 1), axis=axis), np.take(inner, range(1, n), axis=axis))
        if part.shape[0] > 1:
            add(part[:-1], part[1:])
    m = counts.reshape(k, k)[1:, 1:]
    return m + m.T - np.diag(np.diag(m))


def merge_by_contact(contacts: np.ndarray, sizes: np.ndarray, n_target: int) -> np.ndarray:
    """Group of each class (0..n_target-1, numbered by first member) after merging, two at a
    time, the pair with the largest contacts / smaller size until ``n_target`` groups remain.
    Ties go to the lower class numbers, so the result depends on nothing else."""
    c = np.asarray(contacts, dtype=np.float64).copy()
    size = np.asarray(sizes, dtype=np.float64).copy()
    n = len(size)
    group = np.arange(n)
    alive = list(range(n))
    while len(alive) > max(int(n_target), 1):
        best, pair = -1.0, (alive[0], alive[1])
        for x, i in enumerate(alive):
            for j in alive[x + 1:]:
                share = c[i, j] / max(min(size[i], size[j]), 1.0)
                if share > best:
                    best, pair = share, (i, j)
        i, j = pair
        c[i, :] += c[j, :]
        c[:, i] += c[:, j]
        c[i, i] = 0.0
        size[i] += size[j]
        group[group == j] = i
        alive.remove(j)
    return np.searchsorted(np.unique(group), group)
