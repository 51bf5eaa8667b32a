"""Training and validation examples generated on the fly by :mod:`geodesk.synth`.

Every call draws its own generator settings from its seed (wavelet frequency, noise level,
fault density, dt, statics come with the shot generator, offsets…), so no two batches repeat.
Training seeds are below :data:`VALIDATION_SEED_BASE`; validation seeds are at or above it,
so validation data is never seen in training.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.section import Axis, Section
from geodesk.ml.task_table import TASK_TABLE

#: Validation examples use seeds VALIDATION_SEED_BASE + k; training seeds stay below it.
VALIDATION_SEED_BASE = 10**9

#: Share of first-break draws from the wide shot family (the rest: the demo-like land line).
WIDE_SHOTS = 0.75

#: The generator behind each task, recorded in the model's provenance (task table).
GENERATORS = {t: spec.generator for t, spec in TASK_TABLE.items()}


def training_seed(seed: int, k: int) -> int:
    """Seed of training batch ``k`` of a run seeded ``seed`` (always < VALIDATION_SEED_BASE)."""
    return int((int(seed) * 1_000_003 + int(k)) % VALIDATION_SEED_BASE)


def validation_seeds(n: int) -> list[int]:
    """The ``n`` validation seeds (the same for every run, disjoint from training seeds)."""
    return [VALIDATION_SEED_BASE + k for k in range(int(n))]


def _faults(rng: np.random.Generator, seed: int, size: int) -> tuple[list, list]:
    from geodesk.synth.fault_sections import fault_training_sections

    # inline sections of a slab of 8 inlines: faults of any strike cut them at every angle,
    # at 1/16 of the cost of a cube
    return fault_training_sections(rng, seed, size)


def _shots(rng: np.random.Generator, seed: int, size: int) -> tuple[list, list]:
    from geodesk.ml.tasks.firstbreaks import gather_section
    from geodesk.synth import generate_shots
    from geodesk.synth.shot_family import generate_wide_shot

    if rng.random() < WIDE_SHOTS:
        # the wide family: any geometry, noise, wavelet; dt 0.25-4 ms, records 0.1-6 s
        dt = float(rng.choice([0.25, 0.5, 1.0, 2.0, 4.0]))
        record_ms = float(np.exp(rng.uniform(np.log(100.0), np.log(6000.0))))
        ns = int(np.clip(record_ms / dt, 64, 16 * size + 1000))
        n_c = int(rng.integers(max(size // 6, 8), size + 1))
        # long records get fewer channels: about size * 4 * size work samples (1 ms) at most,
        # like the demo-like draws, so a training step or a validation pass stays cheap
        n_c = int(max(min(n_c, 4 * size * size / record_ms), 8))
        w = generate_wide_shot(n_c, ns, dt, seed=seed)
        return [gather_section(w.data, dt, offsets=w.offset_header_m)], [w.first_break_ms]
    dt = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
    length_ms = rng.uniform(0.5, 1.0) * 1000.0 * size / 256
    ns = max(int(length_ms / dt), 32)
    n_c = int(rng.integers(size // 2, size + 1)) // 2 * 2
    s = generate_shots((1, max(n_c, 8), ns), seed=seed, dt_ms=dt,
                       # total SNR: ground roll and reflections dwarf the first arrivals
                       # (-3 to 55 dB total is about -15 to 43 dB at the first arrival);
                       # one gather in ten noise-free
                       snr_db=None if rng.random() < 0.1 else float(rng.uniform(-3.0, 55.0)),
                       receiver_spacing_m=float(rng.uniform(5.0, 25.0)),
                       dead_fraction=float(rng.uniform(0.0, 0.05)))
    g = gather_section(s.data[0], dt, offsets=s.offset_m[0])
    return [g], [s.truth["first_break_ms"][0]]


def _cmps(rng: np.random.Generator, seed: int, size: int) -> tuple[list, list]:
    from geodesk.ml.tasks.velocities import panel_for_gather
    from geodesk.synth import generate_cmps

    dt = float(rng.choice([2.0, 4.0]))
    ns = int(rng.uniform(2.0, 4.0) * 1000.0 / dt * size / 256)
    n_off = int(rng.integers(24, 61))
    c = generate_cmps((1, n_off, max(ns, 64)), seed=seed, dt_ms=dt,
                      snr_db=float(rng.uniform(0.0, 30.0)), irregular=bool(rng.random() < 0.5),
                      offset_range_m=(float(rng.uniform(50, 300)), float(rng.uniform(1500, 4000))))
    t = c.truth["t0_ms"]
    sec = Section(c.data[0], Axis(np.arange(n_off, dtype=float), "trace"),
                  Axis(t, "time", "ms"), "gather", headers={"offset": c.offsets_m[0]})
    return [panel_for_gather(sec)], [c.truth["vrms"][0]]


def _non_stationary(rng: np.random.Generator, noise: np.ndarray) -> np.ndarray:
    """Real noise is rarely stationary: in 3 draws of 10 it swells and fades in bursts (a smooth
    log-normal envelope over traces and time), in 3 of 10 spikes of 5-30 times its RMS hit
    0.05-0.5 % of the samples (both can happen)."""
    from scipy import ndimage

    out = np.asarray(noise, dtype=np.float32)
    if rng.random() < 0.3:
        width = float(rng.uniform(4.0, 16.0))
        field = ndimage.gaussian_filter(rng.standard_normal(out.shape), (0, width, width))
        field /= max(float(field.std()), 1e-12)
        out = out * np.exp(float(rng.uniform(0.5, 1.2)) * field).astype(np.float32)
    if rng.random() < 0.3:
        hit = rng.random(out.shape) < float(rng.uniform(5e-4, 5e-3))
        rms = float(np.sqrt(np.mean(out ** 2)))
        size = rng.uniform(5.0, 30.0, out.shape) * rng.choice([-1.0, 1.0], out.shape)
        out = out + np.where(hit, rms * size, 0.0).astype(np.float32)
    return out


def _denoise(rng: np.random.Generator, seed: int, size: int) -> tuple[list, list]:
    from geodesk.synth import generate_post3d
    from geodesk.synth.wavelets import add_noise_at_snr, bandlimited_noise

    dt = float(rng.choice([2.0, 4.0]))
    lo = float(rng.uniform(8.0, 40.0))  # real sections are often sampled far above their band
    r = generate_post3d((8, size, size), seed=seed, dt_ms=dt, snr_db=None,
                        n_faults=int(rng.integers(0, 4)), n_horizons=0,
                        f_peak_range=(lo, lo + float(rng.uniform(5.0, 20.0))))
    i = int(rng.integers(3, 5))
    clean = r.data[i - 3:i + 4]  # a section and 3 neighbours each side (2.5D denoising)
    nyq = 500.0 / dt
    kind = rng.random()
    if kind < 0.2:  # white
        f_lo, f_hi = 0.0, nyq
    elif kind < 0.4:  # low band only: nothing to remove near Nyquist
        f_lo, f_hi = float(rng.uniform(0.0, 0.1)) * nyq, float(rng.uniform(0.25, 0.5)) * nyq
    else:
        f_lo, f_hi = float(rng.uniform(0.0, 0.2)) * nyq, float(rng.uniform(0.5, 0.95)) * nyq
    noise = _non_stationary(rng, bandlimited_noise(rng, clean.shape, dt / 1000.0, f_lo, f_hi))
    # real sections are mostly far cleaner than 0 dB: 3 draws in 10 from 15 to 40 dB, where
    # the denoiser must leave nearly everything in place
    snr = float(rng.uniform(15.0, 40.0) if rng.random() < 0.3 else rng.uniform(-5.0, 15.0))
    noisy = add_noise_at_snr(clean, noise, snr)
    return [noisy], [clean[3]]


_MAKERS = {"faults": _faults, "firstbreaks": _shots, "velocities": _cmps, "denoise": _denoise}


def examples(task: str, seed: int, *, size: int = 128) -> tuple[list, list]:
    """Inputs and truths of one synthetic draw for ``task`` (a few sections, gathers or panels).

    ``size`` scales the generated data (traces/samples), so tests can ask for tiny examples.
    """
    if task not in _MAKERS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(_MAKERS)}")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    return _MAKERS[task](rng, int(seed), int(size))


def validation_set(task: str, n: int, *, size: int = 128) -> tuple[list, list]:
    """``n`` validation draws (from :func:`validation_seeds`) concatenated."""
    X, y = [], []
    for s in validation_seeds(n):
        a, b = examples(task, s, size=size)
        X += a
        y += b
    return X, y
