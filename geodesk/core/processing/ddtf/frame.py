"""Learning a data-driven tight frame (DDTF, Cai et al. 2014) from patches (numpy only).

The frame is a square orthogonal matrix W (n × n, n = samples per patch) whose columns are
the atoms (filters): coefficients C = X W, reconstruction X = C Wᵀ, WᵀW = I. The first atom
stays the constant (mean) filter; the others start as the separable DCT and are updated by
alternating hard thresholding of the coefficients with one SVD of an (n-1) × (n-1) matrix
(the orthogonal Procrustes solution), which is what makes DDTF fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


def dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II basis of length ``n``: column k is the k-th cosine."""
    t = np.arange(n)[:, None]
    k = np.arange(n)[None, :]
    m = np.cos(np.pi * (t + 0.5) * k / n) * np.sqrt(2.0 / n)
    m[:, 0] = np.sqrt(1.0 / n)
    return m


def dct_frame(patch: Sequence[int]) -> np.ndarray:
    """The separable DCT of a patch (n × n, columns = atoms, first = constant)."""
    w = np.ones((1, 1))
    for p in patch:
        w = np.kron(w, dct_matrix(int(p)))
    return w


def finest_atoms(patch: Sequence[int]) -> np.ndarray:
    """Indices of the finest DCT atoms: the upper half of the wavenumbers of every axis across
    traces (all but the last, of length > 1), at every frequency in time. Noise independent
    from trace to trace (white or band-limited in time) is at full strength there, laterally
    continuous reflections hardly. A patch along time only uses the upper half in time."""
    grids = np.meshgrid(*[np.arange(int(p)) for p in patch], indexing="ij")
    axes = [k for k, p in enumerate(patch[:-1]) if int(p) > 1] or [len(patch) - 1]
    fine = np.ones(grids[0].shape, dtype=bool)
    for k in axes:
        fine &= grids[k] >= int(patch[k]) // 2
    return np.flatnonzero(fine.ravel())


def noise_sigma(patches: np.ndarray, patch: Sequence[int]) -> float:
    """Noise standard deviation from the MAD of the finest DCT coefficients of ``patches``
    (rows), median(|c|) / 0.6745: robust to the few coefficients that carry signal."""
    atoms = dct_frame(patch)[:, finest_atoms(patch)].astype(np.float32)
    c = np.asarray(patches, dtype=np.float32) @ atoms
    return float(np.median(np.abs(c)) / 0.6745) if c.size else 0.0


def select_patches(patches: np.ndarray, n: int, rng: np.random.Generator,
                   weight: np.ndarray | None = None) -> np.ndarray:
    """Indices of ``n`` of the rows drawn without replacement with probability proportional
    to their variance (times ``weight``): Monte Carlo selection favouring the patches with
    structure (Yu et al. 2016), not only the loudest."""
    m = len(patches)
    if m <= n:
        return np.arange(m)
    var = np.var(patches, axis=1)
    if weight is not None:
        var = var * weight
    var = var + 1e-12 * max(float(var.max()), 1e-30)  # all-flat data: uniform draw
    # Efraimidis–Spirakis weighted sampling: the n largest u^(1/w)
    keys = np.log(rng.random(m)) / var
    return np.sort(np.argpartition(-keys, n - 1)[:n])


@dataclass
class LearnReport:
    """What the learning did: iterations, seconds per iteration, relative fit error, W's
    orthogonality error max|WᵀW − I|."""

    iterations: int
    seconds_per_iteration: float
    fit_error: list[float]
    orthogonality_error: float


def learn_frame(patches: np.ndarray, patch: Sequence[int], lam: float, *,
                iterations: int = 20, init: np.ndarray | None = None,
                check: Callable[[], None] | None = None) -> tuple[np.ndarray, LearnReport]:
    """Learn W (n × n) from ``patches`` (m × n rows) with threshold ``lam``; starts from the
    DCT (or ``init``). Returns (W, report); W is float64 with WᵀW = I to rounding."""
    import time

    x = np.asarray(patches, dtype=np.float32)
    n = x.shape[1]
    if n != int(np.prod(patch)):
        raise ValueError(f"patches of {n} samples do not match patch {tuple(patch)}")
    w0 = dct_frame(patch) if init is None else np.asarray(init, dtype=np.float64)
    dc, q = w0[:, :1], w0[:, 1:]  # the constant atom and a basis of its complement
    # the products run in float32 (twice as fast); the SVD and the frame stay float64, so
    # W is orthogonal to rounding whatever the products' precision
    y = np.ascontiguousarray(x @ q.astype(np.float32))  # the patches without their mean
    yt = np.ascontiguousarray(y.T)
    v = np.eye(n - 1)
    err = []
    norm = float(np.sum(y.astype(np.float64) ** 2)) or 1.0
    t0 = time.perf_counter()
    for _ in range(int(iterations)):
        if check is not None:
            check()
        c = y @ v.astype(np.float32)
        np.multiply(c, np.abs(c) >= lam, out=c)  # hard thresholding
        u, sv, vt = np.linalg.svd((yt @ c).astype(np.float64))
        v = u @ vt  # argmin over orthogonal V of ||Y - C Vᵀ|| (Procrustes)
        # ||Y - C Vᵀ||² = ||Y||² - 2 tr(Vᵀ Yᵀ C) + ||C||², and tr(Vᵀ Yᵀ C) = sum of sv
        err.append(max(norm - 2 * float(sv.sum()) + float(np.sum(c * c, dtype=np.float64)),
                       0.0) / norm)
    dt = (time.perf_counter() - t0) / max(int(iterations), 1)
    w = np.concatenate([dc, q @ v], axis=1)
    ortho = float(np.abs(w.T @ w - np.eye(n)).max())
    return w, LearnReport(int(iterations), dt, err, ortho)


def shrink(w: np.ndarray, lam: float) -> Callable[[np.ndarray], np.ndarray]:
    """Patch rows → rows: analysis by W, hard threshold ``lam``, synthesis by Wᵀ (float32)."""
    w32 = np.asarray(w, dtype=np.float32)
    wt = np.ascontiguousarray(w32.T)

    def apply(rows: np.ndarray) -> np.ndarray:
        c = np.asarray(rows, dtype=np.float32) @ w32
        dc = c[:, 0].copy()
        c[np.abs(c) < lam] = 0.0
        c[:, 0] = dc
        return c @ wt

    return apply
