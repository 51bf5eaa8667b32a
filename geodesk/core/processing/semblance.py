"""Neidell-Taner semblance of a CMP gather over a range of trial stacking velocities.

For every trial velocity ``v`` and zero-offset time ``t0`` the traces are sampled along the
hyperbola ``t = sqrt(t0^2 + x^2 / v^2)`` (linear interpolation) and

    S(t0, v) = sum_w (sum_x a)^2 / sum_w (N * sum_x a^2)

over a sliding time window ``w``; ``N`` counts the traces that contribute at each sample (dead,
muted and out-of-record traces are excluded). Speed comes from the inner sums of
:mod:`~geodesk.core.processing.moveout_sums` (a compiled loop, float32), blocks of velocities
shared by two threads, cumulative sums for the window and, by default (no stretch mute), evaluating the inner sums on
a ``t0`` grid decimated to what the data bandwidth allows, then bringing the stack and its
energy back to every sample with short windowed-sinc filters before the window sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geodesk.core.processing.compiled import default_workers
from geodesk.core.processing.compiled import thread_pool as _pool
from geodesk.core.processing.moveout_sums import moveout_sums, window_sum, window_sums

#: Power (relative to the spectral peak) that marks the top of the band for the ``t0`` step.
_BAND_DB = 0.1
#: Windows with less energy than this fraction of the panel's largest are set to 0 (float32
#: round-off would otherwise turn silence into semblance).
_DEN_FLOOR = 1e-7

@dataclass
class SemblancePanel:
    """Semblance ``values[i, j]`` in [0, 1] for ``velocities[i]`` (m/s) and ``times_ms[j]``."""

    values: np.ndarray  # float32 (n_velocities, n_times)
    velocities: np.ndarray  # float64, m/s
    times_ms: np.ndarray  # float64, ms
    fold: int  # live traces used
    decimation: int  # t0 decimation the inner sums were computed at
    warnings: list[str] = field(default_factory=list)
    stack_power: np.ndarray | None = None  # float32 (n_v, n_t): squared stack along each curve

    @property
    def resolved(self) -> bool:
        """False when the gather cannot tell velocities apart (one trace, zero offsets only)."""
        return not any("no velocity resolution" in w for w in self.warnings)


def velocity_axis(vmin: float, vmax: float, dv: float) -> np.ndarray:
    """Trial velocities ``vmin, vmin + dv, …`` up to ``vmax`` inclusive (m/s)."""
    if not (vmin > 0 and vmax >= vmin and dv > 0):
        raise ValueError(f"bad velocity range {vmin}..{vmax} step {dv} "
                         "(need 0 < vmin <= vmax, dv > 0)")
    n = int(np.floor((vmax - vmin) / dv + 1e-9)) + 1
    return vmin + dv * np.arange(n, dtype=float)


def live_traces(gather: np.ndarray) -> np.ndarray:
    """Traces holding signal: finite everywhere and not all zero (dead traces are excluded)."""
    a = np.asarray(gather)
    return np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)


def band_decimation(gather: np.ndarray, dt_ms: float, window_samples: int) -> int:
    """``t0`` step (samples) at which the stack and its energy are still sampled without alias.

    The energy (a square) holds twice the data frequencies, so the step is ``1 / (4 dt f_hi)``
    with ``f_hi`` the highest frequency whose smoothed mean power is within 10 dB of the peak
    (a noise floor above -10 dB keeps the step at 1). It is also kept to a quarter window. On
    30 Hz Ricker CMPs at 2 ms with in-band noise (step 2) the panel stays within 0.02 of the
    every-sample one (bench/bench_semblance.py).
    """
    a = np.asarray(gather, dtype=np.float32)
    if a.shape[1] < 16 or dt_ms <= 0:
        return 1
    power = (np.abs(np.fft.rfft(a, axis=1)) ** 2).sum(axis=0)
    k = max(1, len(power) // 50)
    power = np.convolve(power, np.ones(k) / k, mode="same")
    if not power.max() > 0:
        return 1
    freqs = np.fft.rfftfreq(a.shape[1], d=dt_ms / 1000.0)
    f_hi = float(freqs[np.flatnonzero(power >= _BAND_DB * power.max())[-1]])
    if f_hi <= 0:
        return max(1, window_samples // 4)
    step = int(np.floor(1000.0 / (4.0 * dt_ms * f_hi)))
    return int(max(1, min(step, window_samples // 4)))


def _valid_ranges(c: np.ndarray, t0_s: np.ndarray, t_end_s: float,
                  stretch_mute_pct: float | None) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last ``t0`` index (per velocity and offset) whose sample is usable.

    Usable means inside the record (``t <= t_end``) and, with a stretch mute, within the allowed
    stretch ``(t - t0) / t0 <= pct / 100``; both bounds are monotonic in ``t0`` along a hyperbola.
    """
    c = c.astype(float)
    hi_t = np.sqrt(np.maximum(t_end_s**2 - c**2, 0.0))
    hi = np.searchsorted(t0_s, hi_t, side="right")
    hi = np.where(c > t_end_s, 0, hi)
    if stretch_mute_pct is None:
        lo = np.zeros_like(hi)
    else:
        r = (1.0 + float(stretch_mute_pct) / 100.0) ** 2 - 1.0
        lo_t = c / np.sqrt(r) if r > 0 else np.where(c > 0, np.inf, 0.0)
        lo = np.searchsorted(t0_s, lo_t, side="left")
    return lo, np.maximum(hi, lo)


