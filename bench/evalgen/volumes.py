"""Layered, folded and faulted 3D post-stack volumes with noise, for scoring denoisers only.

Built from a piecewise-constant log-impedance column indexed by relative geological time;
folding, dip and planar faults move that time through the cube, the reflectivity is the
derivative along each trace, and one of several wavelets (zero-phase Ormsby, causal Berlage,
causal Butterworth band-pass impulse response, phase-rotated Gabor) makes the traces. The noise
(white, band-limited, bursty, spiky, or a mix) is present from time zero and scaled to the
target SNR over the samples that hold data; some volumes have a zero-filled top, a muted wedge
or dead traces, zero in both the clean and the noisy volume. numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import signal

WAVELETS = ("ormsby", "berlage", "butterworth", "gabor")
NOISE_KINDS = ("white", "bandlimited", "bursty", "spiky", "mixed")


@dataclass
class EvalVolume:
    """A clean volume (inlines, crosslines, samples), its noisy version, and what was drawn."""

    clean: np.ndarray
    noisy: np.ndarray
    dt_ms: float
    filled: np.ndarray  # True where the volume is zero-filled or muted (zero in both)
    info: dict = field(default_factory=dict)


def wavelet(kind: str, dt_s: float, f_hz: float, rng: np.random.Generator
            ) -> tuple[np.ndarray, int]:
    """(samples, index of time zero) of a wavelet of dominant frequency about ``f_hz``."""
    if kind == "ormsby":
        f1, f2 = 0.25 * f_hz, 0.5 * f_hz
        f3, f4 = 1.6 * f_hz, 2.4 * f_hz
        half = int(round(0.12 / dt_s))
        t = np.arange(-half, half + 1) * dt_s

        def term(f):
            return (np.pi * f) ** 2 * np.sinc(f * t) ** 2

        w = ((term(f4) - term(f3)) / (f4 - f3) - (term(f2) - term(f1)) / (f2 - f1))
        w *= np.hanning(len(w))
        return w / np.abs(w).max(), half
    if kind == "berlage":
        n, alpha = rng.uniform(1.5, 3.0), rng.uniform(2.0, 4.0) * f_hz
        t = np.arange(int(round(0.2 / dt_s))) * dt_s
        w = t ** n * np.exp(-alpha * t) * np.cos(2 * np.pi * f_hz * t + rng.uniform(-0.5, 0.5))
        return w / np.abs(w).max(), 0
    if kind == "butterworth":
        nyq = 0.5 / dt_s
        lo, hi = 0.35 * f_hz / nyq, min(1.9 * f_hz / nyq, 0.95)
        sos = signal.butter(int(rng.integers(2, 5)), [lo, hi], btype="band", output="sos")
        imp = np.zeros(int(round(0.25 / dt_s)))
        imp[0] = 1.0
        w = signal.sosfilt(sos, imp)  # causal and minimum phase
        return w / np.abs(w).max(), 0
    if kind == "gabor":
        half = int(round(0.1 / dt_s))
        t = np.arange(-half, half + 1) * dt_s
        width = rng.uniform(0.6, 1.0) / f_hz
        w = np.exp(-(t / (0.5 * width)) ** 2) * np.cos(2 * np.pi * f_hz * t
                                                       + rng.uniform(-np.pi / 2, np.pi / 2))
        return w / np.abs(w).max(), half
    raise ValueError(f"unknown wavelet {kind!r}; choose one of {WAVELETS}")


def _log_impedance(n: int, rng: np.random.Generator) -> np.ndarray:
    """Piecewise-constant log impedance over ``n`` fine time steps (layers of gamma thickness,
    a random walk with a few strong contrasts)."""
    out = np.empty(n)
    k, z = 0, 0.0
    while k < n:
        th = max(int(rng.gamma(2.0, rng.uniform(2.0, 6.0))), 1)
        step = rng.laplace(0, 0.04) + (rng.normal(0, 0.25) if rng.random() < 0.06 else 0.0)
        z += step
        out[k:k + th] = z
        k += th
    return out


def _geological_time(shape: tuple[int, int, int], rng: np.random.Generator
                     ) -> tuple[np.ndarray, list[dict]]:
    """Relative geological time (in samples) of every voxel, and the faults drawn."""
    n_il, n_xl, n_t = shape
    il, xl, t = np.meshgrid(np.arange(n_il, dtype=float), np.arange(n_xl, dtype=float),
                            np.arange(n_t, dtype=float), indexing="ij")
    growth = 0.3 + 0.7 * t / n_t  # deeper layers are more deformed
    fold = np.zeros((n_il, n_xl))
    for _ in range(int(rng.integers(1, 4))):
        ci, cx = rng.uniform(-0.2, 1.2) * n_il, rng.uniform(-0.2, 1.2) * n_xl
        r = rng.uniform(0.2, 0.8) * n_xl
        fold += rng.uniform(-1, 1) * 0.15 * n_t * np.exp(
            -(((il[..., 0] - ci) / max(r, 1)) ** 2 + ((xl[..., 0] - cx) / r) ** 2))
    dip_i, dip_x = rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6)
    tau = t - growth * (fold[..., None] + dip_i * il + dip_x * xl)
    faults = []
    for _ in range(int(rng.choice([0, 1, 1, 2, 3]))):
        strike = rng.uniform(0, np.pi)
        i0, x0, t0 = rng.uniform(0.2, 0.8) * n_il, rng.uniform(0.2, 0.8) * n_xl, n_t / 2
        slope = rng.uniform(0.5, 6.0) * rng.choice([-1, 1])  # samples per trace across strike
        d = (il - i0) * np.cos(strike) + (xl - x0) * np.sin(strike)
        throw = rng.uniform(2.0, 14.0)
        hanging = (t - t0) > slope * d
        tau = tau - throw * hanging
        faults.append({"strike_deg": round(float(np.degrees(strike)), 1),
                       "slope": round(float(slope), 2), "throw": round(float(throw), 1)})
    return tau, faults


def _noise(kind: str, shape: tuple[int, ...], dt_s: float, f_hz: float,
           rng: np.random.Generator) -> np.ndarray:
    """Noise of ``kind`` (unit scale; independent from trace to trace)."""
    nyq = 0.5 / dt_s
    if kind == "white":
        return rng.standard_normal(shape)
    if kind == "bandlimited":
        lo = rng.uniform(0.05, 0.5) * f_hz / nyq
        hi = min(rng.uniform(1.5, 3.5) * f_hz / nyq, 0.97)
        sos = signal.butter(3, [lo, hi], btype="band", output="sos")
        return signal.sosfiltfilt(sos, rng.standard_normal(shape), axis=-1)
    if kind == "bursty":
        base = _noise("bandlimited", shape, dt_s, f_hz, rng)
        env = np.full(shape, 0.3)
        n_il, n_xl, n_t = shape
        for _ in range(int(rng.integers(4, 12))):
            a, b = sorted(rng.integers(0, n_il + 1, 2))
            c = int(rng.integers(0, n_xl))
            s = int(rng.integers(0, n_t))
            env[a:b + 1, c:c + int(rng.integers(3, 25)), s:s + int(rng.integers(10, 60))] = \
                rng.uniform(2.0, 5.0)
        return base * env
    if kind == "spiky":
        out = 0.3 * rng.standard_normal(shape)
        spikes = rng.random(shape) < rng.uniform(0.002, 0.01)
        out[spikes] += rng.standard_t(2, spikes.sum()) * 6.0
        return out
    if kind == "mixed":
        return _noise("bandlimited", shape, dt_s, f_hz, rng) \
            + 0.5 * _noise("spiky", shape, dt_s, f_hz, rng)
    raise ValueError(f"unknown noise {kind!r}; choose one of {NOISE_KINDS}")


def _filled(shape: tuple[int, int, int], rng: np.random.Generator, fills: bool | None
            ) -> tuple[np.ndarray, list[str]]:
    n_il, n_xl, n_t = shape
    mask = np.zeros(shape, dtype=bool)
    kinds: list[str] = []
    if fills is False:
        return mask, kinds
    force = fills is True
    if force or rng.random() < 0.4:
        mask[:, :, :int(rng.uniform(0.05, 0.2) * n_t)] = True
        kinds.append("zero top")
    if force or rng.random() < 0.3:
        t_edge = rng.uniform(0.2, 0.5) * n_t * (1 - np.arange(n_xl) / max(n_xl * 0.6, 1))
        if rng.random() < 0.5:
            t_edge = t_edge[::-1]
        mask |= np.arange(n_t)[None, None, :] < t_edge[None, :, None]
        kinds.append("muted wedge")
    if force or rng.random() < 0.3:
        dead = rng.random((n_il, n_xl)) < 0.02
        mask[dead] = True
        kinds.append("dead traces")
    return mask, kinds


def make_volume(shape: tuple[int, int, int] = (16, 128, 200), *, seed: int,
                snr_db: float = 0.0, dt_ms: float | None = None, noise: str | None = None,
                wavelet_kind: str | None = None, fills: bool | None = None) -> EvalVolume:
    """One evaluation volume; what is not given is drawn from ``seed`` (``fills``: None draws
    zero-filled top / muted wedge / dead traces at random, True forces them, False none)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2024, 9]))
    dt = float(dt_ms if dt_ms is not None else rng.choice([2.0, 4.0]))
    dt_s = dt / 1000.0
    f_hz = float(rng.uniform(0.06, 0.16) / dt_s)  # 6-16 % of the sampling rate
    wkind = wavelet_kind or str(rng.choice(WAVELETS))
    nkind = noise or str(rng.choice(NOISE_KINDS))
    tau, faults = _geological_time(tuple(shape), rng)
    fine = 4  # the impedance column has 4 steps per sample
    lo = int(np.floor(tau.min())) - 2
    column = _log_impedance((int(np.ceil(tau.max())) - lo + 3) * fine, rng)
    logz = column[np.clip(((tau - lo) * fine).astype(int), 0, len(column) - 1)]
    refl = np.zeros_like(logz)
    refl[..., 1:] = 0.5 * np.diff(logz, axis=-1)
    w, zero = wavelet(wkind, dt_s, f_hz, rng)
    full = signal.fftconvolve(refl, w[None, None, :], axes=-1)
    n_t = shape[2]
    clean = full[..., zero:zero + n_t]
    gain = 1.0 + 0.3 * np.sin(np.linspace(0, rng.uniform(1, 4), shape[1]) + rng.uniform(0, 6))
    clean = clean * gain[None, :, None]
    filled, fill_kinds = _filled(tuple(shape), rng, fills)
    clean[filled] = 0.0
    live = ~filled
    clean *= 10.0 ** rng.uniform(-1.0, 3.0) / max(float(np.sqrt(np.mean(clean[live] ** 2))),
                                                   1e-30)
    n = _noise(nkind, tuple(shape), dt_s, f_hz, rng)
    n[filled] = 0.0
    p_clean = float(np.mean(clean[live] ** 2))
    p_noise = float(np.mean(n[live] ** 2))
    n *= np.sqrt(p_clean / (p_noise * 10.0 ** (snr_db / 10.0)))
    info = {"seed": int(seed), "dt_ms": dt, "f_dominant_hz": round(f_hz, 1),
            "wavelet": wkind, "noise": nkind, "faults": faults, "fills": fill_kinds,
            "snr_db": float(snr_db)}
    return EvalVolume(clean.astype(np.float32), (clean + n).astype(np.float32), dt, filled, info)
