"""What a denoiser removed: checks that need no truth, for real data (Qt- and torch-free).

A denoiser that removes only random noise leaves a removed part (input − output) that is not
correlated with the output, is incoherent from trace to trace and has a flat-ish spectrum; one
that removes signal leaves reflections in it. Zero-filled or muted regions of the input (exact
constants: dead traces, zero-padded tops, mutes) hold no data and must stay as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Shortest run of equal consecutive samples along a trace that counts as a filled region.
MIN_CONSTANT_RUN = 8


def constant_regions(data: np.ndarray, min_run: int = MIN_CONSTANT_RUN) -> np.ndarray:
    """Mask (traces, samples) of runs of ≥ ``min_run`` exactly equal consecutive samples along
    each trace (zero-filled tops and bottoms, mutes, dead or constant traces)."""
    x = np.asarray(data)
    if x.ndim != 2:
        raise ValueError(f"expected (traces, samples), got shape {x.shape}")
    n_tr, n_s = x.shape
    if n_s == 0:
        return np.zeros(x.shape, dtype=bool)
    same = np.zeros(x.shape, dtype=bool)  # sample k equals sample k - 1
    same[:, 1:] = x[:, 1:] == x[:, :-1]
    # run id per sample: a new run starts wherever the value changes
    starts = ~same
    run_id = np.cumsum(starts, axis=1) - 1 + (np.arange(n_tr) * n_s)[:, None]
    lengths = np.bincount(run_id.ravel(), minlength=n_tr * n_s)
    return lengths[run_id] >= int(min_run)


def keep_constant_regions(inp: np.ndarray, out: np.ndarray,
                          min_run: int = MIN_CONSTANT_RUN) -> np.ndarray:
    """``out`` with the :func:`constant_regions` of ``inp`` set back to the input's values
    (a denoiser must not paint data into zero-filled or muted regions)."""
    res = np.array(out, dtype=np.float32, copy=True)
    mask = constant_regions(inp, min_run)
    res[mask] = np.asarray(inp, dtype=np.float32)[mask]
    return res


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt(np.sum(a * a) * np.sum(b * b)))
    return float(np.sum(a * b) / den) if den > 0 else 0.0


def lateral_coherence(part: np.ndarray, window: int = 32,
                      valid: np.ndarray | None = None) -> float:
    """Trace-to-trace coherence of ``part`` (traces, samples): in windows of ``window`` samples,
    the zero-lag correlation of each trace with its neighbour, normalised by the two windows'
    energies and averaged weighted by them, Σ⟨r_j, r_j+1⟩ / Σ‖r_j‖‖r_j+1‖. About 0 for noise
    independent from trace to trace, near 1 for laterally continuous events (reflections);
    slightly negative when the output is smoothed across traces (what a smoother removes from
    trace-independent noise is its laterally high-passed part)."""
    x = np.asarray(part, dtype=np.float64)
    if valid is not None:
        x = np.where(valid, x, 0.0)
    n_tr, n_s = x.shape
    if n_tr < 2 or n_s == 0:
        return 0.0
    w = max(min(int(window), n_s), 1)
    n_win = n_s // w
    x = x[:, :n_win * w].reshape(n_tr, n_win, w) if n_win else x[:, None, :]
    a, b = x[:-1], x[1:]
    num = np.sum(a * b, axis=2)
    den = np.sqrt(np.sum(a * a, axis=2) * np.sum(b * b, axis=2))
    total = float(den.sum())
    return float(num.sum() / total) if total > 0 else 0.0


def dip_coherence(part: np.ndarray, tile: tuple[int, int] = (24, 48), max_dip: int = 4,
                  valid: np.ndarray | None = None) -> float:
    """Trace-to-trace coherence of ``part`` that follows dipping events: in tiles of ``tile``
    (traces, samples), the correlation of every trace with its neighbour shifted by one common
    dip d (samples per trace, |d| ≤ ``max_dip``), Σ⟨r_j(t), r_j+1(t + d)⟩ / √(Σr_j² Σr_j+1²),
    at the d that maximises it; tiles averaged weighted by their energy. Near 1 for reflections
    and diffractions of any dip up to ``max_dip``; for noise independent from trace to trace
    about +0.04 (the best of 2 ``max_dip`` + 1 chance correlations of ~1100 samples)."""
    x = np.asarray(part, dtype=np.float64)
    if valid is not None:
        x = np.where(valid, x, 0.0)
    n_tr, n_s = x.shape
    if n_tr < 2 or n_s <= 2 * max_dip:
        return 0.0
    a = x[:-1, max_dip:n_s - max_dip]
    ht, hs = min(tile[0], a.shape[0]), min(tile[1], a.shape[1])
    nt, ns = a.shape[0] // ht, a.shape[1] // hs

    def tiles(y: np.ndarray) -> np.ndarray:
        return y[:nt * ht, :ns * hs].reshape(nt, ht, ns, hs).sum(axis=(1, 3))

    aa = tiles(a * a)
    best = np.full((nt, ns), -np.inf)
    for d in range(-int(max_dip), int(max_dip) + 1):
        b = x[1:, max_dip + d:n_s - max_dip + d]
        den = np.sqrt(aa * tiles(b * b))
        best = np.maximum(best, np.where(den > 0, tiles(a * b) / np.where(den > 0, den, 1), 0))
    weight = np.sqrt(aa)
    total = float(weight.sum())
    return float((best * weight).sum() / total) if total > 0 else 0.0


def amplitude_spectra(inp: np.ndarray, removed: np.ndarray, dt_ms: float,
                      valid: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Mean amplitude spectra over traces of the input and of the removed part:
    ``freq_hz``, ``input``, ``removed`` (same units, so removed/input is the share per band)."""
    x = np.asarray(inp, dtype=np.float64)
    r = np.asarray(removed, dtype=np.float64)
    if valid is not None:
        x, r = np.where(valid, x, 0.0), np.where(valid, r, 0.0)
    return {"freq_hz": np.fft.rfftfreq(x.shape[1], dt_ms / 1000.0),
            "input": np.abs(np.fft.rfft(x, axis=1)).mean(axis=0),
            "removed": np.abs(np.fft.rfft(r, axis=1)).mean(axis=0)}


