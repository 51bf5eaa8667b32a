"""Velocity fields from picked functions: Dix interval velocities and Vrms sections/volumes.

Functions are ``{cdp: (t_ms, vrms)}``. Between picked CDPs the field is linear in CDP (constant
beyond the first and last), and linear in time between knots (constant beyond the ends). Bad
picks never raise: they come back as warnings (one line each) for the user to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from geodesk.core.processing.nmo import vrms_at

#: Interval velocities above this (m/s) are flagged as impossible for sedimentary rocks.
MAX_INTERVAL_VELOCITY = 8000.0

Functions = Mapping[int, tuple[np.ndarray, np.ndarray]]


def dix_interval(t_ms: np.ndarray, vrms: np.ndarray,
                 label: str = "") -> tuple[np.ndarray, list[str]]:
    """Dix interval velocity of every layer between consecutive knots (m/s) and warnings.

    ``vint[0]`` is the RMS velocity of the first knot (the layer above it); a layer whose
    ``vint^2`` is negative (imaginary) or whose time does not increase gets NaN.
    """
    t = np.asarray(t_ms, dtype=float).ravel() / 1000.0
    v = np.asarray(vrms, dtype=float).ravel()
    where = f"{label}: " if label else ""
    notes: list[str] = []
    if t.size != v.size:
        return np.full(v.size, np.nan), [f"{where}{t.size} times but {v.size} velocities"]
    if t.size == 0:
        return np.zeros(0), []
    vint = np.full(t.size, np.nan)
    vint[0] = v[0]
    dt = np.diff(t)
    num = np.diff(v * v * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = num / dt
    ok = (dt > 0) & (sq > 0)
    vint[1:][ok] = np.sqrt(sq[ok])
    for k in np.flatnonzero(dt <= 0):
        notes.append(f"{where}pick at {t[k + 1] * 1000:g} ms is not later than the one at "
                     f"{t[k] * 1000:g} ms (picks out of time order)")
    for k in np.flatnonzero((dt > 0) & (sq <= 0)):
        notes.append(f"{where}imaginary Dix interval velocity between {t[k] * 1000:g} and "
                     f"{t[k + 1] * 1000:g} ms (Vrms drops from {v[k]:.0f} to "
                     f"{v[k + 1]:.0f} m/s too fast)")
    for k in np.flatnonzero(vint > MAX_INTERVAL_VELOCITY):
        top = t[k - 1] * 1000 if k else 0.0
        notes.append(f"{where}interval velocity {vint[k]:.0f} m/s between {top:g} and "
                     f"{t[k] * 1000:g} ms exceeds {MAX_INTERVAL_VELOCITY:.0f} m/s")
    if np.any(~np.isfinite(v) | (v <= 0)):
        notes.append(f"{where}non-positive or non-finite velocities")
    return vint, notes


def check_functions(functions: Functions) -> list[str]:
    """Warnings for every function of a set (time order, impossible interval velocities)."""
    notes: list[str] = []
    for cdp in sorted(functions):
        notes.extend(dix_interval(*functions[cdp], label=f"CDP {cdp}")[1])
    return notes


def _sampled(functions: Functions, times_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(sorted(functions), dtype=np.int64)
    if keys.size == 0:
        raise ValueError("no velocity functions to interpolate")
    rows = np.stack([vrms_at(*functions[int(k)], times_ms) for k in keys])
    return keys, rows


def linear_weights(query: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Matrix ``W`` (n_query, n_knots) of linear interpolation (constant beyond the ends)."""
    q = np.asarray(query, dtype=float)
    k = np.asarray(knots, dtype=float)
    eye = np.eye(k.size)
    return np.stack([np.interp(q, k, eye[j]) for j in range(k.size)], axis=1)


def vrms_section(functions: Functions, cdps: np.ndarray,
                 times_ms: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Vrms (n_cdp, n_samples) float32 along a 2D line, exact at picked CDPs, and warnings."""
    keys, rows = _sampled(functions, times_ms)
    field = linear_weights(np.asarray(cdps, dtype=float), keys) @ rows
    return field.astype(np.float32), check_functions(functions)


def vrms_volume(functions: Functions, locations: Mapping[int, tuple[int, int]],
                inlines: np.ndarray, crosslines: np.ndarray,
                times_ms: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Vrms (n_il, n_xl, n_samples) float32 over a 3D grid from functions at ``(il, xl)``.

    Functions on a full lattice of picked inlines x crosslines are interpolated bilinearly
    (constant beyond); scattered ones by inverse-distance (squared) weighting in line-number
    space. Both honour every picked function exactly.
    """
    keys, rows = _sampled(functions, times_ms)
    missing = [int(k) for k in keys if int(k) not in locations]
    if missing:
        raise ValueError(f"no (inline, crossline) for CDP {missing[0]}")
    loc = np.array([locations[int(k)] for k in keys], dtype=float)
    il_q, xl_q = np.asarray(inlines, dtype=float), np.asarray(crosslines, dtype=float)
    il_k, xl_k = np.unique(loc[:, 0]), np.unique(loc[:, 1])
    notes = check_functions(functions)
    n_t = rows.shape[1]
    if il_k.size * xl_k.size == len(keys) and len({tuple(p) for p in loc}) == len(keys):
        grid = np.empty((il_k.size, xl_k.size, n_t))
        grid[np.searchsorted(il_k, loc[:, 0]), np.searchsorted(xl_k, loc[:, 1])] = rows
        along_xl = np.einsum("bj,ijt->ibt", linear_weights(xl_q, xl_k), grid)
        vol = np.einsum("ai,ibt->abt", linear_weights(il_q, il_k), along_xl)
        return vol.astype(np.float32), notes
    gi, gx = np.meshgrid(il_q, xl_q, indexing="ij")
    d2 = (gi.ravel()[:, None] - loc[None, :, 0]) ** 2 + (gx.ravel()[:, None] - loc[None, :, 1]) ** 2
    with np.errstate(divide="ignore"):
        w = 1.0 / d2
    exact = d2 == 0
    hit = exact.any(axis=1)
    w[hit] = exact[hit]
    w /= w.sum(axis=1, keepdims=True)
    vol = (w @ rows).reshape(il_q.size, xl_q.size, n_t)
    notes.append("picked functions are not on a full inline x crossline lattice: "
                 "inverse-distance interpolation used")
    return vol.astype(np.float32), notes


def interval_section(vrms: np.ndarray, times_ms: np.ndarray) -> np.ndarray:
    """Sample-by-sample Dix interval velocity of a Vrms section or volume (last axis = time).

    Impossible values (imaginary) are NaN; the first sample keeps its RMS velocity.
    """
    v = np.asarray(vrms, dtype=float)
    t = np.asarray(times_ms, dtype=float) / 1000.0
    e = v * v * t
    out = np.empty_like(v)
    out[..., 0] = v[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = np.diff(e, axis=-1) / np.diff(t)
        out[..., 1:] = np.where(sq > 0, np.sqrt(np.where(sq > 0, sq, 0.0)), np.nan)
    return out.astype(np.float32)