def _fold(c: np.ndarray, t0_s: np.ndarray, t_end_s: float,
          stretch_mute_pct: float | None) -> tuple[np.ndarray, np.ndarray]:
    """First unmuted ``t0`` index per (velocity, offset), and the fold (n_v, n_t0).

    ``c`` is offset / velocity in samples and ``t0_s`` the zero-offset times in samples.
    """
    n_v, n_t0 = c.shape[0], len(t0_s)
    lo, hi = _valid_ranges(c, t0_s, t_end_s, stretch_mute_pct)
    ranks = np.arange(n_v)[:, None] * (n_t0 + 1)
    diff = np.zeros(n_v * (n_t0 + 1), dtype=np.int64)
    np.add.at(diff, (ranks + lo).ravel(), 1)
    np.add.at(diff, (ranks + hi).ravel(), -1)
    return lo, np.cumsum(diff.reshape(n_v, n_t0 + 1), axis=1)[:, :n_t0]




def _bandlimited_upsample(y: np.ndarray, step: int, n: int, taps: int = 4) -> np.ndarray:
    """Rows sampled every ``step`` samples -> ``n`` samples by Lanczos (windowed-sinc) filters.

    One short filter per phase (``2 * taps`` points, rows mirrored at the ends): as accurate as
    FFT interpolation for signals well inside the band, and several times cheaper.
    """
    if step == 1:
        return y[:, :n]
    n_r, m = y.shape
    pad = np.pad(y, ((0, 0), (taps, taps)), mode="reflect" if m > taps else "edge")
    out = np.empty((n_r, m * step), dtype=np.float32)
    out[:, ::step] = y
    ks = np.arange(-taps + 1, taps + 1)
    for phase in range(1, step):
        d = phase / step - ks
        h = np.sinc(d) * np.sinc(d / taps)
        h /= h.sum()
        acc = np.zeros((n_r, m), dtype=np.float32)
        for k, hk in zip(ks, h.astype(np.float32)):
            acc += hk * pad[:, taps + k:taps + k + m]
        out[:, phase::step] = acc
    return out[:, :n]


