"""CMP gathers with hyperbolic primaries from a known RMS velocity, multiples and noise.

Model: interval velocity ``vint(t) = v_top + g t + b (1 - exp(-t / tau))`` (monotone, so
Vrms(t0) increases with time), scaled per CDP by a slow lateral sine (a few %). Vrms follows
from Dix: ``Vrms^2(t0) = (1/t0) * integral_0^t0 vint^2 dt``. Primaries at ``t0`` move out as
``t = sqrt(t0^2 + x^2 / Vrms(t0)^2)``; surface multiples of the strong shallow reflector (order 2,
3) and peg-legs carry the velocity of their path, slower than the primary trend at their t0.
A zero-phase Ricker is evaluated at the exact times; band-limited noise is added at SNR =
10 log10(P_signal / P_noise) (mean squares over all samples).

Truth file keys (``OUT.truth.npz``):

======================= ================================================================
``cdp``                 (n_cmp,) CDP numbers (byte 21)
``offsets_m``           (n_cmp, n_off) absolute offsets (byte 37, rounded there)
``t0_ms``               (n_t,) time of every sample; ``vrms`` and ``vint`` (n_cmp, n_t) m/s
``primary_t0_ms``       (n_p,); ``primary_amp`` (n_p,); ``primary_vrms`` (n_cmp, n_p)
``multiple_t0_ms``      (n_m,); ``multiple_amp``; ``multiple_vrms`` (n_cmp, n_m);
                        ``multiple_kind`` 0 = surface multiple, 1 = peg-leg
``f_peak_hz``, ``snr_db`` (NaN = noise-free), ``dt_ms``
======================= ================================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from geodesk.core.segy.write import write_prestack
from geodesk.synth.truth import GENERATOR_VERSION, save_truth
from geodesk.synth.wavelets import add_events, add_noise_at_snr, bandlimited_noise, ricker


@dataclass
class CmpsResult:
    """CMP gathers ``data`` (n_cmp, n_offsets, n_samples) float32 with geometry and truth."""

    data: np.ndarray
    dt_ms: float
    cdp: np.ndarray  # (n_cmp,)
    offsets_m: np.ndarray  # (n_cmp, n_off)
    cdp_pos_m: np.ndarray  # (n_cmp,) position along the line
    seed: int | None
    params: dict
    truth: dict[str, np.ndarray] = field(default_factory=dict)

    kind = "cmps"

    def write(self, out_path: str | os.PathLike, *, format: int = 5, endian: str = "big") -> Path:
        """Write CDP-sorted SEG-Y and the truth as ``OUT.truth.npz``; returns the SEG-Y path."""
        n_m, n_o, ns = self.data.shape
        p = self.params
        az = np.radians(p["azimuth_deg"])
        mid = np.broadcast_to(self.cdp_pos_m[:, None], (n_m, n_o))
        src, grp = mid - self.offsets_m / 2, mid + self.offsets_m / 2
        to_x = lambda s: p["origin_xy"][0] + s * np.sin(az)
        to_y = lambda s: p["origin_xy"][1] + s * np.cos(az)
        shot_spacing = 2.0 * p["cdp_spacing_m"]
        ffid = (
            1
            + np.rint(src / shot_spacing).astype(np.int64)
            - int(np.floor(np.min(src) / shot_spacing))
        )
        text = [
            "GEODESK SYNTHETIC CMP GATHERS (CDP-SORTED)",
            f"GENERATOR geodesk.synth.cmps VERSION {GENERATOR_VERSION} SEED {self.seed}",
            f"CMPS {n_m} X OFFSETS {n_o}, SAMPLES {ns} AT {self.dt_ms:g} MS",
            "CDP BYTE 21, OFFSET 37, FFID 9, CHANNEL 13, CDP X/Y 181/185, SCALAR 71, METRES",
            f"PRIMARIES FROM A KNOWN VRMS(T0), MULTIPLES {p['multiples']}, SNR {p['snr_db']} DB",
            "VELOCITY TRUTH IN THE .TRUTH.NPZ FILE NEXT TO THIS ONE",
        ]
        path = write_prestack(
            out_path,
            self.data.reshape(n_m * n_o, ns),
            ffid=ffid.ravel(),
            channel=np.tile(np.arange(1, n_o + 1), n_m),
            offset=self.offsets_m.ravel(),
            cdp=np.repeat(self.cdp, n_o),
            source_xy=(to_x(src).ravel(), to_y(src).ravel()),
            group_xy=(to_x(grp).ravel(), to_y(grp).ravel()),
            dt_ms=self.dt_ms,
            cdp_trace=np.tile(np.arange(1, n_o + 1), n_m),
            sorting=2,
            format=format,
            endian=endian,
            text=text,
        )
        arrays = dict(
            self.truth, cdp=self.cdp, offsets_m=self.offsets_m, dt_ms=np.float64(self.dt_ms)
        )
        save_truth(path, self.kind, self.seed, self.params, arrays)
        return path


def vrms_from_vint(t0_s: np.ndarray, vint: np.ndarray) -> np.ndarray:
    """Dix forward: RMS velocity at every time of the regular grid ``t0_s`` (last axis)."""
    dt = t0_s[1] - t0_s[0]
    acc = np.cumsum(vint**2, axis=-1) * dt - 0.5 * dt * (vint**2 + vint[..., :1] ** 2)
    t = np.where(t0_s > 0, t0_s - t0_s[0], 1.0)
    return np.where(t0_s > t0_s[0], np.sqrt(acc / t), vint[..., :1])


def generate_cmps(
    shape: tuple[int, int, int] = (40, 48, 1000),
    *,
    seed: int | None = 0,
    dt_ms: float = 4.0,
    snr_db: float | None = 20.0,
    offset_range_m: tuple[float, float] = (100.0, 3000.0),
    irregular: bool = False,
    multiples: bool = True,
    n_primaries: int | None = None,
    first_cdp: int = 1000,
    cdp_spacing_m: float = 12.5,
    origin_xy: tuple[float, float] = (512000.0, 6230000.0),
    azimuth_deg: float = 100.0,
) -> CmpsResult:
    """Generate ``shape`` = (cmps, offsets, samples) CDP gathers whose primaries follow Vrms(t0).

    ``irregular`` jitters the offsets of every gather independently (sorted, kept in range).
    """
    n_m, n_o, ns = (int(v) for v in shape)
    if n_m < 1 or n_o < 2 or ns < 16:
        raise ValueError(f"cmps size {shape} too small (need >= 1 x 2 x 16)")
    rng, rng_noise = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    dt = dt_ms / 1000.0
    t = dt * np.arange(ns)
    t_end = t[-1]
    f_peak = min(rng.uniform(20.0, 35.0), 0.25 / dt)

    v_top, grad = rng.uniform(1500.0, 1800.0), rng.uniform(300.0, 700.0)
    bump, tau = rng.uniform(200.0, 600.0), rng.uniform(0.3, 1.0)
    vint0 = v_top + grad * t + bump * (1.0 - np.exp(-t / tau))
    lateral = 1.0 + 0.04 * np.sin(
        2 * np.pi * np.arange(n_m) / max(3.0 * n_m, 30.0) * rng.uniform(0.5, 1.5)
        + rng.uniform(0, 6.3)
    )
    vint = lateral[:, None] * vint0[None, :]
    vrms = vrms_from_vint(t, vint)

    lo, hi = offset_range_m
    offsets = np.broadcast_to(np.linspace(lo, hi, n_o), (n_m, n_o)).copy()
    if irregular:
        step = (hi - lo) / max(n_o - 1, 1)
        offsets = np.sort(
            np.clip(offsets + rng.uniform(-0.45, 0.45, offsets.shape) * step, lo, hi), axis=1
        )

    # primaries: at least ~2.5 wavelet periods apart; the first one is the strong "water bottom"
    n_p = int(n_primaries or rng.integers(8, 14))
    gap = max(2.5 / f_peak, 4 * dt)
    lo_t, hi_t = 0.08 * t_end, 0.9 * t_end
    cand = np.sort(rng.uniform(lo_t, hi_t, 4 * n_p))
    p_t0 = [cand[0]]
    for c in cand[1:]:
        if c - p_t0[-1] >= gap and len(p_t0) < n_p:
            p_t0.append(c)
    p_t0 = np.array(p_t0)
    p_amp = rng.choice([-1, 1], len(p_t0)) * rng.uniform(0.3, 0.8, len(p_t0))
    p_amp[0] = 1.0
    p_v = np.stack([np.interp(p_t0, t, vrms[i]) for i in range(n_m)])

    m_t0, m_amp, m_v, m_kind = [], [], [], []
    if multiples and len(p_t0) > 1:
        t_wb = p_t0[0]
        for order in (2, 3):
            if order * t_wb < t_end:
                m_t0.append(order * t_wb)
                m_amp.append(-(0.5 ** (order - 1)))
                m_v.append(p_v[:, 0])
                m_kind.append(0)
        for k in rng.choice(np.arange(1, len(p_t0)), size=min(2, len(p_t0) - 1), replace=False):
            if p_t0[k] + t_wb < t_end:
                m_t0.append(p_t0[k] + t_wb)
                m_amp.append(-0.45 * p_amp[k])
                m_v.append(
                    np.sqrt((p_t0[k] * p_v[:, k] ** 2 + t_wb * p_v[:, 0] ** 2) / (p_t0[k] + t_wb))
                )
                m_kind.append(1)
    m_v_arr = np.stack(m_v, axis=1) if m_v else np.zeros((n_m, 0))

    n_tr = n_m * n_o
    clean = np.zeros((n_tr, ns), dtype=np.float32)
    wav = partial(ricker, f_peak=f_peak)
    sup = (1.5 / f_peak, 1.5 / f_peak)
    x = offsets.reshape(n_tr)
    for t0s, amp, v in [*zip(p_t0, p_amp, p_v.T), *zip(m_t0, m_amp, m_v_arr.T)]:
        vt = np.repeat(v, n_o)
        add_events(clean, np.sqrt(t0s**2 + (x / vt) ** 2), np.full(n_tr, amp), dt, wav, sup)
    if snr_db is not None:
        noise = bandlimited_noise(rng_noise, clean.shape, dt, 0.3 * f_peak, 2.5 * f_peak)
        data = add_noise_at_snr(clean, noise, snr_db)
    else:
        data = clean

    params = {
        "shape": [n_m, n_o, ns],
        "dt_ms": dt_ms,
        "snr_db": snr_db,
        "irregular": bool(irregular),
        "multiples": bool(multiples),
        "offset_range_m": list(offset_range_m),
        "cdp_spacing_m": cdp_spacing_m,
        "origin_xy": list(origin_xy),
        "azimuth_deg": azimuth_deg,
        "f_peak_hz": f_peak,
    }
    truth = {
        "t0_ms": 1000.0 * t,
        "vrms": vrms,
        "vint": vint,
        "primary_t0_ms": 1000.0 * p_t0,
        "primary_amp": p_amp,
        "primary_vrms": p_v,
        "multiple_t0_ms": 1000.0 * np.array(m_t0),
        "multiple_amp": np.array(m_amp),
        "multiple_vrms": m_v_arr,
        "multiple_kind": np.array(m_kind, dtype=np.int8),
        "f_peak_hz": np.float64(f_peak),
        "snr_db": np.float64(np.nan if snr_db is None else snr_db),
    }
    return CmpsResult(
        data=data.reshape(n_m, n_o, ns),
        dt_ms=float(dt_ms),
        cdp=first_cdp + np.arange(n_m),
        offsets_m=offsets,
        cdp_pos_m=cdp_spacing_m * np.arange(n_m, dtype=np.float64),
        seed=seed,
        params=params,
        truth=truth,
    )
