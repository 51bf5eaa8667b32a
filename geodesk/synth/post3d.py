"""Folded, faulted 3D post-stack volumes with exact truth, after Wu et al. 2019 (FaultSeg).

Model: a 1D random reflectivity series r(u) (blocky layers plus fine layering and a few strong,
isolated marker reflectors) is mapped into the volume through u(x, y, z): planar faults are
undone (last first: samples above a fault plane, its hanging wall, come from ``z - throw``),
then folding ``u = z + planar dip + (1.5 z / n_t) * sum of 2D Gaussian bumps`` is undone. The
reflectivity volume r(u) is convolved with a Ricker wavelet and band-limited noise is added at a
chosen SNR = 10 log10(P_signal / P_noise) (mean squares over the whole volume).

Truth file keys (``OUT.truth.npz``, see :func:`geodesk.synth.truth.load_truth`):

==================== ===================================================================
``fault_labels``     uint8 (n_il, n_xl, n_t): 1 within 1 voxel of a fault plane where its
                     throw is at least half a sample
``fault_strike_deg`` (nf,) strike azimuth in index space (0 = along the inline axis)
``fault_dip_deg``    (nf,) dip from horizontal in index space (samples vs traces)
``fault_center``     (nf, 3) a point of the plane (inline index, crossline index, sample)
``fault_throw_ms``   (nf,) peak vertical throw, > 0 normal (hanging wall down), < 0 reverse
``fault_half_length``(nf,) along-strike Gaussian taper length of the throw (traces)
``horizon_ms``       float32 (nh, n_il, n_xl): two-way time of each marker reflector, NaN
                     where it is cut out by a fault or outside the record
``horizon_polarity`` (nh,) +1 where the marker is a peak, -1 a trough
``horizon_block``    int32 (nh, n_il, n_xl): bit j set if the horizon point lies in the hanging
                     wall of fault j
``trace_block``      int32 (n_il, n_xl): bit j set if fault j cuts the trace (or its label
                     zone touches it); 0 = unfaulted trace
``inlines``, ``crosslines``, ``cdp_x``, ``cdp_y``, ``dt_ms``, ``f_peak_hz``, ``snr_db``
==================== ===================================================================
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.segy.write import write_post3d
from geodesk.synth.truth import GENERATOR_VERSION, save_truth
from geodesk.synth.wavelets import add_noise_at_snr, bandlimited_noise, ricker_spectrum


@dataclass
class Post3DResult:
    """A synthetic volume ``data`` (n_il, n_xl, n_t) float32 with its geometry and truth."""

    data: np.ndarray
    inlines: np.ndarray
    crosslines: np.ndarray
    cdp_x: np.ndarray
    cdp_y: np.ndarray
    dt_ms: float
    seed: int | None
    params: dict
    truth: dict[str, np.ndarray] = field(default_factory=dict)

    kind = "post3d"

    def write(self, out_path: str | os.PathLike, *, format: int = 5, endian: str = "big") -> Path:
        """Write the volume as SEG-Y and its truth as ``OUT.truth.npz``; returns the SEG-Y path."""
        n_il, n_xl, n_t = self.data.shape
        text = [
            "GEODESK SYNTHETIC POST-STACK 3D VOLUME (FOLDED AND FAULTED LAYERS)",
            f"GENERATOR geodesk.synth.post3d VERSION {GENERATOR_VERSION} SEED {self.seed}",
            (
                f"INLINES {self.inlines[0]}-{self.inlines[-1]} BYTE 189, "
                f"CROSSLINES {self.crosslines[0]}-{self.crosslines[-1]} BYTE 193"
            ),
            f"SAMPLES {n_t} AT {self.dt_ms:g} MS, TRACES {n_il * n_xl} INLINE-SORTED",
            "CDP X/Y BYTES 181/185 WITH COORDINATE SCALAR IN BYTE 71, METRES",
            (
                f"RICKER PEAK {self.params['f_peak_hz']:.1f} HZ, FAULTS {self.params['n_faults']}, "
                f"SNR {self.params['snr_db']} DB"
            ),
            "TRUTH (FAULT LABELS, HORIZONS) IN THE .TRUTH.NPZ FILE NEXT TO THIS ONE",
        ]
        path = write_post3d(
            out_path,
            self.data,
            self.inlines,
            self.crosslines,
            self.cdp_x,
            self.cdp_y,
            dt_ms=self.dt_ms,
            format=format,
            endian=endian,
            text=text,
        )
        arrays = dict(
            self.truth,
            inlines=self.inlines,
            crosslines=self.crosslines,
            cdp_x=self.cdp_x,
            cdp_y=self.cdp_y,
            dt_ms=np.float64(self.dt_ms),
        )
        save_truth(path, self.kind, self.seed, self.params, arrays)
        return path


@dataclass(frozen=True)
class FaultFamily:
    """How faults are drawn. The defaults are the original family (one dip direction on
    inlines, slopes 2-5 samples per trace, planar); the fault-training generator widens it.

    ``both_dips``: strikes over the full circle, so inline sections see faults dipping both
    ways. ``slope_range``: true dip in samples per trace. ``throw_range``: |throw| in samples
    (None: 3 to 3 + min(0.05 n_t, 12)). ``listric_fraction``/``tip_fraction``: chance that a
    fault flattens with depth / that its throw dies out above and below. ``min_inline_slope``:
    strikes redrawn until the fault's apparent slope on inlines is at least this.
    ``section_labels``: label thickness measured on the inline section, not in 3D.
    ``log_uniform``: slopes and throws drawn log-uniformly (more gentle faults, small throws).
    """

    both_dips: bool = False
    slope_range: tuple[float, float] = (2.0, 5.0)
    throw_range: tuple[float, float] | None = None
    listric_fraction: float = 0.0
    tip_fraction: float = 0.0
    min_inline_slope: float = 0.0
    section_labels: bool = False
    log_uniform: bool = False


@dataclass(frozen=True)
class _Fault:
    strike: float
    dip_deg: float
    center: np.ndarray
    throw: float
    half_len: float
    listric_len: float = 0.0  # > 0: slope decays as exp(-d / listric_len) along the dip
    tip_sigma: float = 0.0  # > 0: Gaussian taper of the throw in depth (samples)


def _draw_faults(rng: np.random.Generator, n: int, family: FaultFamily,
                 shape: tuple[int, int, int]) -> list[_Fault]:
    """``n`` random faults of ``family`` in a volume of ``shape`` (draws in a fixed order, so
    the default family gives the original volumes)."""
    n_il, n_xl, n_t = shape
    size = float(max(n_il, n_xl))
    out = []
    for _ in range(n):
        strike = rng.uniform(0, np.pi)
        # slope of 2-5 samples per trace: at 4 ms and 25 m bins a 20-45 degree physical dip
        slope = _uniform(rng, family.slope_range, family.log_uniform)
        for _retry in range(50):
            if abs(np.sin(strike)) * slope >= family.min_inline_slope:
                break
            strike = rng.uniform(0, np.pi)
        center = rng.uniform(0.25, 0.75, 3) * (n_il, n_xl, n_t)
        lo, hi = family.throw_range or (3, 3 + min(0.05 * n_t, 12))
        throw = _uniform(rng, (lo, hi), family.log_uniform) * (1 if rng.random() < 0.7 else -1)
        half_len = rng.uniform(0.4, 1.0) * size
        listric_len = tip_sigma = 0.0
        if family.both_dips and rng.random() < 0.5:
            strike += np.pi
        if family.listric_fraction and rng.random() < family.listric_fraction:
            listric_len = rng.uniform(0.3, 1.0) * size
        if family.tip_fraction and rng.random() < family.tip_fraction:
            tip_sigma = rng.uniform(0.3, 0.8) * n_t
        out.append(_Fault(strike, float(np.degrees(np.arctan(slope))), center, throw, half_len,
                          listric_len, tip_sigma))
    return out


def _uniform(rng: np.random.Generator, span: tuple[float, float], log: bool) -> float:
    """One draw from ``span``, uniform or log-uniform (one random number either way)."""
    if log:
        return float(np.exp(rng.uniform(np.log(span[0]), np.log(span[1]))))
    return float(rng.uniform(*span))


def _fault_depth(f: _Fault, along_dip: np.ndarray) -> np.ndarray:
    """Depth (samples) of fault ``f`` at signed distance ``along_dip`` from its centre: a plane,
    or a listric surface whose slope falls from 2x to 0.3x the centre slope down-dip."""
    slope = np.tan(np.radians(f.dip_deg))
    if not f.listric_len:
        return f.center[2] + slope * along_dip
    L = f.listric_len
    d_lo, d_hi = -L * np.log(2.0), L * np.log(1 / 0.3)
    d = np.clip(along_dip, d_lo, d_hi)
    z = slope * L * (1 - np.exp(-d / L))
    z = z + 2.0 * slope * np.minimum(along_dip - d_lo, 0) + 0.3 * slope * np.maximum(along_dip - d_hi, 0)
    return f.center[2] + z


def _reflectivity(rng: np.random.Generator, n: int) -> np.ndarray:
    """Blocky layering (random thickness 1-8 samples) plus fine random layering, peak ~0.6."""
    r = 0.15 * rng.standard_normal(n)
    pos = np.cumsum(rng.integers(1, 9, size=n))
    pos = pos[pos < n]
    r[pos] += rng.standard_normal(len(pos))
    return 0.6 * r / np.max(np.abs(r))


def generate_post3d(
    shape: tuple[int, int, int] = (128, 128, 128),
    *,
    seed: int | None = 0,
    dt_ms: float = 4.0,
    snr_db: float | None = 15.0,
    n_faults: int = 3,
    f_peak_range: tuple[float, float] = (20.0, 35.0),
    n_horizons: int = 4,
    first_inline: int = 100,
    first_crossline: int = 300,
    spacing_m: tuple[float, float] = (25.0, 25.0),
    origin_xy: tuple[float, float] = (605000.0, 6075000.0),
    azimuth_deg: float = 30.0,
    faults: FaultFamily | None = None,
    wavelet: Callable[[int, float, float], np.ndarray] | None = None,
    ctx: JobContext | None = None,
) -> Post3DResult:
    """Generate a folded, faulted volume of ``shape`` = (inlines, crosslines, samples).

    The same ``seed`` gives identical data; the noise has its own random stream, so changing
    ``snr_db`` (None = noise-free) changes only the noise. ``faults`` widens the fault family
    (the fault-training generator); None keeps the original family. ``wavelet(n_fft, dt_s,
    f_peak)``: the rfft of another wavelet with its time zero at sample 0 (a causal one keeps
    its energy below the reflector, as minimum-phase data do); None: the zero-phase Ricker.
    """
    family = faults or FaultFamily()
    ctx = ctx or JobContext()
    n_il, n_xl, n_t = (int(s) for s in shape)
    if min(n_il, n_xl) < 2 or n_t < 16:
        raise ValueError(f"post3d size {shape} too small (need >= 2 x 2 x 16)")
    rng_model, rng_noise = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    dt = dt_ms / 1000.0
    f_peak = float(rng_model.uniform(*f_peak_range))
    f_peak = min(f_peak, 0.25 / dt)  # keep the wavelet well below Nyquist at coarse dt
    period = 1.0 / (f_peak * dt)  # samples per wavelet period
    # a causal wavelet rings for several periods: room for it above and below the record
    pad = int(np.ceil((1.5 if wavelet is None else 5.0) * period)) + 2
    z = np.arange(-pad, n_t + pad, dtype=np.float32)
    xi = np.arange(n_il, dtype=np.float32)[:, None]
    yi = np.arange(n_xl, dtype=np.float32)[None, :]
    size = float(max(n_il, n_xl))

    # folding: Gaussian bumps (amplitude in samples) scaled with depth, plus a planar dip
    bumps = np.zeros((n_il, n_xl), dtype=np.float32)
    for _ in range(int(rng_model.integers(3, 7))):
        c = rng_model.uniform(-0.1, 1.1, 2) * (n_il, n_xl)
        sigma = rng_model.uniform(0.12, 0.3) * size
        amp = rng_model.choice([-1, 1]) * rng_model.uniform(0.03, 0.08) * n_t
        bumps += amp * np.exp(-((xi - c[0]) ** 2 + (yi - c[1]) ** 2) / (2 * sigma**2))
    dip = (
        rng_model.uniform(-1, 1) * 0.06 * n_t / n_il * xi
        + rng_model.uniform(-1, 1) * 0.06 * n_t / n_xl * yi
    ).astype(np.float32)
    planar = dip - dip.mean()

    # faults: plane z = z0 + tan(dip) * distance along the dip direction (index space)
    faults = _draw_faults(rng_model, int(n_faults), family, (n_il, n_xl, n_t))
    ctx.progress(0.1, "faulting")

    zc = np.broadcast_to(z, (n_il, n_xl, len(z))).copy()
    labels = np.zeros((n_il, n_xl, len(z)), dtype=np.uint8)
    hw_bits = np.zeros((n_il, n_xl, len(z)), dtype=np.int32)
    trace_block = np.zeros((n_il, n_xl), dtype=np.int32)
    for j in reversed(range(len(faults))):
        f = faults[j]
        strike, dip_deg, center, throw, half_len = f.strike, f.dip_deg, f.center, f.throw, f.half_len
        dx, dy = xi - center[0], yi - center[1]
        along_dip = dx * np.cos(strike) + dy * np.sin(strike)
        along_strike = -dx * np.sin(strike) + dy * np.cos(strike)
        zf = _fault_depth(f, along_dip).astype(np.float32)
        dz = (throw * np.exp(-((along_strike / half_len) ** 2))).astype(np.float32)[..., None]
        if f.tip_sigma:  # the throw dies out above and below the fault's centre
            dz = dz * np.exp(-(((zc - center[2]) / f.tip_sigma) ** 2))
        visible = np.abs(dz) >= 0.5
        hw = zc < zf[..., None]
        if family.section_labels:
            # label thickness measured normal to the fault's trace on the inline section
            cos_dip = np.cos(np.arctan(np.abs(np.gradient(zf, axis=1))))[..., None]
        else:
            cos_dip = np.cos(np.radians(dip_deg))
        near = (np.abs((zc - zf[..., None]) * cos_dip) < 1.0) & visible
        labels |= near.astype(np.uint8)
        inside = hw[..., pad : pad + n_t]
        # cut: the plane crosses the record on this trace, or its label zone touches it
        cut = (inside.any(axis=2) & (~inside).any(axis=2) & visible.any(axis=2)) | near[
            ..., pad : pad + n_t
        ].any(axis=2)
        trace_block |= cut.astype(np.int32) << j
        hw_bits |= hw.astype(np.int32) << j
        zc = np.where(hw, zc - dz, zc)
    ctx.progress(0.35, "folding")
    u = zc + planar[..., None] + (1.5 / n_t) * zc * bumps[..., None]
    del zc

    # reflectivity on integer u, with isolated strong markers for the horizon truth
    m0 = int(np.floor(u.min())) - 2
    refl = _reflectivity(rng_model, int(np.ceil(u.max())) - m0 + 3)
    ci, cj = n_il // 2, n_xl // 2
    marker_z = np.linspace(0.15, 0.85, n_horizons) * (n_t - 1) + pad if n_horizons else []
    marker_u = np.rint(np.interp(marker_z, np.arange(len(z)), u[ci, cj])).astype(int)
    polarity = np.where(np.arange(n_horizons) % 2 == 0, 1, -1) * rng_model.choice([-1, 1])
    quiet = int(np.ceil(period))
    for mu, pol in zip(marker_u, polarity):
        k = mu - m0
        refl[max(k - quiet, 0) : k + quiet + 1] *= 0.1
        refl[k] = pol
    pos = u - m0
    i0 = np.floor(pos).astype(np.int64)
    frac = (pos - i0).astype(np.float32)
    r_vol = refl[i0].astype(np.float32) * (1 - frac) + refl[i0 + 1].astype(np.float32) * frac
    ctx.progress(0.55, "convolving")

    n_fft = len(z)
    spectrum = (wavelet or ricker_spectrum)(n_fft, dt, f_peak)
    spec = np.fft.rfft(r_vol, axis=-1) * spectrum.astype(np.complex64)
    clean = np.fft.irfft(spec, n=n_fft, axis=-1)[..., pad : pad + n_t].astype(np.float32)
    del spec, r_vol
    ctx.progress(0.75, "horizons")

    horizon_ms = np.full((n_horizons, n_il, n_xl), np.nan, dtype=np.float32)
    horizon_block = np.zeros((n_horizons, n_il, n_xl), dtype=np.int32)
    du = np.diff(u, axis=-1)
    for h, mu in enumerate(marker_u):
        cross = (u[..., 1:] >= mu) & (u[..., :-1] < mu) & (du < 3.0)
        first = np.argmax(cross, axis=-1)
        found = np.take_along_axis(cross, first[..., None], -1)[..., 0]
        u_a = np.take_along_axis(u, first[..., None], -1)[..., 0]
        t_idx = first + (mu - u_a) / np.take_along_axis(du, first[..., None], -1)[..., 0]
        t_idx = t_idx - pad
        ok = found & (t_idx >= 0) & (t_idx <= n_t - 1)
        horizon_ms[h][ok] = t_idx[ok] * dt_ms
        k = np.clip(np.rint(t_idx).astype(int) + pad, 0, len(z) - 1)
        horizon_block[h] = np.take_along_axis(hw_bits, k[..., None], -1)[..., 0]
    del u, du, hw_bits

    if snr_db is not None:
        ctx.progress(0.85, "noise")
        noise = bandlimited_noise(rng_noise, clean.shape, dt, 0.3 * f_peak, 2.5 * f_peak)
        data = add_noise_at_snr(clean, noise, snr_db)
    else:
        data = clean

    az = np.radians(azimuth_deg)
    di, dj = np.meshgrid(
        np.arange(n_il) * spacing_m[0], np.arange(n_xl) * spacing_m[1], indexing="ij"
    )
    cdp_x = origin_xy[0] + di * np.sin(az) + dj * np.cos(az)
    cdp_y = origin_xy[1] + di * np.cos(az) - dj * np.sin(az)
    params = {
        "shape": [n_il, n_xl, n_t],
        "dt_ms": dt_ms,
        "snr_db": snr_db,
        "n_faults": int(n_faults),
        "f_peak_hz": f_peak,
        "n_horizons": int(n_horizons),
        "azimuth_deg": azimuth_deg,
        "spacing_m": list(spacing_m),
        "origin_xy": list(origin_xy),
    }
    truth = {
        "fault_labels": labels[..., pad : pad + n_t],
        "fault_strike_deg": np.array([np.degrees(f.strike) for f in faults]),
        "fault_dip_deg": np.array([f.dip_deg for f in faults]),
        "fault_center": np.array([f.center for f in faults]).reshape(-1, 3),
        "fault_throw_ms": np.array([f.throw * dt_ms for f in faults]),
        "fault_half_length": np.array([f.half_len for f in faults]),
        "horizon_ms": horizon_ms,
        "horizon_polarity": polarity.astype(np.int8),
        "horizon_block": horizon_block,
        "trace_block": trace_block,
        "f_peak_hz": np.float64(f_peak),
        "snr_db": np.float64(np.nan if snr_db is None else snr_db),
    }
    ctx.progress(1.0, "done")
    return Post3DResult(
        data=data,
        inlines=first_inline + np.arange(n_il),
        crosslines=first_crossline + np.arange(n_xl),
        cdp_x=cdp_x,
        cdp_y=cdp_y,
        dt_ms=float(dt_ms),
        seed=seed,
        params=params,
        truth=truth,
    )