def band_ratios(spectra: dict[str, np.ndarray], n_bands: int = 6) -> list[float]:
    """Removed / input mean amplitude in ``n_bands`` equal bands from 0 to Nyquist."""
    inp, rem = spectra["input"], spectra["removed"]
    edges = np.linspace(0, len(inp), n_bands + 1).astype(int)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        s = float(inp[a:b].sum())
        out.append(round(float(rem[a:b].sum()) / s, 3) if s > 0 else 0.0)
    return out


def removed_report(inp: np.ndarray, out: np.ndarray, *, dt_ms: float = 4.0,
                   window: int = 32) -> dict[str, Any]:
    """What ``out`` took away from ``inp`` (both (traces, samples)), judged where the input holds
    data (outside its :func:`constant_regions`):

    - ``removed_rms_share``: RMS(input − output) / RMS(input);
    - ``corr_with_input`` / ``corr_with_output``: correlation of the removed part with them
      (near 0 with the output when only noise independent of the signal was removed);
    - ``coherence``: :func:`dip_coherence` of the removed part (≈ 0.04 for random noise, high
      when reflections or diffractions of any dip were removed); ``flat_coherence``: its
      zero-lag :func:`lateral_coherence` (blind to steep dips);
    - ``input_coherence``: :func:`dip_coherence` of the input, for scale;
    - ``zero_region_energy``: RMS of the output inside the constant regions / RMS of the
      input outside them (0 when the filled regions were left alone);
    - ``band_ratios``: removed / input amplitude in six bands from 0 to Nyquist.
    """
    x = np.asarray(inp, dtype=np.float64)
    y = np.asarray(out, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 2:
        raise ValueError(f"input {x.shape} and output {y.shape} must be the same 2D shape")
    filled = constant_regions(x)
    valid = ~filled
    r = x - y
    rms_in = float(np.sqrt(np.mean(x[valid] ** 2))) if valid.any() else 0.0
    rms_rem = float(np.sqrt(np.mean(r[valid] ** 2))) if valid.any() else 0.0
    leak = float(np.sqrt(np.mean((y[filled] - x[filled]) ** 2))) if filled.any() else 0.0
    spectra = amplitude_spectra(x, r, dt_ms, valid)
    return {
        "removed_rms_share": round(rms_rem / rms_in, 4) if rms_in > 0 else 0.0,
        "corr_with_input": round(_corr(r[valid], x[valid]), 4) if valid.any() else 0.0,
        "corr_with_output": round(_corr(r[valid], y[valid]), 4) if valid.any() else 0.0,
        "coherence": round(dip_coherence(r, valid=valid), 4),
        "flat_coherence": round(lateral_coherence(r, window, valid), 4),
        "input_coherence": round(dip_coherence(x, valid=valid), 4),
        "zero_region_energy": round(leak / rms_in, 4) if rms_in > 0 else 0.0,
        "filled_fraction": round(float(filled.mean()), 4),
        "band_ratios": band_ratios(spectra),
    }