def semblance(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
              velocities: np.ndarray, *, window_ms: float = 40.0,
              stretch_mute_pct: float | None = None,
              decimate: int | str = "auto", workers: int | None = None) -> SemblancePanel:
    """Semblance panel of a CMP ``gather`` (n_traces, n_samples) for trial ``velocities`` (m/s).

    ``offsets`` may be irregular, split-spread (|offset| is used) or repeated. Dead traces are
    left out of the fold. A gather with one live trace or only zero offsets has no velocity
    resolution: the panel is flat and a warning says so. ``decimate`` is the ``t0`` step of the
    inner sums ("auto": from the data bandwidth, 1 with a stretch mute; 1: every sample, equal
    to :func:`reference_semblance` to float32 precision). ``workers`` threads share the velocity
    blocks (default: up to 2, fewer on a one-core machine).
    """
    a = np.asarray(gather, dtype=np.float32)
    t = np.asarray(times_ms, dtype=float)
    v = np.asarray(velocities, dtype=float)
    x = np.abs(np.asarray(offsets, dtype=float))
    if a.ndim != 2 or a.shape[0] != len(x) or a.shape[1] != len(t):
        raise ValueError(f"gather shape {a.shape} does not match {len(x)} offsets x "
                         f"{len(t)} times")
    if len(t) < 2:
        raise ValueError("semblance needs at least two time samples")
    if len(v) == 0 or not np.all(np.isfinite(v)) or np.any(v <= 0):
        raise ValueError("trial velocities must be positive and finite")
    if not np.all(np.isfinite(x)):
        raise ValueError("offsets must be finite")
    dt = float(t[1] - t[0])
    if dt <= 0 or not np.allclose(np.diff(t), dt, rtol=1e-4, atol=1e-6):
        raise ValueError("times must be regularly sampled and increasing")
    live = live_traces(a)
    if not live.any():
        raise ValueError("gather has no live traces: nothing to measure semblance on")
    a, x = np.ascontiguousarray(a[live]), x[live]
    notes: list[str] = []
    if len(x) == 1:
        notes.append("only one live trace: semblance is flat, no velocity resolution")
    elif np.all(x == 0):
        notes.append("all offsets are zero: semblance is flat, no velocity resolution")
    half_full = max(1, round(window_ms / 2.0 / dt))
    if decimate == "auto":  # a hard mute edge cannot be rebuilt from a decimated grid
        step = band_decimation(a, dt, 2 * half_full + 1) if stretch_mute_pct is None else 1
    else:
        step = int(decimate)
    if step < 1:
        raise ValueError(f"decimate must be >= 1, got {decimate!r}")
    t0 = t[::step]
    n_v = len(v)
    workers = default_workers() if workers is None else int(workers)
    c = (x[None, :] * (1000.0 / dt)) / v[:, None]  # offset / velocity in samples, (n_v, n_x)
    t_end_s = (a.shape[1] - 1) + t[0] / dt
    lo, _ = _fold(c, t0 / dt, t_end_s, stretch_mute_pct)
    _, fold = _fold(c, t / dt, t_end_s, stretch_mute_pct)
    stack = np.empty((n_v, len(t0)), dtype=np.float32)
    energy = np.empty((n_v, len(t0)), dtype=np.float32)
    # several blocks per thread balance the load (slow velocities are muted the most)
    n_blocks = 1 if workers <= 1 else min(n_v, 8 * workers)
    blocks = [slice(k * n_v // n_blocks, (k + 1) * n_v // n_blocks) for k in range(n_blocks)]

    def run_block(rows: slice) -> None:
        moveout_sums(a, c, t0 / dt, t[0] / dt, lo, stack, energy, rows)

    pool = _pool(min(workers, n_blocks))
    if pool is None:
        run_block(slice(0, n_v))
    else:
        list(pool.map(run_block, blocks))
    n_t = len(t)
    power = np.empty((n_v, n_t), dtype=np.float32)
    num = np.empty((n_v, n_t), dtype=np.float64)
    den = np.empty((n_v, n_t), dtype=np.float64)

    def finish_rows(sl: slice) -> None:  # back to every sample, then the window sums
        window_sums(_bandlimited_upsample(stack[sl], step, n_t),
                    _bandlimited_upsample(energy[sl], step, n_t), fold[sl], half_full,
                    power[sl], num[sl], den[sl])

    halves = [slice(k, k + -(-n_v // 2)) for k in range(0, n_v, -(-n_v // 2))]
    if pool is None:
        finish_rows(slice(0, n_v))
    else:
        list(pool.map(finish_rows, halves))
    values = np.zeros(num.shape, dtype=np.float32)
    np.divide(num, den, out=values, where=den > _DEN_FLOOR * max(float(den.max()), 1e-30),
              casting="unsafe")
    np.clip(values, 0.0, 1.0, out=values)
    return SemblancePanel(values, v, t, len(x), step, notes, power)


def reference_semblance(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
                        velocities: np.ndarray, *, window_ms: float = 40.0,
                        stretch_mute_pct: float | None = None) -> np.ndarray:
    """The textbook loop (per velocity, per trace: interpolate, then window sums), float64.

    Slow on purpose: tests and the benchmark check :func:`semblance` against it. Traces are
    padded with one zero sample past the end, like the fast path.
    """
    a = np.asarray(gather, dtype=float)
    t = np.asarray(times_ms, dtype=float)
    x = np.abs(np.asarray(offsets, dtype=float))
    live = live_traces(a)
    a, x = a[live], x[live]
    dt = t[1] - t[0]
    half = max(1, round(window_ms / 2.0 / dt))
    tp = np.append(t, t[-1] + dt)
    nums = np.zeros((len(velocities), len(t)))
    dens = np.zeros((len(velocities), len(t)))
    for i, v in enumerate(velocities):
        s = np.zeros(len(t))
        e = np.zeros(len(t))
        n = np.zeros(len(t))
        for k in range(len(x)):
            tm = np.sqrt(t**2 + (x[k] * 1000.0 / v) ** 2)
            keep = np.ones(len(t), dtype=bool)
            if stretch_mute_pct is not None and x[k] > 0:
                keep = (tm - t) <= stretch_mute_pct / 100.0 * t
            u = np.interp(tm, tp, np.append(a[k], 0.0), right=0.0) * keep
            s += u
            e += u * u
            n += keep & (tm <= t[-1])
        nums[i] = window_sum(s * s, half)
        dens[i] = window_sum(n * e, half)
    ok = dens > _DEN_FLOOR * max(float(dens.max()), 1e-30)
    out = np.where(ok, nums / np.where(ok, dens, 1.0), 0.0)
    return np.clip(out, 0.0, 1.0)
