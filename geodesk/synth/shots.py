"""Land shot gathers over a weathered near surface, with exact first-break truth.

Model: a weathering layer (velocity v0, thickness varying along the line) over a refractor (v1).
Per trace: direct wave ``|x| / v0``, head wave ``|x| / v1 + delay(source) + delay(receiver)``
beyond the critical distance (delay = h cos(ic) / v0), source and receiver statics, a dispersive
ground roll (slower than v0), an air wave (340 m/s), hyperbolic reflections (never before the
first break), band-limited random noise at SNR = 10 log10(P_signal / P_noise) over live traces,
dead (zero) traces and a few polarity-reversed traces. All events use a causal Berlage wavelet,
so the first-break truth is the exact ONSET of the first energy, not a peak.

Truth file keys (``OUT.truth.npz``); per-trace arrays are (n_shots, n_channels):

======================== ================================================================
``first_break_ms``       onset of the first arrival; NaN on dead traces
``dead``, ``reversed``   bool: zeroed trace / polarity flipped (truth times unaffected)
``ffid``, ``channel``    as in the headers (bytes 9, 13)
``offset_m``             signed offset group - source (byte 37, rounded there)
``source_pos_m``         (n_shots,) position along the line; ``group_pos_m`` per trace
``source_static_ms``     (n_shots,); ``receiver_static_ms`` per receiver station
``station_pos_m``        receiver stations; ``weathering_m`` and ``delay_ms`` at each
``v0``, ``v1``           weathering and refractor velocities (m/s)
``reflection_t0_ms``     zero-offset times of the reflections; ``reflection_vrms`` their velocity
``f_peak_hz``            first-arrival wavelet peak frequency; ``snr_db`` (NaN = noise-free)
======================== ================================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from geodesk.core.segy.write import write_prestack
from geodesk.synth.truth import GENERATOR_VERSION, save_truth
from geodesk.synth.wavelets import add_events, add_noise_at_snr, bandlimited_noise, berlage

AIR_VELOCITY = 340.0


@dataclass
class ShotsResult:
    """Shot gathers ``data`` (n_shots, n_channels, n_samples) float32 with geometry and truth."""

    data: np.ndarray
    dt_ms: float
    ffid: np.ndarray
    channel: np.ndarray
    offset_m: np.ndarray
    source_xy: tuple[np.ndarray, np.ndarray]  # per trace
    group_xy: tuple[np.ndarray, np.ndarray]
    cdp: np.ndarray
    seed: int | None
    params: dict
    truth: dict[str, np.ndarray] = field(default_factory=dict)

    kind = "shots"

    def write(self, out_path: str | os.PathLike, *, format: int = 5, endian: str = "big") -> Path:
        """Write the shots as SEG-Y (shot order) and the truth as ``OUT.truth.npz``."""
        n_s, n_c, ns = self.data.shape
        text = [
            "GEODESK SYNTHETIC LAND SHOT GATHERS (WEATHERED NEAR SURFACE)",
            f"GENERATOR geodesk.synth.shots VERSION {GENERATOR_VERSION} SEED {self.seed}",
            f"SHOTS {n_s} X CHANNELS {n_c}, SAMPLES {ns} AT {self.dt_ms:g} MS",
            "FFID BYTE 9, CHANNEL 13, OFFSET 37, CDP 21, SOURCE X/Y 73/77, GROUP X/Y 81/85",
            "COORDINATE SCALAR BYTE 71, METRES",
            (
                f"V0 {self.params['v0']:.0f} M/S OVER V1 {self.params['v1']:.0f} M/S, "
                f"SNR {self.params['snr_db']} DB"
            ),
            "FIRST-BREAK TRUTH (ONSET TIMES) IN THE .TRUTH.NPZ FILE NEXT TO THIS ONE",
        ]
        flat = lambda a: np.asarray(a).reshape(n_s * n_c)
        path = write_prestack(
            out_path,
            self.data.reshape(n_s * n_c, ns),
            ffid=flat(self.ffid),
            channel=flat(self.channel),
            offset=flat(self.offset_m),
            cdp=flat(self.cdp),
            source_xy=(flat(self.source_xy[0]), flat(self.source_xy[1])),
            group_xy=(flat(self.group_xy[0]), flat(self.group_xy[1])),
            dt_ms=self.dt_ms,
            sorting=1,
            format=format,
            endian=endian,
            text=text,
        )
        arrays = dict(
            self.truth,
            ffid=self.ffid,
            channel=self.channel,
            offset_m=self.offset_m,
            dt_ms=np.float64(self.dt_ms),
        )
        save_truth(path, self.kind, self.seed, self.params, arrays)
        return path


def _smooth_profile(rng: np.random.Generator, x: np.ndarray, mean: float, rel: float) -> np.ndarray:
    """A smooth positive profile along ``x``: mean * (1 + rel * sum of 3 random sines)."""
    length = max(float(np.ptp(x)), 1.0)
    prof = np.zeros_like(x, dtype=np.float64)
    for k in range(3):
        wl = length * rng.uniform(0.3, 1.5) / (k + 1)
        prof += rng.uniform(0.3, 1.0) / (k + 1) * np.sin(2 * np.pi * x / wl + rng.uniform(0, 6.3))
    return mean * (1.0 + rel * prof / max(np.max(np.abs(prof)), 1e-9))


def generate_shots(
    shape: tuple[int, int, int] = (24, 96, 1000),
    *,
    seed: int | None = 0,
    dt_ms: float = 1.0,
    snr_db: float | None = 20.0,
    receiver_spacing_m: float = 10.0,
    shot_step: int = 4,
    dead_fraction: float = 0.015,
    reversed_fraction: float = 0.01,
    n_reflections: int = 4,
    first_ffid: int = 1001,
    origin_xy: tuple[float, float] = (430000.0, 6120000.0),
    azimuth_deg: float = 60.0,
) -> ShotsResult:
    """Generate ``shape`` = (shots, channels, samples) split-spread shot gathers at ``dt_ms``.

    Shots sit half a station off the receiver grid and roll by ``shot_step`` stations.
    """
    n_s, n_c, ns = (int(v) for v in shape)
    if n_s < 1 or n_c < 2 or ns < 16:
        raise ValueError(f"shots size {shape} too small (need >= 1 x 2 x 16)")
    rng, rng_noise = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    dt = dt_ms / 1000.0
    nyq = 0.5 / dt
    dx = float(receiver_spacing_m)
    v0 = rng.uniform(500.0, 900.0)
    v1 = rng.uniform(1800.0, 3000.0)
    f_fb = min(rng.uniform(25.0, 45.0), 0.3 * nyq)

    # geometry in stations: shot k between stations src[k] and src[k] + 1
    half = n_c // 2
    src_station = half + shot_step * np.arange(n_s)
    chan = np.arange(n_c)
    rcv_station = src_station[:, None] - half + chan[None, :] + (chan[None, :] >= half)
    n_station = int(rcv_station.max()) + 2
    station_pos = dx * np.arange(n_station, dtype=np.float64)
    src_pos = dx * (src_station + 0.5)
    rcv_pos = station_pos[rcv_station]
    offset = rcv_pos - src_pos[:, None]
    dist = np.abs(offset)

    # near surface: thickness and delay time along the line, plus statics
    h = _smooth_profile(rng, station_pos, rng.uniform(8.0, 25.0), 0.35)
    cos_ic = np.sqrt(1.0 - (v0 / v1) ** 2)
    delay = h * cos_ic / v0  # s
    h_src = np.interp(src_pos, station_pos, h)
    delay_src = np.interp(src_pos, station_pos, delay)
    src_static = np.clip(rng.normal(0.0, 0.002, n_s), -0.005, 0.005)
    rcv_static = np.clip(rng.normal(0.0, 0.0015, n_station), -0.004, 0.004)
    static = src_static[:, None] + rcv_static[rcv_station]
    t0 = 0.010  # a small recording delay so that zero-offset onsets stay inside the record
    t_direct = t0 + dist / v0 + static
    x_crit = (h_src[:, None] + h[rcv_station]) * (v0 / v1) / cos_ic
    has_head = dist >= x_crit
    t_head = np.where(
        has_head, t0 + dist / v1 + delay_src[:, None] + delay[rcv_station] + static, np.inf
    )
    t_fb = np.minimum(t_direct, t_head)

    n_tr = n_s * n_c
    clean = np.zeros((n_tr, ns), dtype=np.float32)
    flat = lambda a: np.broadcast_to(a, (n_s, n_c)).reshape(n_tr)
    scale = 1.0 / np.sqrt(1.0 + dist / (10.0 * dx))
    w_fb = partial(berlage, f_peak=f_fb)
    sup_fb = (0.0, 8.0 / f_fb)
    add_events(clean, flat(t_direct), flat(scale), dt, w_fb, sup_fb)
    head_amp = np.where(
        has_head, 0.8 * np.sqrt(np.clip(x_crit / np.maximum(dist, 1e-6), 0.05, 1.0)), 0.0
    )
    add_events(clean, flat(np.where(has_head, t_head, 0.0)), flat(head_amp), dt, w_fb, sup_fb)
    # ground roll: three modes, lower frequency travels faster (normal dispersion), all < v0
    gr_amp = rng.uniform(1.5, 3.0)
    for k, frac in enumerate((0.75, 0.6, 0.45)):
        f_gr = min((6.0 + 4.0 * k) * rng.uniform(0.9, 1.1), 0.3 * nyq)
        v_gr = frac * v0
        add_events(
            clean,
            flat(t0 + dist / v_gr + static),
            flat(gr_amp * scale / (k + 1)),
            dt,
            partial(berlage, f_peak=f_gr, damping=1.2),
            (0.0, 12.0 / f_gr),
        )
    f_air = min(60.0, 0.35 * nyq)
    t_air = t0 + dist / AIR_VELOCITY + src_static[:, None]  # the air path skips the weathering
    add_events(
        clean,
        flat(t_air),
        flat(np.where(t_air >= t_fb, 0.3 * scale, 0.0)),
        dt,
        partial(berlage, f_peak=f_air),
        (0.0, 8.0 / f_air),
    )
    # reflections below the refractor: never rendered ahead of the first break
    t_end = dt * (ns - 1)
    refl_t0 = np.sort(rng.uniform(0.25, 0.85, n_reflections)) * t_end
    refl_v = np.sort(rng.uniform(1.0, 1.4, n_reflections)) * v1
    refl_amp = rng.choice([-1, 1], n_reflections) * rng.uniform(0.15, 0.4, n_reflections)
    f_refl = min(rng.uniform(20.0, 35.0), 0.3 * nyq)
    for tr0, vr, ar in zip(refl_t0, refl_v, refl_amp):
        t_r = (
            t0
            + np.sqrt(tr0**2 + (dist / vr) ** 2)
            + delay_src[:, None]
            + delay[rcv_station]
            + static
        )
        add_events(
            clean,
            flat(t_r),
            flat(np.where(t_r >= t_fb, ar, 0.0)),
            dt,
            partial(berlage, f_peak=f_refl),
            (0.0, 8.0 / f_refl),
        )

    # dead and reversed traces
    dead = rng.random(n_tr) < dead_fraction
    reversed_ = (rng.random(n_tr) < reversed_fraction) & ~dead
    clean[dead] = 0.0
    clean[reversed_] *= -1.0
    live = ~dead
    if snr_db is not None:
        noise = bandlimited_noise(rng_noise, clean.shape, dt, 3.0, 0.6 * nyq)
        data = add_noise_at_snr(clean, noise, snr_db, mask=live)
    else:
        data = clean

    fb_ms = np.where(dead.reshape(n_s, n_c), np.nan, t_fb * 1000.0).astype(np.float32)
    fb_ms[fb_ms > 1000.0 * t_end] = np.nan  # onset after the end of the record
    az = np.radians(azimuth_deg)
    to_xy = lambda p: (origin_xy[0] + p * np.sin(az), origin_xy[1] + p * np.cos(az))
    sx, sy = to_xy(np.broadcast_to(src_pos[:, None], (n_s, n_c)))
    gx, gy = to_xy(rcv_pos)
    cdp = np.rint((src_pos[:, None] + rcv_pos) / dx).astype(np.int64) + 1  # half-station bins
    params = {
        "shape": [n_s, n_c, ns],
        "dt_ms": dt_ms,
        "snr_db": snr_db,
        "v0": v0,
        "v1": v1,
        "receiver_spacing_m": dx,
        "shot_step": shot_step,
        "f_peak_hz": f_fb,
        "azimuth_deg": azimuth_deg,
        "origin_xy": list(origin_xy),
    }
    truth = {
        "first_break_ms": fb_ms,
        "dead": dead.reshape(n_s, n_c),
        "reversed": reversed_.reshape(n_s, n_c),
        "source_pos_m": src_pos,
        "group_pos_m": rcv_pos,
        "source_static_ms": 1000.0 * src_static,
        "receiver_static_ms": 1000.0 * rcv_static,
        "station_pos_m": station_pos,
        "weathering_m": h,
        "delay_ms": 1000.0 * delay,
        "v0": np.float64(v0),
        "v1": np.float64(v1),
        "reflection_t0_ms": 1000.0 * refl_t0,
        "reflection_vrms": refl_v,
        "f_peak_hz": np.float64(f_fb),
        "snr_db": np.float64(np.nan if snr_db is None else snr_db),
    }
    return ShotsResult(
        data=data.reshape(n_s, n_c, ns),
        dt_ms=float(dt_ms),
        ffid=np.broadcast_to((first_ffid + np.arange(n_s))[:, None], (n_s, n_c)).copy(),
        channel=np.broadcast_to(chan[None, :] + 1, (n_s, n_c)).copy(),
        offset_m=offset,
        source_xy=(sx, sy),
        group_xy=(gx, gy),
        cdp=cdp,
        seed=seed,
        params=params,
        truth=truth,
    )
