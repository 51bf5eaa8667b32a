"""Evaluation-only CMP gathers: a layered earth, its primaries' Vrms(t) and much that is not
a primary, for scoring velocity pickers on data their training generator never made.

Choices differ from GeoDesk's generator on purpose: a blocky interval-velocity model in time
(layers with strong gradients and velocity inversions, marine with a water layer or land);
reflection coefficients from impedance contrasts with transmission loss and spherical
spreading; events built in the frequency domain (exact fractional delays) with a causal
minimum-phase, a zero-phase Ormsby or a phase-rotated Ormsby wavelet; optional fourth-order
(anelliptic, eta) moveout; water-bottom surface multiples, peg-legs, surface multiples of deep
reflectors and interbed multiples carrying the Vrms of their own path; noise band-limited in
another band, linear (ground roll, direct and head waves), spiky and bursty, all present from
time zero; a stretch or a hard top mute; signed, irregular and missing offsets, split or end-on
spreads; dead traces; records of 1-6 s at 1-4 ms. Truth: ``vrms`` (m/s, per sample, the
small-offset NMO velocity of the primaries), ``vint``, ``primary_t0_ms`` and the multiples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import signal
from scipy.integrate import cumulative_trapezoid

DT_CHOICES_MS = (1.0, 2.0, 3.0, 4.0)


@dataclass
class EvalCmp:
    """One CMP gather ``data`` (n_traces, n_samples), signed ``offsets_m`` and the truth."""

    data: np.ndarray
    offsets_m: np.ndarray
    times_ms: np.ndarray
    truth: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


# -- earth model --------------------------------------------------------------------------------
def layered_model(rng: np.random.Generator, t_s: np.ndarray, marine: bool
                  ) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Interval velocity and density per sample, and the layer tops (time, index).

    Layers 40-450 ms thick; velocity mostly steps up, with inversions (8-25 % slower) one time
    in six and strong in-layer gradients (compaction) one time in four.
    """
    n = len(t_s)
    vint = np.empty(n)
    rho = np.empty(n)
    tops: list[dict] = []
    t_end = t_s[-1]
    if marine:
        top_t, v = rng.uniform(0.08, min(0.9, 0.35 * t_end)), rng.uniform(1475.0, 1535.0)
        grad, r = 0.0, 1.03
    else:
        top_t, v = 0.0, rng.uniform(1650.0, 2300.0)
        grad, r = rng.uniform(0.0, 800.0), rng.uniform(1.9, 2.15)
    bounds = [0.0]
    vel, grads, dens = [v], [grad], [r]
    t = top_t if marine else rng.uniform(0.05, 0.3)
    while t < t_end:
        bounds.append(t)
        u = rng.random()
        v_prev = vel[-1] + grads[-1] * (t - bounds[-2])
        if u < 1 / 6 and len(vel) > 1:
            v = v_prev * (1.0 - rng.uniform(0.08, 0.25))  # inversion: a slow layer
        else:
            v = v_prev * (1.0 + rng.uniform(0.0, 0.22))
        if marine and len(vel) == 1:
            v = rng.uniform(1650.0, 2100.0)  # sea floor
        v = float(np.clip(v, 1480.0, 5600.0))
        grad = rng.uniform(600.0, 2500.0) if rng.random() < 0.25 else rng.uniform(-100.0, 300.0)
        vel.append(v)
        grads.append(grad)
        dens.append(float(np.clip(0.31 * v ** 0.25 * rng.uniform(0.93, 1.07), 1.6, 2.9)))
        t += rng.uniform(0.04, 0.45)
    bounds.append(np.inf)
    for k in range(len(vel)):
        sel = (t_s >= bounds[k]) & (t_s < bounds[k + 1])
        vint[sel] = np.clip(vel[k] + grads[k] * (t_s[sel] - bounds[k]), 1450.0, 6000.0)
        rho[sel] = dens[k]
        if k:
            tops.append({"t": bounds[k], "i": int(np.searchsorted(t_s, bounds[k]))})
    return vint, rho, tops


