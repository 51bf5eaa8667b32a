"""Faulted 2D sections with fault masks, for evaluating fault detection only (never training).

Independent of GeoDesk's generator, with other choices everywhere:

- geology: an impedance log (gamma-distributed bed thicknesses, AR(1) log-impedance with rare
  strong contrasts) whose reflectivity is read at ``u(x, z) = z + folds``: sinusoidal folds
  growing with depth, a regional dip and a tanh flexure;
- faults: curves ``x_f(z)`` on the section (any strike shows as an apparent slope, 0.5-6 samples
  per trace, dipping either way), planar or listric (slope falling to a third with depth),
  throughgoing or dying out at tips, normal or reverse, with displacement along the fault
  (throw and heave), applied youngest first so younger faults offset older faults and their
  masks; crossing pairs and conjugate pairs (opposite dips meeting at a point) on purpose;
- wavelets: zero-phase Ormsby, causal Berlage, minimum-phase band-pass (cepstral), after
  reflectivity, so reflections stay continuous across the fault only where the geology is;
- noise from time zero: band-limited, laterally correlated noise, dipping linear noise trains,
  noise bursts on a few traces and spikes, scaled together to a chosen SNR.

Truth: ``labels`` 1 within one sample (normal distance) of a fault where its throw is at least
half a sample. numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage, signal


@dataclass
class FaultSection:
    """One section ``data`` (traces, samples) float32, its fault mask and what made it."""

    data: np.ndarray
    labels: np.ndarray
    period_samples: float
    snr_db: float | None
    faults: list[dict] = field(default_factory=list)
    wavelet: str = ""


# -- wavelets ------------------------------------------------------------------------------------
def ormsby(period: float, n: int = 129) -> np.ndarray:
    """Zero-phase Ormsby wavelet whose pass band centres on 1/``period`` cycles per sample."""
    fc = 1.0 / period
    f1, f2, f3, f4 = 0.35 * fc, 0.6 * fc, 1.45 * fc, 2.0 * fc
    t = np.arange(n) - n // 2

    def term(f: float) -> np.ndarray:
        return (np.pi * f) ** 2 * np.sinc(f * t) ** 2

    w = (term(f4) - term(f3)) / (f4 - f3) - (term(f2) - term(f1)) / (f2 - f1)
    w *= np.hanning(n)
    return w / np.max(np.abs(w))


def berlage(period: float, rng: np.random.Generator) -> np.ndarray:
    """Causal Berlage wavelet t^m exp(-a t) cos(2 pi t / period + phi)."""
    n = int(6 * period) + 8
    t = np.arange(n, dtype=float)
    m = rng.uniform(1.0, 2.5)
    a = m / (rng.uniform(0.5, 1.2) * period)
    w = t**m * np.exp(-a * t) * np.cos(2 * np.pi * t / period + rng.uniform(-np.pi / 2, np.pi / 2))
    return w / np.max(np.abs(w))


def minimum_phase_bandpass(period: float) -> np.ndarray:
    """Minimum-phase (causal) version of a windowed band-pass FIR around 1/``period``."""
    fc = 1.0 / period
    taps = int(8 * period) | 1
    fir = signal.firwin(taps, [0.4 * fc * 2, min(1.8 * fc * 2, 0.95)], pass_zero=False,
                        window="blackman")
    w = signal.minimum_phase(fir, method="homomorphic", n_fft=4096)
    return w / np.max(np.abs(w))


def _wavelet(rng: np.random.Generator, period: float) -> tuple[np.ndarray, int, str]:
    """(wavelet, index of time zero, name) of a random kind."""
    kind = rng.choice(["ormsby", "berlage", "minphase"])
    if kind == "ormsby":
        w = ormsby(period)
        return w, len(w) // 2, "ormsby"
    if kind == "berlage":
        return berlage(period, rng), 0, "berlage"
    return minimum_phase_bandpass(period), 0, "minphase"


# -- geology -------------------------------------------------------------------------------------
def _impedance_reflectivity(rng: np.random.Generator, n: int) -> np.ndarray:
    """Reflectivity of a layered impedance log of ``n`` samples."""
    mean_bed = rng.uniform(2.5, 8.0)
    beds = rng.gamma(1.6, mean_bed / 1.6, size=n)
    tops = np.cumsum(np.maximum(beds, 0.6)).astype(int)
    tops = tops[tops < n]
    log_z = np.zeros(n)
    level = 0.0
    for a, b in zip(np.r_[0, tops], np.r_[tops, n]):
        level = 0.8 * level + 0.12 * rng.standard_normal()
        if rng.random() < 0.04:
            level += rng.choice([-1, 1]) * rng.uniform(0.3, 0.6)
        log_z[a:b] = level
    log_z += 0.01 * rng.standard_normal(n)  # fine layering
    return 0.5 * np.diff(log_z, append=log_z[-1])


def _fold_surface(rng: np.random.Generator, n_x: int, n_z: int):
    """``u(x, z)``: the depositional level of point (x, z) before faulting."""
    waves = [(rng.uniform(0.5, 4.0) * n_z / 100, rng.uniform(0.6, 3.0) * n_x,
              rng.uniform(0, 2 * np.pi)) for _ in range(int(rng.integers(1, 4)))]
    growth = rng.uniform(0.0, 1.5)
    regional = rng.uniform(-0.25, 0.25)
    flex_a, flex_x, flex_w = rng.uniform(-0.05, 0.05) * n_z, rng.uniform(0, n_x), rng.uniform(20, 60)

    def u(x: np.ndarray, z: np.ndarray) -> np.ndarray:
        amp = 1.0 + growth * z / n_z
        fold = sum(a * np.sin(2 * np.pi * x / lam + ph) for a, lam, ph in waves)
        return z - amp * fold - regional * x - flex_a * np.tanh((x - flex_x) / flex_w)

    return u


# -- faults --------------------------------------------------------------------------------------
@dataclass
class _Fault:
    x0: float  # where the fault crosses depth z0
    z0: float
    slope: float  # apparent slope at z = 0 (samples per trace, > 0)
    direction: int  # +1: the fault moves to larger x with depth
    curvature: float  # listric term (0 = planar)
    throw: float  # samples, > 0 normal
    z_top: float  # tips: throw tapers to 0 outside [z_top, z_bot]
    z_bot: float

    def x_at(self, z: np.ndarray) -> np.ndarray:
        g = (z - self.z0) / self.slope + self.curvature * (z**2 - self.z0**2)
        return self.x0 + self.direction * g

    def local_slope(self, z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 / self.slope + 2 * self.curvature * np.maximum(z, 0.0))

    def throw_at(self, z: np.ndarray) -> np.ndarray:
        span = max(self.z_bot - self.z_top, 1.0)
        s = np.clip((z - self.z_top) / span, 0.0, 1.0)
        return self.throw * np.sin(np.pi * s) ** 0.5  # ~1 for throughgoing faults

    def describe(self) -> dict:
        return {"x0": self.x0, "z0": self.z0, "slope": self.slope * self.direction,
                "listric": self.curvature > 0, "throw": self.throw,
                "tips": bool(self.z_top > -1e8)}


def _random_fault(rng: np.random.Generator, n_x: int, n_z: int, *, direction: int | None = None,
                  x0: float | None = None, z0: float | None = None) -> _Fault:
    listric = rng.random() < 0.3
    slope = float(np.exp(rng.uniform(np.log(1.5 if listric else 0.5), np.log(6.0))))
    curvature = (2.0 / (slope * n_z)) * rng.uniform(0.5, 1.0) / 2.0 if listric else 0.0
    throw = float(np.exp(rng.uniform(0.0, np.log(15.0))))
    if rng.random() < 0.25:
        throw = -throw  # reverse
    if rng.random() < 0.35:  # dies out above and below
        c, h = rng.uniform(0.3, 0.7) * n_z, rng.uniform(0.3, 0.6) * n_z
        z_top, z_bot = c - h, c + h
    else:
        z_top, z_bot = -1e9, 1e9
    return _Fault(x0=float(rng.uniform(0.15, 0.85) * n_x if x0 is None else x0),
                  z0=float(rng.uniform(0.3, 0.7) * n_z if z0 is None else z0),
                  slope=slope, direction=int(direction or rng.choice([-1, 1])),
                  curvature=curvature, throw=throw, z_top=z_top, z_bot=z_bot)


def _fault_set(rng: np.random.Generator, n_x: int, n_z: int, n_faults: int) -> list[_Fault]:
    """``n_faults`` faults, oldest first; may include a crossing or a conjugate pair."""
    faults: list[_Fault] = []
    while len(faults) < n_faults:
        if n_faults - len(faults) >= 2 and rng.random() < 0.4:
            # a pair of opposite dips through one point: crossing (X) or conjugate (one
            # ends against the other: a tip at the meeting point)
            xc, zc = rng.uniform(0.3, 0.7) * n_x, rng.uniform(0.3, 0.7) * n_z
            a = _random_fault(rng, n_x, n_z, direction=1, x0=xc, z0=zc)
            b = _random_fault(rng, n_x, n_z, direction=-1, x0=xc, z0=zc)
            if rng.random() < 0.5:  # conjugate: the younger stops at the older
                b.z_top, b.z_bot = (zc, zc + rng.uniform(0.4, 0.8) * n_z) if rng.random() < 0.5 \
                    else (zc - rng.uniform(0.4, 0.8) * n_z, zc)
            faults += [a, b]
        else:
            faults.append(_random_fault(rng, n_x, n_z))
    return faults


# -- noise ---------------------------------------------------------------------------------------
def _noise(rng: np.random.Generator, shape: tuple[int, int], period: float) -> np.ndarray:
    """Mixture of band-limited, linear, burst and spike noise with unit mean square."""
    n_x, n_z = shape
    parts = []
    # band-limited (Butterworth band around the signal band), a little correlated laterally
    fc = 1.0 / period
    sos = signal.butter(3, [max(0.3 * fc * 2, 0.01), min(3.0 * fc * 2, 0.98)], btype="band",
                        output="sos")
    g = signal.sosfiltfilt(sos, rng.standard_normal((n_x, n_z)), axis=1)
    g = ndimage.uniform_filter1d(g, size=int(rng.integers(1, 4)), axis=0)
    parts.append((g, rng.uniform(0.5, 1.0)))
    if rng.random() < 0.6:  # dipping linear trains
        lin = np.zeros(shape)
        x = np.arange(n_x)[:, None]
        z = np.arange(n_z)[None]
        for _ in range(int(rng.integers(1, 4))):
            p = rng.uniform(-4.0, 4.0)
            t0 = rng.uniform(-n_z, 2 * n_z)
            tau = z - (t0 + p * x)
            lin += np.exp(-(tau / rng.uniform(2, 6)) ** 2) * np.cos(2 * np.pi * tau / period * 0.7)
        parts.append((lin, rng.uniform(0.2, 0.6)))
    if rng.random() < 0.4:  # bursts on a few traces
        b = np.zeros(shape)
        for _ in range(int(rng.integers(1, 4))):
            a, w = int(rng.integers(0, n_x)), int(rng.integers(1, 6))
            z0, zl = int(rng.integers(0, n_z)), int(rng.integers(n_z // 8, n_z // 2))
            b[a:a + w, z0:z0 + zl] = rng.standard_normal(b[a:a + w, z0:z0 + zl].shape)
        parts.append((b, rng.uniform(0.3, 0.8)))
    if rng.random() < 0.4:  # spikes
        s = np.zeros(shape)
        k = int(rng.integers(5, 40))
        s[rng.integers(0, n_x, k), rng.integers(0, n_z, k)] = rng.laplace(size=k) * 10
        parts.append((s, rng.uniform(0.1, 0.4)))
    total = np.zeros(shape)
    for p, weight in parts:
        ms = float(np.mean(p**2))
        if ms > 0:
            total += weight * p / np.sqrt(ms)
    return total / np.sqrt(max(float(np.mean(total**2)), 1e-30))


# -- the section ---------------------------------------------------------------------------------
def fault_section(seed: int, snr_db: float | None = 10.0, *, n_traces: int = 200,
                  n_samples: int = 256, n_faults: int | None = None,
                  period_samples: float | None = None) -> FaultSection:
    """A faulted (or, with ``n_faults=0``, unfaulted) section with its fault mask.

    ``n_faults`` None draws 0-4 (no fault in about one section in six); ``period_samples``
    None draws 6-16 samples. The same seed gives the same geology whatever ``snr_db`` is.
    """
    rng_geo, rng_noise = (np.random.default_rng(s) for s in np.random.SeedSequence(
        [int(seed), 20260]).spawn(2))
    n_x, n_z = int(n_traces), int(n_samples)
    period = float(period_samples or rng_geo.uniform(6.0, 16.0))
    if n_faults is None:
        n_faults = 0 if rng_geo.random() < 1 / 6 else int(rng_geo.integers(1, 5))
    u = _fold_surface(rng_geo, n_x, n_z)
    faults = _fault_set(rng_geo, n_x, n_z, int(n_faults))
    wav, t0, wname = _wavelet(rng_geo, period)

    x, z = np.meshgrid(np.arange(n_x, dtype=float), np.arange(n_z, dtype=float), indexing="ij")
    labels = np.zeros((n_x, n_z), dtype=np.uint8)
    for f in reversed(faults):  # youngest first: undo its displacement
        xf = f.x_at(z)
        slope = f.local_slope(z)
        t = f.throw_at(z)
        near = (np.abs(x - xf) * slope / np.sqrt(1 + slope**2) < 1.0) & (np.abs(t) >= 0.5)
        labels |= near.astype(np.uint8)
        hanging = f.direction * (x - xf) > 0
        x = np.where(hanging, x - f.direction * t / slope, x)
        z = np.where(hanging, z - t, z)
    level = u(x, z)
    lo = int(np.floor(level.min())) - 2
    refl = _impedance_reflectivity(rng_geo, int(np.ceil(level.max())) - lo + 4)
    r = np.interp(level - lo, np.arange(len(refl)), refl)
    clean = signal.fftconvolve(r, wav[None], mode="full", axes=1)[:, t0:t0 + n_z]
    clean = clean / max(float(np.sqrt(np.mean(clean**2))), 1e-30)
    if snr_db is None:
        data = clean
    else:
        data = clean + _noise(rng_noise, (n_x, n_z), period) * 10 ** (-float(snr_db) / 20)
    return FaultSection(data.astype(np.float32), labels, period, snr_db,
                        [f.describe() for f in faults], wname)


def fault_suite(seed0: int, n: int, snr_db: float | None, **kw) -> list[FaultSection]:
    """``n`` sections with seeds ``seed0 .. seed0 + n - 1`` at one SNR."""
    return [fault_section(seed0 + k, snr_db, **kw) for k in range(int(n))]
