"""Post-stack volumes built of units of known seismic facies, for scoring facies methods only.

Written independently of ``geodesk.synth.facies``: the units are bounded by folded sinusoidal
interfaces, each facies gets a band-pass (Ormsby) wavelet of its own band and a reflectivity of
its own kind (blocky impedance steps that are laterally continuous, thin beds, an anisotropic
random field for chaotic units, a quiet unit with faint reflectivity), and band-limited noise is
added at a target SNR. The truth is the facies (0..3) of every sample. numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, signal

#: (name, Ormsby corners Hz, amplitude): parallel, thin-bedded, chaotic, quiet.
KINDS = (("parallel blocky", (6, 10, 30, 40), 1.0),
         ("thin-bedded", (20, 30, 65, 80), 0.4),
         ("chaotic", (10, 15, 45, 60), 0.7),
         ("quiet", (10, 15, 45, 60), 0.05))


@dataclass
class FaciesEval:
    """Noisy volume (inlines, crosslines, samples), facies per sample and the sample step."""

    data: np.ndarray
    facies: np.ndarray
    dt_ms: float


def ormsby(corners: tuple[float, float, float, float], dt_s: float, n: int = 65
           ) -> np.ndarray:
    """Zero-phase Ormsby wavelet of ``n`` samples (Hann-tapered), peak 1."""
    f1, f2, f3, f4 = (float(c) for c in corners)
    t = (np.arange(n) - n // 2) * dt_s

    def term(f: float) -> np.ndarray:
        return (np.pi * f) ** 2 * np.sinc(f * t) ** 2

    w = (term(f4) - term(f3)) / (f4 - f3) - (term(f2) - term(f1)) / (f2 - f1)
    w = w * np.hanning(n)
    return w / np.max(np.abs(w))


def _interfaces(rng: np.random.Generator, shape: tuple[int, int, int], n_units: int
                ) -> np.ndarray:
    n_il, n_xl, n_t = shape
    i, j = np.meshgrid(np.linspace(0, 1, n_il), np.linspace(0, 1, n_xl), indexing="ij")
    fold_amp = rng.uniform(3, 10)
    kx, ky = rng.uniform(0.5, 2.0, 2)
    phase = rng.uniform(0, 2 * np.pi)
    depths = np.sort(rng.uniform(0.1, 0.9, n_units - 1)) * n_t
    gaps = np.diff(np.concatenate([[0], depths, [n_t]]))
    while gaps.min() < 0.08 * n_t:  # redraw until every unit is thick enough
        depths = np.sort(rng.uniform(0.1, 0.9, n_units - 1)) * n_t
        gaps = np.diff(np.concatenate([[0], depths, [n_t]]))
    fold = fold_amp * np.sin(2 * np.pi * (kx * i + ky * j) + phase)
    tilt = rng.uniform(-6, 6) * (i - 0.5) + rng.uniform(-6, 6) * (j - 0.5)
    return np.stack([d + fold * (0.5 + k / n_units) + tilt for k, d in enumerate(depths)])


def make_facies_volume(shape: tuple[int, int, int] = (32, 48, 400), *, seed: int = 0,
                       dt_ms: float = 4.0, n_units: int = 5, snr_db: float | None = 12.0
                       ) -> FaciesEval:
    """A volume of ``n_units`` units, neighbours of different facies, every kind present;
    ``snr_db`` None: no noise."""
    rng = np.random.default_rng(seed + 7919)
    n_il, n_xl, n_t = shape
    kinds = list(rng.permutation(len(KINDS)))
    while len(kinds) < n_units:
        k = int(rng.integers(len(KINDS)))
        if k != kinds[-1]:
            kinds.append(k)
    bounds = _interfaces(rng, shape, n_units)
    t = np.arange(n_t, dtype=float)
    unit = np.zeros(shape, dtype=np.int64)
    for b in bounds:
        unit += t[None, None, :] >= b[:, :, None]
    facies = np.asarray(kinds)[unit].astype(np.int8)
    # relative geological time inside each unit: parallel to its base
    base = np.concatenate([np.zeros((1, n_il, n_xl)), bounds])
    rgt = t[None, None, :] - np.take_along_axis(base, unit.transpose(2, 0, 1), 0).transpose(
        1, 2, 0)
    out = np.zeros(shape)
    dt_s = dt_ms / 1000.0
    for k, (name, corners, amp) in enumerate(KINDS):
        where = facies == k
        if not where.any():
            continue
        if name == "parallel blocky":
            steps = np.cumsum(rng.exponential(6.0, 400))
            imp = np.cumsum(rng.normal(0, 1, 400))
            col = np.interp(np.arange(4 * n_t) / 2.0, steps, imp)
            logi = col[np.clip((2 * rgt).astype(int), 0, col.size - 1)]
            r = np.diff(logi, axis=2, prepend=logi[:, :, :1])
        elif name == "thin-bedded":
            col = rng.laplace(0, 1, 2 * n_t)
            r = col[np.clip(rgt.astype(int), 0, col.size - 1)]
        elif name == "chaotic":
            r = ndimage.gaussian_filter(rng.normal(0, 1, shape), (0.7, 0.7, 0.0))
        else:
            r = rng.normal(0, 1, shape)
        r = np.where(where, r, 0.0)
        r /= max(float(np.std(r[where])), 1e-12)
        out += amp * signal.fftconvolve(r, ormsby(corners, dt_s)[None, None, :], mode="same",
                                        axes=2)
    noise = signal.fftconvolve(rng.normal(0, 1, shape), ormsby((5, 10, 70, 90), dt_s)[None, None],
                               mode="same", axes=2)
    scale = 0.0 if snr_db is None else 10 ** (-snr_db / 20)
    noise *= np.sqrt(np.mean(out**2)) / max(float(np.std(noise)), 1e-12) * scale
    return FaciesEval((out + noise).astype(np.float32), facies, float(dt_ms))