def vrms_of(t_s: np.ndarray, vint: np.ndarray) -> np.ndarray:
    """Vrms(t) = sqrt(integral of vint^2 over [0, t] / t) by the trapezoid rule."""
    acc = cumulative_trapezoid(vint ** 2, t_s, initial=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sqrt(acc / np.where(t_s > 0, t_s, 1.0))
    out[t_s <= 0] = vint[t_s <= 0]
    return out


# -- wavelets (spectra) -------------------------------------------------------------------------
def ormsby_spectrum(f: np.ndarray, corners: tuple[float, float, float, float]) -> np.ndarray:
    """Trapezoid amplitude spectrum of a zero-phase Ormsby wavelet."""
    f1, f2, f3, f4 = corners
    return np.interp(f, [f1, f2, f3, f4], [0.0, 1.0, 1.0, 0.0], left=0.0, right=0.0)


def minimum_phase_spectrum(f: np.ndarray, f_lo: float, f_hi: float, n_fft: int) -> np.ndarray:
    """Causal minimum-phase spectrum with a smooth band-pass amplitude (homomorphic method)."""
    amp = (f / f_lo) ** 4 / (1.0 + (f / f_lo) ** 4) / (1.0 + (f / f_hi) ** 6)
    logamp = np.log(np.maximum(amp, 1e-6 * amp.max()))
    ceps = np.fft.irfft(logamp, n_fft)
    fold = np.zeros_like(ceps)
    fold[0] = ceps[0]
    fold[1:n_fft // 2] = 2.0 * ceps[1:n_fft // 2]
    fold[n_fft // 2] = ceps[n_fft // 2]
    return np.exp(np.fft.rfft(fold))


def wavelet_spectrum(rng: np.random.Generator, f: np.ndarray, n_fft: int, dt_s: float
                     ) -> tuple[np.ndarray, str, float]:
    """A random wavelet's spectrum, its name and its dominant frequency (Hz)."""
    nyq = 0.5 / dt_s
    kind = str(rng.choice(["minimum_phase", "ormsby", "ormsby_rotated"]))
    f_c = min(rng.uniform(14.0, 45.0), 0.3 * nyq)
    if kind == "minimum_phase":
        spec = minimum_phase_spectrum(f, 0.45 * f_c, 1.6 * f_c, n_fft)
    else:
        c = (max(1.0, 0.2 * f_c), 0.5 * f_c, 1.5 * f_c, min(2.4 * f_c, 0.9 * nyq))
        spec = ormsby_spectrum(f, c).astype(complex)
        if kind == "ormsby_rotated":
            spec *= np.exp(1j * np.radians(rng.uniform(30.0, 90.0)) * rng.choice([-1, 1]))
    return spec, kind, float(f_c)


# -- geometry -----------------------------------------------------------------------------------
def offsets_for(rng: np.random.Generator) -> np.ndarray:
    """Signed offsets: split or end-on spread, jittered spacing, missing traces and a gap."""
    n = int(rng.integers(24, 121))
    x_max = rng.uniform(1000.0, 5000.0)
    x_min = rng.uniform(0.0, 0.12) * x_max
    if rng.random() < 0.35:  # split spread, not quite symmetric
        half = n // 2
        right = np.linspace(x_min, x_max, n - half)
        left = -np.linspace(x_min, x_max * rng.uniform(0.7, 1.0), half)
        x = np.r_[left[::-1], right]
    else:
        x = np.linspace(x_min, x_max, n) * rng.choice([-1.0, 1.0])
    step = x_max / n
    x = x + rng.normal(0.0, 0.25 * step, n) * (rng.random() < 0.6)
    keep = rng.random(n) >= rng.uniform(0.0, 0.2)  # missing channels
    if rng.random() < 0.4:  # a gap in the spread
        a = int(rng.integers(0, n))
        keep[a:a + int(rng.integers(2, max(3, n // 6)))] = False
    x = x[keep] if keep.sum() >= 12 else x
    return np.sort(x)


# -- the gather ---------------------------------------------------------------------------------
def _events(rng, t_s, vint, rho, tops, vrms, marine, multiple_gain):
    """(t0 s, amplitude, NMO velocity, kind) of primaries and multiples."""
    imp = vint * rho
    prim = []
    trans = 1.0
    for top in tops:
        i = min(top["i"], len(t_s) - 1)
        r = (imp[i] - imp[max(i - 1, 0)]) / (imp[i] + imp[max(i - 1, 0)])
        prim.append((t_s[i], r * trans, vrms[i]))
        trans *= 1.0 - r ** 2
    n_thin = int(rng.integers(0, 12))  # thin beds inside the layers
    for ti in rng.uniform(0.05, t_s[-1], n_thin):
        i = int(np.searchsorted(t_s, ti))
        if i < len(t_s) and (not marine or ti > tops[0]["t"] + 0.02):
            prim.append((t_s[i], rng.normal(0.0, 0.03), vrms[i]))
    prim = sorted(p for p in prim if p[0] > 0.0 and abs(p[1]) > 1e-4)
    mult = []
    t_end = t_s[-1]
    if prim:
        strong = sorted(prim, key=lambda p: -abs(p[1]))[:4]
        t_wb, r_wb, v_wb = prim[0] if marine else strong[0]
        g = multiple_gain * (1.0 if marine else 0.35)
        for order in range(2, 7):  # water-bottom (or strongest shallow) surface multiples
            if order * t_wb < t_end:
                mult.append((order * t_wb, g * (-1) ** (order - 1) * r_wb ** order, v_wb, 0))
        for t_k, r_k, v_k in prim[1:]:  # peg-legs: one extra bounce in the top layer
            if t_k + t_wb < t_end and abs(r_k) > 0.02:
                v = np.sqrt((t_k * v_k ** 2 + t_wb * v_wb ** 2) / (t_k + t_wb))
                mult.append((t_k + t_wb, -2.0 * g * r_wb * r_k, v, 1))
        for t_k, r_k, v_k in strong:  # surface multiples of strong deep reflectors
            if 2 * t_k < t_end and t_k != t_wb:
                mult.append((2 * t_k, -g * r_k ** 2 * 3.0, v_k, 2))
        for a, (t_j, r_j, v_j) in enumerate(strong):  # interbed multiples
            for t_k, r_k, v_k in strong[a + 1:]:
                lo, hi = sorted(((t_j, r_j, v_j), (t_k, r_k, v_k)))
                t_m = 2 * hi[0] - lo[0]
                if t_m < t_end:
                    v2 = (2 * hi[0] * hi[2] ** 2 - lo[0] * lo[2] ** 2) / t_m
                    mult.append((t_m, -g * 4.0 * hi[1] * lo[1] * hi[1], np.sqrt(max(v2, 1e6)), 3))
    return prim, mult


def _moveout(t0, x, v, eta):
    """Two-way time at offsets ``x`` (s): hyperbolic with Alkhalifah-Tsvankin eta term."""
    x2 = x ** 2
    t2 = t0 ** 2 + x2 / v ** 2
    if eta:
        t2 = t2 - 2.0 * eta * x2 ** 2 / (v ** 2 * (t0 ** 2 * v ** 2 + (1 + 2 * eta) * x2))
    return np.sqrt(np.maximum(t2, 0.0))


def _synthesise(events, x, t_s, spec, f, n_fft, spreading):
    """Traces (n_x, n_t) = sum of wavelets at each event's exact delay (frequency domain)."""
    out = np.zeros((len(x), n_fft // 2 + 1), dtype=complex)
    w = -2j * np.pi * f
    for t0, amp, v, eta, avo in events:
        tt = _moveout(t0, x, v, eta)
        a = amp * (1.0 + avo * (x / max(np.abs(x).max(), 1.0)) ** 2)
        a = a * (max(t0, 0.05) * v / 1500.0) ** (-spreading)
        live = tt < t_s[-1] + 0.2
        out[live] += a[live, None] * np.exp(w[None, :] * tt[live, None])
    return np.fft.irfft(out * spec[None, :], n_fft, axis=1)[:, :len(t_s)]


def _bandlimited(rng, shape, dt_s, f_lo, f_hi):
    sos = signal.butter(3, [f_lo, f_hi], btype="bandpass", fs=1.0 / dt_s, output="sos")
    return signal.sosfiltfilt(sos, rng.standard_normal(shape), axis=1)


def _linear_noise(rng, x, t_s, n_events, scale):
    """Ground roll, direct and head waves: linear events from time zero at zero offset."""
    out = np.zeros((len(x), len(t_s)))
    ax = np.abs(x)
    for _ in range(n_events):
        slow = rng.random() < 0.6
        v = rng.uniform(250.0, 900.0) if slow else rng.uniform(1500.0, 4500.0)
        f0 = rng.uniform(4.0, 14.0) if slow else rng.uniform(15.0, 40.0)
        t_arr = rng.uniform(0.0, 0.08) + ax / v
        length = rng.uniform(0.15, 0.6) if slow else 0.05
        tt = t_s[None, :] - t_arr[:, None]
        env = np.where(tt >= 0, np.exp(-tt / length), 0.0)
        out += env * np.sin(2 * np.pi * f0 * tt + rng.uniform(0, 6.3)) \
            * (1.0 + ax[:, None] / 500.0) ** -0.5
    return out * scale


def eval_cmp(seed: int, snr_db: float, *, dt_ms: float | None = None,
             record_s: float | None = None, multiples: bool = True,
             coherent: bool = True, bursts: bool = True, mute: str | None = None,
             eta_max: float = 0.08) -> EvalCmp:
    """One evaluation CMP from ``seed``; ``snr_db`` is primaries vs band-limited random noise
    (mean squares over the unmuted samples). Everything not given is drawn from the seed."""
    rng = np.random.default_rng([seed, 977])
    dt_ms = float(rng.choice(DT_CHOICES_MS)) if dt_ms is None else float(dt_ms)
    hi_rec = 6.0 if dt_ms >= 2.0 else 3.0
    record_s = float(rng.uniform(1.0, hi_rec)) if record_s is None else float(record_s)
    dt = dt_ms / 1000.0
    t_s = dt * np.arange(int(round(record_s / dt)))
    marine = bool(rng.random() < 0.55)
    vint, rho, tops = layered_model(rng, t_s, marine)
    vrms = vrms_of(t_s, vint)
    x = offsets_for(rng)
    n_fft = int(2 ** np.ceil(np.log2(len(t_s) + round(0.6 / dt))))
    f = np.fft.rfftfreq(n_fft, dt)
    spec, wname, f_c = wavelet_spectrum(rng, f, n_fft, dt)
    eta = float(rng.uniform(0.0, eta_max)) if rng.random() < 0.35 else 0.0
    prim, mult = _events(rng, t_s, vint, rho, tops, vrms, marine,
                         float(rng.uniform(0.6, 1.6)) if multiples else 0.0)
    if not multiples:
        mult = []
    spreading = float(rng.uniform(0.0, 1.0))  # 1: raw divergence, 0: fully gained
    ev_p = [(t0, a, v, eta, rng.uniform(-0.5, 0.5)) for t0, a, v in prim]
    ev_m = [(t0, a, v, eta, rng.uniform(-0.5, 0.5)) for t0, a, v, _ in mult]
    primaries = _synthesise(ev_p, x, t_s, spec, f, n_fft, spreading)
    multiples_d = _synthesise(ev_m, x, t_s, spec, f, n_fft, spreading) if ev_m else 0.0
    # mute: stretch (on the primary trend) or hard linear, or none
    mute = str(rng.choice(["stretch", "hard", "none"], p=[0.45, 0.35, 0.2])) if mute is None \
        else mute
    keep = np.ones((len(x), len(t_s)))
    mute_param = None
    if mute == "stretch":
        mute_param = float(rng.uniform(0.3, 0.8))
        t0_grid = np.sqrt(np.maximum(t_s[None, :] ** 2 - (x[:, None] / vrms[None, :]) ** 2, 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            stretch = t_s[None, :] / t0_grid - 1.0
        keep = ((t0_grid > 0) & (stretch <= mute_param)).astype(float)
    elif mute == "hard":
        v_m, t_a = rng.uniform(1400.0, 3000.0), rng.uniform(0.0, 0.3)
        mute_param = [float(v_m), float(t_a)]
        edge = t_a + np.abs(x) / v_m
        taper = rng.uniform(0.02, 0.06)
        keep = np.clip((t_s[None, :] - edge[:, None]) / taper, 0.0, 1.0)
    p_sig = float(np.mean(primaries[keep > 0.5] ** 2)) if (keep > 0.5).any() else 1.0
    rms = np.sqrt(p_sig)
    f_lo = rng.uniform(1.0, 8.0)
    f_hi = min(rng.uniform(60.0, 200.0), 0.45 / dt)
    noise = _bandlimited(rng, primaries.shape, dt, f_lo, f_hi)
    noise *= np.sqrt(p_sig / np.mean(noise ** 2) / 10 ** (snr_db / 10.0))
    data = primaries + multiples_d + noise
    if coherent:
        data += _linear_noise(rng, x, t_s, int(rng.integers(1, 5)),
                              rms * rng.uniform(0.5, 6.0))
    if bursts:
        n_sp = int(rng.integers(0, 3 * len(x)))
        data[rng.integers(0, len(x), n_sp), rng.integers(0, len(t_s), n_sp)] += \
            rng.normal(0.0, 30.0 * rms, n_sp)
        for tr in np.flatnonzero(rng.random(len(x)) < rng.uniform(0.0, 0.1)):
            a = int(rng.integers(0, len(t_s)))
            b = min(len(t_s), a + round(rng.uniform(0.05, 0.4) / dt))
            data[tr, a:b] += rng.normal(0.0, rng.uniform(3.0, 20.0) * rms, b - a)
    data *= keep
    dead = rng.random(len(x)) < rng.uniform(0.0, 0.1)
    data[dead] = 0.0
    data *= 10.0 ** rng.uniform(-3.0, 4.0)  # no amplitude convention
    truth = {
        "vrms": vrms, "vint": vint,
        "primary_t0_ms": 1000.0 * np.array([p[0] for p in prim]),
        "primary_amp": np.array([p[1] for p in prim]),
        "multiple_t0_ms": 1000.0 * np.array([m[0] for m in mult]),
        "multiple_vrms": np.array([m[2] for m in mult]),
        "multiple_kind": np.array([m[3] for m in mult], dtype=np.int8),
        "dead": dead,
    }
    params = {"seed": seed, "snr_db": snr_db, "dt_ms": dt_ms, "record_s": record_s,
              "marine": marine, "wavelet": wname, "f_c_hz": f_c, "eta": eta, "mute": mute,
              "mute_param": mute_param, "n_traces": len(x), "spreading": spreading,
              "multiples": bool(multiples)}
    return EvalCmp(data.astype(np.float32), x, 1000.0 * t_s, truth, params)


def scored_span_ms(c: EvalCmp, min_rel_amp: float = 0.1) -> tuple[float, float]:
    """First and last primary whose amplitude is at least ``min_rel_amp`` of the strongest:
    where the data constrain Vrms (thin beds of a few thousandths do not)."""
    t, a = c.truth["primary_t0_ms"], np.abs(c.truth["primary_amp"])
    strong = t[a >= min_rel_amp * a.max()] if a.size else t
    return float(strong.min()), float(strong.max())
