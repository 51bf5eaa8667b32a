"""Training sections for the fault network: a wide fault family on inline sections of
:func:`generate_post3d` slabs, with the disturbances real sections have.

The family: faults dipping both ways at apparent slopes of about 0.4-8 samples per trace,
planar and listric, crossing, with throws of 1-14 samples (slopes and throws log-uniform) that may die out in depth, and
slabs without faults. Wavelets: the zero-phase Ricker; with ``CAUSAL_FRACTION`` > 0, that share
of the draws has a causal one (Berlage or minimum-phase band-pass), the labels staying where
the fault is in the earth, and the section then converted to zero phase as the fault model
converts a section declared minimum phase (``wavelet_phase="minimum"``); ``MAX_MARKERS`` > 0
adds strong isolated reflectors that show the wavelet. Both are 0 (off) for the shipped
network: fine-tuned with causal sections left causal (0.5, 5; 45 CPU minutes) it could not tell
them from zero-phase ones and put its faults about 3 samples too shallow on zero-phase data;
with 0.3 converted (12 minutes) it still lost 0.1 F1 on the evaluation family's zero-phase
sections (issue 9, helper-9-faults report).
Dominant periods of 6-18 samples (the section length follows, so the
fault network sees about ``size`` samples once it has resampled to its 10-sample period).
Disturbances: band-limited noise from the generator, plus at random a constant phase
rotation of the wavelet, a gain trend in time, amplitudes varying smoothly along the
reflections, noise correlated over a few traces, spikes, dipping plane-wave noise, isolated
straight events crossing the reflections (coherent noise that is not a fault), noise bursts,
zero-filled tops and dead traces; every section is mirrored left-right at random.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.processing.phase import minimum_phase, minimum_to_zero_phase
from geodesk.synth.post3d import FaultFamily, generate_post3d
from geodesk.synth.wavelets import berlage

#: The wide fault family the fault network trains on.
TRAINING_FAULTS = FaultFamily(both_dips=True, slope_range=(0.5, 8.0), throw_range=(1.0, 14.0),
                              listric_fraction=0.3, tip_fraction=0.3, min_inline_slope=0.4,
                              section_labels=True, log_uniform=True)

#: Dominant period (samples) the section length is scaled for (the fault network's default).
NOMINAL_PERIOD = 10.0
#: Share of the training draws made with a causal wavelet instead of the zero-phase Ricker and
#: then converted to zero phase as the fault model converts a section declared minimum phase
#: (``wavelet_phase="minimum"``): what is left is the conversion's error, not the delay.
CAUSAL_FRACTION = 0.0
#: A causal wavelet is tapered to zero between 4 and 5 periods after its onset.
CAUSAL_PERIODS = 5.0
#: Up to this many strong isolated reflectors (the generator's horizon markers, quiet for a
#: period around them) per slab: where the wavelet's shape, and so its phase, shows.
MAX_MARKERS = 0


def causal_wavelet(rng: np.random.Generator):
    """A random causal wavelet for :func:`generate_post3d`: ``f(n_fft, dt_s, f_peak)`` gives its
    rfft with the onset at sample 0 (Berlage or minimum-phase Gaussian band)."""
    if rng.random() < 0.5:
        n, damping = rng.uniform(0.5, 2.5), rng.uniform(1.8, 3.5)

        def samples(t: np.ndarray, f_peak: float) -> np.ndarray:
            return berlage(t, f_peak, n=n, damping=damping).astype(np.float64)
    else:
        lo, hi = rng.uniform(0.2, 0.6), rng.uniform(1.6, 3.0)

        def samples(t: np.ndarray, f_peak: float) -> np.ndarray:
            dt_fine = 0.02 / f_peak
            f = np.fft.rfftfreq(2048, dt_fine)
            amp = np.exp(-0.5 * ((f - f_peak) / (0.5 * (hi - lo) * f_peak)) ** 2)
            amp *= 1.0 - np.exp(-((f / (lo * f_peak)) ** 2))  # no DC
            w = minimum_phase(amp)[:1024]
            return np.interp(t, dt_fine * np.arange(len(w)), w, right=0.0)

    def spectrum(n_fft: int, dt_s: float, f_peak: float) -> np.ndarray:
        t = dt_s * np.arange(n_fft)
        cycles = t * f_peak
        w = samples(t, f_peak) * np.clip(CAUSAL_PERIODS - cycles, 0.0, 1.0)
        return np.fft.rfft(w / max(float(np.abs(w).max()), 1e-12))

    return spectrum


def rotate_phase(section: np.ndarray, degrees: float) -> np.ndarray:
    """Constant phase rotation of every trace (positive frequencies times e^{i phi})."""
    spec = np.fft.rfft(section, axis=-1) * np.exp(1j * np.radians(degrees))
    return np.fft.irfft(spec, n=section.shape[-1], axis=-1).astype(np.float32)


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], depth: float) -> np.ndarray:
    """A smooth positive gain field (traces, samples) between about 1 - depth and 1 + depth."""
    spec = np.zeros(shape, dtype=np.complex128)
    spec[:4, :4] = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    f = np.real(np.fft.ifft2(spec))
    f = f / max(float(np.abs(f).max()), 1e-12)
    return (1.0 + depth * f).astype(np.float32)


def _disturb(rng: np.random.Generator, sec: np.ndarray, lab: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """One section with random real-data disturbances (each with its own chance)."""
    n_x, n_t = sec.shape
    rms = float(np.sqrt(np.mean(sec.astype(np.float64) ** 2))) or 1.0
    if rng.random() < 0.3:
        sec = rotate_phase(sec, rng.uniform(-180.0, 180.0))
    if rng.random() < 0.3:
        t = np.linspace(0.05, 1.0, n_t, dtype=np.float32)
        sec = sec * (t ** rng.uniform(-1.0, 1.0))[None]
    if rng.random() < 0.3:  # amplitudes that change smoothly along the reflections
        sec = sec * _smooth_field(rng, (n_x, n_t), rng.uniform(0.3, 0.9))
    if rng.random() < 0.2:  # noise correlated over a few traces (migration noise)
        k = int(rng.integers(2, 6))
        g = rng.standard_normal((n_x + k, n_t)).astype(np.float32)
        g = np.cumsum(g, axis=0)
        g = (g[k:] - g[:-k]) / np.sqrt(k)
        sec = sec + rng.uniform(0.2, 0.8) * rms * g
    if rng.random() < 0.3:  # spikes
        n = int(rng.integers(1, max(n_x * n_t // 500, 2)))
        sec[rng.integers(0, n_x, n), rng.integers(0, n_t, n)] += (
            rng.standard_normal(n) * rng.uniform(3.0, 20.0) * rms)
    x = np.arange(n_x)[:, None]
    t = np.arange(n_t)[None]
    if rng.random() < 0.2:  # a dipping plane-wave train (coherent noise)
        phase = 2 * np.pi * (t - rng.uniform(-3.0, 3.0) * x) / rng.uniform(5.0, 20.0)
        sec = sec + (rng.uniform(0.1, 0.6) * rms * np.sin(phase)).astype(np.float32)
    if rng.random() < 0.3:  # isolated straight events crossing the reflections (not faults)
        for _ in range(int(rng.integers(1, 4))):
            tau = (t - rng.uniform(-0.5, 1.5) * n_t - rng.uniform(-7.0, 7.0) * x) / rng.uniform(1.0, 4.0)
            event = (1 - tau**2) * np.exp(-0.5 * tau**2)  # a Mexican-hat line
            if rng.random() < 0.5:  # over part of the section only
                a, b = sorted(int(v) for v in rng.integers(0, n_x + 1, 2))
                event[:a] = 0.0
                event[b:] = 0.0
            sec = sec + (rng.uniform(0.3, 1.5) * rms * event).astype(np.float32)
    if rng.random() < 0.25:  # a burst of strong noise over a few traces
        a = int(rng.integers(0, n_x))
        w = int(rng.integers(1, max(n_x // 10, 2)))
        sec[a:a + w] += (rng.standard_normal((min(w, n_x - a), n_t)) * rng.uniform(1, 4) * rms
                         ).astype(np.float32)
    if rng.random() < 0.15:  # zero-filled top (muted or padded data)
        k = int(rng.integers(1, max(n_t // 4, 2)))
        sec[:, :k] = 0.0
        lab[:, :k] = 0
    if rng.random() < 0.1:  # dead traces
        dead = rng.random(n_x) < rng.uniform(0.01, 0.08)
        sec[dead] = 0.0
    if rng.random() < 0.5:
        sec, lab = sec[::-1], lab[::-1]
    return np.ascontiguousarray(sec), np.ascontiguousarray(lab)


def fault_training_sections(rng: np.random.Generator, seed: int, size: int
                            ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Two inline sections (traces, samples) of one random slab and their fault labels."""
    dt = float(rng.choice([1.0, 2.0, 4.0]))
    period = float(rng.uniform(6.0, 18.0))
    f_peak = 1000.0 / (period * dt)
    n_t = max(int(round(size * period / NOMINAL_PERIOD)), 32)
    snr = None if rng.random() < 0.08 else float(rng.uniform(-3.0, 30.0))
    n_faults = 0 if rng.random() < 0.15 else int(rng.integers(1, 7))
    # off (0), these draw nothing, so the training and validation draws stay as they were
    wavelet = causal_wavelet(rng) if CAUSAL_FRACTION and rng.random() < CAUSAL_FRACTION else None
    markers = int(rng.integers(0, MAX_MARKERS + 1)) if MAX_MARKERS else 0
    r = generate_post3d((8, size, n_t), seed=seed, dt_ms=dt, snr_db=snr, n_faults=n_faults,
                        f_peak_range=(f_peak, f_peak), n_horizons=markers,
                        faults=TRAINING_FAULTS, wavelet=wavelet)
    lab = r.truth["fault_labels"]
    data = r.data if wavelet is None else np.stack([minimum_to_zero_phase(d) for d in r.data])
    X, y = [], []
    for i in (int(v) for v in rng.choice(8, 2, replace=False)):
        sec, lb = _disturb(rng, data[i].copy(), lab[i].copy())
        X.append(sec)
        y.append(lb)
    return X, y
