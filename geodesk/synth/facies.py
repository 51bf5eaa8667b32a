"""A synthetic post-stack volume made of units of known seismic facies (truth per sample).

Units are stacked between smooth, gently dipping surfaces; each unit gets one of four facies
that differ in the ways the attributes see: continuous strong low-frequency reflectors,
continuous weak high-frequency reflectors, chaotic reflectivity (independent from trace to
trace) and a nearly transparent unit. Each facies has its own Ricker wavelet. The truth is the
facies index (0..3) of every sample, stored in ``OUT.truth.npz`` as ``facies``; used by the
facies tests and the demo, never by the evaluation bench (bench/evalgen has its own).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import ndimage

from geodesk.core.segy.write import write_post3d
from geodesk.synth.truth import save_truth
from geodesk.synth.wavelets import ricker_spectrum

#: (name, Ricker peak Hz, reflectivity amplitude, laterally continuous, reflector density)
FACIES = (("continuous strong", 18.0, 1.0, True, 0.3),
          ("continuous weak high-frequency", 48.0, 0.35, True, 0.25),
          ("chaotic", 30.0, 0.6, False, 0.25),
          ("transparent", 30.0, 0.04, False, 0.3))


@dataclass
class FaciesVolume:
    """The volume (inlines, crosslines, samples) float32, facies per sample (int8) and grid."""

    data: np.ndarray
    facies: np.ndarray
    dt_ms: float
    seed: int
    inlines: np.ndarray
    crosslines: np.ndarray

    def write(self, out_path: str | os.PathLike) -> Path:
        """Write the SEG-Y and ``OUT.truth.npz`` with the facies per sample."""
        n_il, n_xl, _ = self.data.shape
        gx, gy = np.meshgrid(np.arange(n_xl) * 25.0 + 1000.0, np.arange(n_il) * 25.0 + 5000.0)
        text = ["GEODESK SYNTHETIC FACIES VOLUME (UNITS OF KNOWN FACIES)",
                f"GENERATOR geodesk.synth.facies SEED {self.seed}",
                "FACIES: " + "; ".join(f[0].upper() for f in FACIES),
                "TRUTH (FACIES PER SAMPLE) IN THE .TRUTH.NPZ FILE NEXT TO THIS ONE"]
        path = write_post3d(out_path, self.data, self.inlines, self.crosslines, gx, gy,
                            dt_ms=self.dt_ms, text=text)
        save_truth(path, "post3d", self.seed, {"generator": "facies", "n_facies": len(FACIES)},
                   {"facies": self.facies, "inlines": self.inlines,
                    "crosslines": self.crosslines, "dt_ms": np.float64(self.dt_ms)})
        return path


def _surfaces(rng: np.random.Generator, n_il: int, n_xl: int, n_t: int,
              n_units: int) -> np.ndarray:
    """Unit tops (n_units + 1, n_il, n_xl) in samples: smooth, dipping, never crossing."""
    il, xl = np.meshgrid(np.arange(n_il), np.arange(n_xl), indexing="ij")
    base = np.linspace(0, n_t, n_units + 1)
    tops = [np.zeros((n_il, n_xl))]
    for k in range(1, n_units):
        dip_il, dip_xl = rng.uniform(-0.15, 0.15, 2)
        bump = ndimage.gaussian_filter(rng.normal(0, 1, (n_il, n_xl)), 8, mode="reflect")
        bump *= 6.0 / max(float(np.abs(bump).max()), 1e-9)
        tops.append(base[k] + dip_il * (il - n_il / 2) + dip_xl * (xl - n_xl / 2) + bump)
    tops.append(np.full((n_il, n_xl), float(n_t)))
    out = np.stack(tops)
    for k in range(1, n_units + 1):  # at least 12 samples thick
        out[k] = np.maximum(out[k], out[k - 1] + 12)
    return np.clip(out, 0, n_t)


def _convolve(refl: np.ndarray, f_peak: float, dt_ms: float) -> np.ndarray:
    n = refl.shape[-1]
    spec = ricker_spectrum(2 * n, dt_ms / 1000.0, f_peak)
    return np.fft.irfft(np.fft.rfft(refl, 2 * n, axis=-1) * spec, 2 * n, axis=-1)[..., :n]


def generate_facies_volume(shape: tuple[int, int, int] = (24, 40, 400), *, seed: int = 0,
                           dt_ms: float = 4.0, n_units: int = 6,
                           snr_db: float = 20.0) -> FaciesVolume:
    """A volume of ``n_units`` units; consecutive units never share a facies and every facies
    occurs when ``n_units`` >= 4."""
    n_il, n_xl, n_t = (int(s) for s in shape)
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(len(FACIES)))
    while len(order) < n_units:
        nxt = int(rng.integers(len(FACIES)))
        if nxt != order[-1]:
            order.append(nxt)
    tops = _surfaces(rng, n_il, n_xl, n_t, n_units)
    t = np.arange(n_t)[None, None, :]
    unit = (t >= tops[1:n_units, :, :, None]).sum(0)
    facies = np.asarray(order, dtype=np.int8)[unit]
    data = np.zeros((n_il, n_xl, n_t))
    top_of = np.take_along_axis(tops[..., None], unit[None], 0)[0]  # top of its unit
    flat_t = t - top_of + tops.mean(axis=(1, 2))[unit]  # time of the sample with flat tops
    for k in range(len(FACIES)):
        _, f_peak, amp, continuous, density = FACIES[k]
        if continuous:  # one reflectivity series shared by the traces, following the unit top
            pad = n_t + 64
            series = rng.normal(0, 1, pad) * (rng.random(pad) < density)
            series = np.where(series == 0, 0.0, np.sign(series) * (0.5 + np.abs(series)))
            idx = np.clip(np.rint(flat_t).astype(int) + 32, 0, pad - 1)
            refl = series[idx]
        else:
            refl = rng.normal(0, 1, data.shape) * (rng.random(data.shape) < density)
        refl = np.where(facies == k, refl * amp, 0.0)
        data += _convolve(refl, f_peak, dt_ms)
    signal_rms = float(np.sqrt(np.mean(data**2))) or 1.0
    data += rng.normal(0, signal_rms * 10 ** (-snr_db / 20), data.shape)
    return FaciesVolume(data.astype(np.float32), facies, float(dt_ms), int(seed),
                        np.arange(n_il) + 100, np.arange(n_xl) + 300)
