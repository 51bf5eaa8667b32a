"""Evaluation-only shot gathers with known first-arrival onsets (numpy/scipy; no GeoDesk code).

A shot here is a 1-D spread over a two- or three-layer near surface: a strong direct wave, weak
head waves that overtake it beyond the crossover distances (a weaker onset ahead of stronger,
slower arrivals), slow dispersive ground roll, a few reflections, surface-consistent static
jitter, far-offset decay and dead traces. Wavelets are Ormsby or Klauder (zero phase), or
minimum phase by the cepstrum, or Berlage (causal). Noise is band-limited, linear (coherent,
crossing the gather from time zero), bursty and spiky, present from time zero. The source sits
anywhere: split spread, end-on or off-end; offsets in the header are signed, unsigned or unknown
(all zero), on a regular or an irregular spread. Sampling 0.25 to 4 ms, records 0.1 to 6 s.

Truth: ``onset_ms`` is the earliest arrival's ONSET on each trace (where its energy starts:
the first time its wavelet reaches 10 % of its peak; wavelets are zero before), not its peak. First-arrival SNR of trace i:

    snr_db[i] = 20 log10( RMS(clean_i over [onset_i, onset_i + T)) / RMS(noise_i over the record) )

with ``T`` one dominant period of the source wavelet; the noise is scaled so that the median of
``snr_db`` over live traces is the requested ``fa_snr_db``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, sosfiltfilt

WAVELETS = ("ormsby", "klauder", "minimum_phase", "berlage")
SOURCES = ("split", "end_on", "off_end")
HEADERS = ("signed", "unsigned", "unknown")
DT_CHOICES = (0.25, 0.5, 1.0, 2.0, 4.0)
ONSET_LEVEL = 0.1  # a wavelet's onset: first time |w| reaches this fraction of its peak
TAIL_LEVEL = ONSET_LEVEL  # ahead of the onset a wavelet is zero: its energy starts there


@dataclass
class Shot:
    """One gather: ``data`` (channels, samples), ``dt_ms``, header ``offsets`` (zeros when
    unknown), ``onset_ms`` (NaN on dead traces), per-trace ``snr_db``, ``clean`` and ``noise``
    parts, the true signed offsets and the drawn parameters."""

    data: np.ndarray
    dt_ms: float
    offsets: np.ndarray
    onset_ms: np.ndarray
    snr_db: np.ndarray
    clean: np.ndarray
    noise: np.ndarray
    true_offsets: np.ndarray
    period_ms: float
    params: dict = field(default_factory=dict)


# -- wavelets (continuous time, sampled finely) ----------------------------------------------------
def _ormsby(f: tuple[float, float, float, float], t: np.ndarray) -> np.ndarray:
    def term(fc: float) -> np.ndarray:
        return (np.pi * fc) ** 2 * np.sinc(fc * t) ** 2
    f1, f2, f3, f4 = f
    return (term(f4) - term(f3)) / (f4 - f3) - (term(f2) - term(f1)) / (f2 - f1)


def _klauder(f_lo: float, f_hi: float, sweep_s: float, t: np.ndarray) -> np.ndarray:
    k = (f_hi - f_lo) / sweep_s
    tau = np.clip(sweep_s - np.abs(t), 0.0, None)
    f0 = 0.5 * (f_hi + f_lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(np.abs(t) > 1e-12,
                     np.sin(np.pi * k * t * tau) / (np.pi * k * t + 1e-30), tau)
    return w * np.cos(2 * np.pi * f0 * t)


def _minimum_phase(f_lo: float, f_hi: float, h: float, n: int) -> np.ndarray:
    """Minimum-phase wavelet of a band-pass amplitude spectrum (cosine-tapered), by the
    real cepstrum (fold the anti-causal part onto the causal one)."""
    f = np.fft.rfftfreq(n, h)
    amp = np.zeros_like(f)
    edge = 0.3 * (f_hi - f_lo)
    band = (f >= f_lo) & (f <= f_hi)
    amp[band] = 1.0
    lo = (f > f_lo - edge) & (f < f_lo)
    amp[lo] = 0.5 * (1 - np.cos(np.pi * (f[lo] - f_lo + edge) / edge))
    hi = (f > f_hi) & (f < f_hi + edge)
    amp[hi] = 0.5 * (1 + np.cos(np.pi * (f[hi] - f_hi) / edge))
    amp = np.maximum(amp, 1e-4)
    ceps = np.fft.irfft(np.log(amp), n)
    fold = np.zeros(n)
    fold[0] = ceps[0]
    fold[1:n // 2] = 2 * ceps[1:n // 2]
    fold[n // 2] = ceps[n // 2]
    return np.fft.irfft(np.exp(np.fft.rfft(fold)), n)


def _berlage(f: float, order: float, decay: float, phase: float, t: np.ndarray) -> np.ndarray:
    s = np.clip(t, 0.0, None)
    return s ** order * np.exp(-decay * f * s) * np.sin(2 * np.pi * f * s + phase)


@dataclass
class Wavelet:
    """A wavelet as samples ``w`` at times ``t`` (s, relative to the arrival's kinematic
    time); ``onset_s`` is when it reaches 10 % of its peak (zero before)."""

    t: np.ndarray
    w: np.ndarray
    onset_s: float

    def at(self, times_s: np.ndarray) -> np.ndarray:
        return np.interp(times_s, self.t, self.w, left=0.0, right=0.0)


def _finish(t: np.ndarray, w: np.ndarray) -> Wavelet:
    w = w / np.max(np.abs(w))
    start = max(int(np.flatnonzero(np.abs(w) >= TAIL_LEVEL)[0]) - 1, 0)
    w[:start] = 0.0  # a finite start: no invisible tail reaching back without end
    above = np.flatnonzero(np.abs(w) >= ONSET_LEVEL)
    return Wavelet(t, w, float(t[above[0]]))


def make_wavelet(kind: str, f_dom: float, rng: np.random.Generator, h: float) -> Wavelet:
    """A wavelet of ``kind`` with dominant frequency near ``f_dom`` Hz, sampled every ``h`` s."""
    period = 1.0 / f_dom
    if kind == "ormsby":
        f2, f3 = f_dom * rng.uniform(0.45, 0.7), f_dom * rng.uniform(1.3, 1.8)
        freqs = (f2 * rng.uniform(0.3, 0.7), f2, f3, f3 * rng.uniform(1.2, 1.6))
        t = np.arange(-1.5 * period, 1.5 * period, h)
        taper = np.cos(0.5 * np.pi * t / (1.5 * period)) ** 2
        return _finish(t, _ormsby(freqs, t) * taper)
    if kind == "klauder":
        f_lo, f_hi = f_dom * rng.uniform(0.3, 0.6), f_dom * rng.uniform(1.5, 2.2)
        t = np.arange(-1.5 * period, 1.5 * period, h)
        taper = np.cos(0.5 * np.pi * t / (1.5 * period)) ** 2
        return _finish(t, _klauder(f_lo, f_hi, rng.uniform(4, 10) * period, t) * taper)
    if kind == "minimum_phase":
        n = int(2 ** np.ceil(np.log2(12 * period / h)))
        w = _minimum_phase(f_dom * rng.uniform(0.3, 0.6), f_dom * rng.uniform(1.3, 2.0), h, n)
        keep = int(4 * period / h)
        t = np.arange(keep) * h
        return _finish(t, w[:keep] * np.cos(0.5 * np.pi * t / t[-1]) ** 2)
    if kind == "berlage":
        t = np.arange(0.0, 4 * period, h)
        w = _berlage(f_dom, rng.uniform(0.5, 2.0), rng.uniform(2.5, 5.0),
                     rng.uniform(0, 0.5 * np.pi), t)
        return _finish(t, w)
    raise ValueError(f"unknown wavelet {kind!r}")


# -- noise ---------------------------------------------------------------------------------------
def _band(rng: np.random.Generator, shape: tuple[int, int], dt_s: float, f_lo: float,
          f_hi: float) -> np.ndarray:
    nyq = 0.5 / dt_s
    f_hi = min(f_hi, 0.95 * nyq)
    f_lo = min(max(f_lo, 0.002 * nyq), 0.5 * f_hi)
    sos = butter(4, [f_lo / nyq, f_hi / nyq], btype="band", output="sos")
    n = shape[-1]
    x = sosfiltfilt(sos, rng.standard_normal(shape[:-1] + (max(n, 64),)), axis=-1)[..., :n]
    return x / (np.std(x) + 1e-30)


def make_noise(rng: np.random.Generator, pos_m: np.ndarray, ns: int, dt_s: float,
               f_dom: float, v_ref: float) -> tuple[np.ndarray, dict]:
    """Band-limited background + linear coherent noise + bursts + spikes, unit RMS overall."""
    n_tr = pos_m.size
    shape = (n_tr, ns)
    t = np.arange(ns) * dt_s
    parts = {}
    noise = _band(rng, shape, dt_s, f_dom * rng.uniform(0.1, 0.5), f_dom * rng.uniform(1.5, 4))
    parts["background"] = 1.0
    n_lin = int(rng.integers(0, 4))
    for _ in range(n_lin):  # linear events from time zero (traffic, air blast, scattered)
        v = v_ref * rng.uniform(0.15, 1.5) * rng.choice([-1, 1])
        t0 = rng.uniform(-0.5, 0.8) * t[-1]
        ev = _band(rng, (1, ns + ns // 2), dt_s, f_dom * 0.2, f_dom * 1.5)[0]
        ev *= np.hanning(ev.size) ** 0.25
        tt = t[None, :] - t0 - (pos_m[:, None] - pos_m[0]) / v
        noise += rng.uniform(0.3, 1.2) * np.interp(tt / dt_s, np.arange(ev.size) - ns // 4, ev,
                                                   left=0.0, right=0.0)
    parts["linear"] = n_lin
    n_burst = int(rng.integers(0, 2 + n_tr // 8))
    for _ in range(n_burst):
        i = int(rng.integers(n_tr))
        w = max(8, int(ns * rng.uniform(0.02, 0.2)))
        s0 = int(rng.integers(0, max(ns - w, 1)))
        seg = _band(rng, (1, w), dt_s, f_dom * 0.3, f_dom * 3)[0] * np.hanning(w)
        noise[i, s0:s0 + w] += rng.uniform(2, 6) * seg
    parts["bursts"] = n_burst
    n_spike = int(rng.poisson(0.002 * n_tr * ns))
    if n_spike:
        noise[rng.integers(n_tr, size=n_spike), rng.integers(ns, size=n_spike)] += \
            rng.uniform(4, 12, n_spike) * rng.choice([-1, 1], n_spike)
    parts["spikes"] = n_spike
    return noise / np.sqrt(np.mean(noise ** 2)), parts


# -- geometry and kinematics -----------------------------------------------------------------------
def _head_time(x: np.ndarray, v: list[float], h: list[float], k: int) -> np.ndarray:
    """Head-wave time along interface k (below layer k, velocity v[k+1]); NaN before critical."""
    vk = v[k + 1]
    t = x / vk
    x_crit = 0.0
    for j in range(k + 1):
        slow = np.sqrt(1.0 / v[j] ** 2 - 1.0 / vk ** 2)
        t = t + 2 * h[j] * slow
        x_crit += 2 * h[j] * (v[j] / vk) / np.sqrt(1 - (v[j] / vk) ** 2)
    return np.where(x >= x_crit, t, np.nan)


def _layer_model(rng: np.random.Generator, x_far: float, v1: float
                 ) -> tuple[list[float], list[float]]:
    """Velocities and thicknesses (one side of the source) with crossovers inside the spread."""
    v = [v1, v1 * rng.uniform(1.6, 3.2)]
    n_layers = int(rng.integers(2, 4))
    if n_layers == 3:
        v.append(v[1] * rng.uniform(1.3, 2.0))
    h = []
    x_co = x_far * rng.uniform(0.08, 0.4)  # first crossover: head wave ahead from there on
    h.append(0.5 * x_co * np.sqrt((v[1] - v[0]) / (v[1] + v[0])))
    if n_layers == 3:  # second crossover further out: solve the thickness by bisection
        target = x_far * rng.uniform(0.45, 0.85)
        lo, hi = 0.0, 10 * x_far
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            xs = np.linspace(0, x_far * 2, 2000)
            d = _head_time(xs, v, h + [mid], 1) - _head_time(xs, v, h + [mid], 0)
            cross = xs[np.flatnonzero(d < 0)[0]] if (d < 0).any() else np.inf
            lo, hi = (mid, hi) if cross < target else (lo, mid)
        h.append(0.5 * (lo + hi))
    return v, h


def make_shot(seed: int, fa_snr_db: float = 10.0, *, dt_ms: float | None = None,
              record_ms: float | None = None, n_channels: int | None = None,
              source: str | None = None, header: str | None = None,
              irregular: bool | None = None, wavelet: str | None = None,
              noise: bool = True) -> Shot:
    """One evaluation shot from ``seed`` at median first-arrival SNR ``fa_snr_db`` (dB).

    Any keyword left None is drawn: ``dt_ms`` from 0.25 to 4 ms, ``record_ms`` from 0.1 to 6 s
    (at most ~3000 samples), ``source`` (split / end_on / off_end), ``header`` (signed /
    unsigned / unknown offsets), ``irregular`` positions and gaps, the ``wavelet`` family.
    ``noise=False`` returns the clean gather (SNR infinite).
    """
    rng = np.random.default_rng(seed)
    dt_ms = float(dt_ms if dt_ms is not None else rng.choice(DT_CHOICES))
    dt_s = dt_ms / 1000.0
    if record_ms is None:
        lo, hi = max(100.0, 250 * dt_ms), min(6000.0, 3000 * dt_ms)
        record_ms = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    ns = max(int(round(record_ms / dt_ms)), 64)
    n_tr = int(n_channels if n_channels is not None else rng.integers(24, 121))
    source = source or str(rng.choice(SOURCES, p=[0.5, 0.3, 0.2]))
    header = header or str(rng.choice(HEADERS, p=[0.4, 0.3, 0.3]))
    irregular = bool(rng.random() < 0.4) if irregular is None else irregular
    kind = wavelet or str(rng.choice(WAVELETS))
    f_dom = rng.uniform(0.025, 0.09) / dt_s  # 11 to 40 samples per period
    period_s = 1.0 / f_dom

    # receiver stations (unit spacing first; scaled to time below) and the source
    station = np.arange(n_tr, dtype=float)
    if irregular:
        station = station + rng.normal(0, 0.15, n_tr)
        gaps = rng.random(n_tr) < 0.05
        station = station + np.cumsum(gaps) * rng.integers(1, 4)
    if source == "split":
        s = rng.uniform(0.1, 0.9) * station[-1]
    elif source == "end_on":
        s = rng.choice([-rng.uniform(0.3, 1.5), station[-1] + rng.uniform(0.3, 1.5)])
    else:
        gap = rng.uniform(3, 0.6 * n_tr)
        s = rng.choice([-gap, station[-1] + gap])
    signed = station - s
    x = np.abs(signed)

    # kinematics in units of one group spacing, then a spacing that puts the far first break
    # at 20-75 % of the record (and the nearest at a few samples or more)
    x_far = float(x.max())
    sides = {}
    v_top = rng.uniform(250, 2000)  # model units; the spacing below turns them into m/s
    for side in (-1, 1):
        v, h = _layer_model(rng, x_far, v_top)
        sides[side] = (v, h)
    t_first = np.full(n_tr, np.inf)
    times = {}
    for side, (v, h) in sides.items():
        m = np.sign(signed + 1e-12) == side
        td = x[m] / v[0]
        heads = [_head_time(x[m], v, h, k) for k in range(len(v) - 1)]
        times[side] = (td, heads)
        t_first[m] = np.fmin.reduce([td] + heads)
    # far first break at 20-75 % of the record, unless the direct wave would then step more
    # than about a period from trace to trace (spatially aliased: no longer plain to the eye)
    step_max = rng.uniform(0.15, 0.9) * period_s * float(np.max(t_first)) * sides[1][0][0]
    target = min(rng.uniform(0.2, 0.75) * ns * dt_s, step_max)
    scale = target / float(np.max(t_first))  # seconds per (time unit at unit spacing)
    v1_m_s = rng.uniform(250, 2500)
    spacing_m = float(np.clip(v1_m_s * scale / sides[1][0][0], 0.5, 100.0))
    vel_scale = spacing_m / scale  # m/s per model velocity unit

    # statics and amplitude laws
    static = rng.normal(0, rng.uniform(0, 1.5) * dt_s, n_tr) if rng.random() < 0.8 \
        else np.zeros(n_tr)
    p_direct = rng.uniform(0.6, 1.4)
    p_head = p_direct + rng.uniform(0.0, 0.8)
    p_roll = p_direct - rng.uniform(0.1, 0.5)  # surface waves lose less with distance
    absorb = rng.uniform(0, 2.0) / max(x_far, 1.0)
    head_ratio = rng.uniform(0.1, 0.45)
    roll_ratio = rng.uniform(1.5, 5.0)
    w_body = make_wavelet(kind, f_dom, rng, dt_s / 16)
    w_roll = make_wavelet("berlage", f_dom * rng.uniform(0.2, 0.45), rng, dt_s / 16)
    polarity = float(rng.choice([-1, 1]))
    # zero-phase energy starts ahead of the arrival time: delay the record so every onset is in it
    static = static + max(0.0, -w_body.onset_s) + rng.uniform(1, 5) * dt_s

    t = np.arange(ns) * dt_s
    clean = np.zeros((n_tr, ns))
    onset = np.full(n_tr, np.inf)
    first_amp = np.zeros(n_tr)
    x1 = np.maximum(x, 0.5)

    def add(tr: np.ndarray, tau: np.ndarray, amp: np.ndarray, wav: Wavelet) -> None:
        ok = np.isfinite(tau) & (amp > 0)
        for i, ta, a in zip(tr[ok], tau[ok], amp[ok]):
            ta = ta * scale + static[i]
            clean[i] += polarity * a * wav.at(t - ta)
            on = ta + wav.onset_s
            if on < onset[i]:
                onset[i], first_amp[i] = on, a
            elif abs(on - onset[i]) < 1e-12:
                first_amp[i] = max(first_amp[i], a)

    decay = np.exp(-absorb * x)
    for side, (td, heads) in times.items():
        tr = np.flatnonzero(np.sign(signed + 1e-12) == side)
        if not tr.size:
            continue
        a_dir = x1[tr] ** -p_direct * decay[tr]
        add(tr, td, a_dir, w_body)
        v, h = sides[side]
        for k, th in enumerate(heads):
            ok = np.isfinite(th)
            x_start = np.nanmin(x[tr][ok]) if ok.any() else 1.0
            ramp = np.clip((x[tr] - x_start + 0.5) / 3.0, 0.0, 1.0)
            a = head_ratio * (0.7 ** k) * x1[tr] ** -p_head * decay[tr] * ramp \
                * max(x_start, 1.0) ** (p_head - p_direct)
            add(tr, th, a, w_body)
        v_roll = v[0] * rng.uniform(0.3, 0.7)
        add(tr, x[tr] / v_roll, roll_ratio * x1[tr] ** -p_roll * decay[tr] * x1[tr].min() ** (
            p_roll - p_direct), w_roll)
        for _ in range(int(rng.integers(1, 4))):  # reflections: later than the direct wave
            t0 = rng.uniform(0.3, 1.2) * float(np.max(t_first))
            vr = v[0] * rng.uniform(0.6, 1.0)
            tref = np.sqrt(t0 ** 2 + (x[tr] / vr) ** 2)
            add(tr, tref, rng.uniform(0.05, 0.3) * x1[tr] ** -p_direct * decay[tr], w_body)

    onset_ms = onset * 1000.0
    dead = rng.random(n_tr) < rng.uniform(0, 0.04)
    dead |= ~np.isfinite(onset_ms) | (onset_ms >= t[-1] * 1000.0 - period_s * 1000)
    clean[dead] = 0.0
    onset_ms[dead] = np.nan

    n_per = max(int(round(period_s / dt_s)), 2)
    k0 = np.where(dead, 0, np.floor(np.nan_to_num(onset_ms) / dt_ms).astype(int))
    idx = np.clip(k0[:, None] + np.arange(n_per)[None, :], 0, ns - 1)
    sig_rms = np.sqrt(np.mean(np.take_along_axis(clean, idx, axis=1) ** 2, axis=1))
    pos_m = station * spacing_m
    if noise:
        nz, parts = make_noise(rng, pos_m, ns, dt_s, f_dom, sides[1][0][0] * vel_scale)
        nz_rms = np.sqrt(np.mean(nz ** 2, axis=1))
        live = ~dead
        snr0 = 20 * np.log10(sig_rms[live] / nz_rms[live])
        gain = 10 ** ((np.median(snr0) - fa_snr_db) / 20.0)
        nz = nz * gain
        nz[dead] = 0.0 if rng.random() < 0.5 else nz[dead]
        with np.errstate(divide="ignore"):
            snr = np.where(live, 20 * np.log10(sig_rms / np.maximum(nz_rms * gain, 1e-30)),
                           np.nan)
    else:
        nz, parts = np.zeros_like(clean), {}
        snr = np.where(~dead, np.inf, np.nan)
    data = clean + nz  # dead traces: silent, or noise only (a disconnected channel)
    true_off = signed * spacing_m
    if header == "signed":
        hdr = np.round(true_off)
    elif header == "unsigned":
        hdr = np.round(np.abs(true_off))
    else:
        hdr = np.zeros(n_tr)
    params = {"seed": seed, "dt_ms": dt_ms, "record_ms": ns * dt_ms, "channels": n_tr,
              "source": source, "header": header, "irregular": irregular, "wavelet": kind,
              "f_dom_hz": round(f_dom, 2), "spacing_m": round(spacing_m, 2),
              "v1_m_s": round(sides[1][0][0] * vel_scale, 1), "layers": len(sides[1][0]),
              "head_ratio": round(head_ratio, 3), "roll_ratio": round(roll_ratio, 2),
              "noise": parts, "fa_snr_db": fa_snr_db}
    return Shot(data.astype(np.float32), dt_ms, hdr, onset_ms, snr, clean.astype(np.float32),
                nz.astype(np.float32), true_off, period_s * 1000.0, params)
