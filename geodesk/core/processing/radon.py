"""Parabolic Radon demultiple of one CMP gather (Hampson 1986).

The gather is NMO-corrected with a guide velocity; each event then has a residual moveout close
to a parabola ``q * (x / x_max)^2`` (``q`` in ms at the farthest offset). A damped least-squares
parabolic Radon transform is solved frequency by frequency; the components with ``q > q_cut``
(slower than the guide: multiples when the guide follows the primaries) are modelled back, put
back to recorded time by inverse NMO and subtracted from the input, so the primaries are never
stretched or resampled.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.processing.nmo import inverse_nmo, nmo_correct

WATER_VELOCITY = 1500.0


def _operator(omega: np.ndarray, p: np.ndarray, q_s: np.ndarray) -> np.ndarray:
    """Radon operator ``exp(-i w q p)`` of shape (n_freq, n_traces, n_q)."""
    return np.exp(-1j * omega[:, None, None] * p[None, :, None] * q_s[None, None, :])


def _solve(spec: np.ndarray, omega: np.ndarray, p: np.ndarray, q_s: np.ndarray,
           weight: np.ndarray, mu: float, chunk: int) -> np.ndarray:
    """``m = W L^H (L W L^H + mu I)^-1 d`` for every frequency (the dual form of the weighted
    damped least squares ``(L^H L + mu W^-1) m = L^H d``): model spectra (n_q, n_freq)."""
    model = np.zeros((q_s.size, omega.size), dtype=np.complex128)
    eye = np.eye(p.size)[None]
    for lo in range(0, omega.size, chunk):
        sl = slice(lo, min(lo + chunk, omega.size))
        op = _operator(omega[sl], p, q_s)
        lw = op * weight[None, None, :]
        gram = lw @ np.conj(np.swapaxes(op, 1, 2)) + mu * eye
        m = np.conj(np.swapaxes(lw, 1, 2)) @ np.linalg.solve(gram, spec[:, sl].T[:, :, None])
        model[:, sl] = m[:, :, 0].T
    return model


def radon_forward(data: np.ndarray, offsets: np.ndarray, dt_ms: float, q_ms: np.ndarray, *,
                  damping: float = 0.1, f_max_hz: float | None = None, sparse_iters: int = 2,
                  chunk: int = 64) -> np.ndarray:
    """Damped least-squares parabolic Radon model (n_q, n_samples) of ``data`` (n_traces,
    n_samples), per frequency with ``mu`` = ``damping`` x the mean diagonal of ``L L^H``.

    ``sparse_iters`` reweighting passes (Sacchi and Ulrych's high-resolution transform, weights
    by each ``q``'s power over the band) focus each event on its own curvature: plain least
    squares smears a flat primary over the curvatures of the multiples at low frequencies.
    """
    d = np.asarray(data, dtype=np.float64)
    n_x, n_t = d.shape
    x = np.abs(np.asarray(offsets, dtype=float))
    p = (x / max(float(x.max()), 1e-9)) ** 2
    q_s = np.asarray(q_ms, dtype=float) / 1000.0
    n_fft = 2 * n_t
    spec = np.fft.rfft(d, n=n_fft, axis=1)
    freqs = np.fft.rfftfreq(n_fft, dt_ms / 1000.0)
    n_f = freqs.size if f_max_hz is None else int(np.searchsorted(freqs, f_max_hz, "right"))
    band = slice(1, max(n_f, 2))  # the zero frequency carries no moveout: left at zero
    weight = np.ones(q_s.size)
    for _ in range(max(0, int(sparse_iters)) + 1):
        mu = damping * float(weight.sum())
        m = _solve(spec[:, band], 2 * np.pi * freqs[band], p, q_s, weight, mu, chunk)
        power = np.mean(np.abs(m) ** 2, axis=1)
        weight = power / max(float(power.max()), 1e-30) + 1e-3
    model = np.zeros((q_s.size, freqs.size), dtype=np.complex128)
    model[:, band] = m
    return np.fft.irfft(model, n=n_fft, axis=1)[:, :n_t]


def radon_inverse(model: np.ndarray, offsets: np.ndarray, dt_ms: float,
                  q_ms: np.ndarray) -> np.ndarray:
    """Traces (n_traces, n_samples) modelled from a parabolic Radon ``model`` (n_q, n_samples)."""
    m = np.asarray(model, dtype=np.float64)
    n_t = m.shape[1]
    x = np.abs(np.asarray(offsets, dtype=float))
    p = (x / max(float(x.max()), 1e-9)) ** 2
    n_fft = 2 * n_t
    spec = np.fft.rfft(m, n=n_fft, axis=1)
    freqs = np.fft.rfftfreq(n_fft, dt_ms / 1000.0)
    out = np.zeros((x.size, freqs.size), dtype=np.complex128)
    q_s = np.asarray(q_ms, dtype=float) / 1000.0
    for lo in range(0, freqs.size, 64):
        sl = slice(lo, min(lo + 64, freqs.size))
        op = _operator(2 * np.pi * freqs[sl], p, q_s)
        out[:, sl] = (op @ spec[:, sl].T[:, :, None])[:, :, 0].T
    return np.fft.irfft(out, n=n_fft, axis=1)[:, :n_t]


def water_guide(times_ms: np.ndarray, v_water: float = WATER_VELOCITY
                ) -> tuple[np.ndarray, np.ndarray]:
    """A constant water-velocity guide: everything slower than it (by ``q_cut``) is a multiple."""
    t = np.asarray(times_ms, dtype=float)
    return np.array([t[0], t[-1]]), np.array([v_water, v_water])


def radon_demultiple(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
                     guide: tuple[np.ndarray, np.ndarray], *, q_cut_ms: float = 30.0,
                     q_min_ms: float = -1000.0, q_max_ms: float = 800.0, dq_ms: float = 8.0,
                     damping: float = 0.05, f_max_hz: float = 90.0,
                     stretch_mute_pct: float | None = 150.0) -> np.ndarray:
    """``gather`` (n_traces, n_samples) with the multiples subtracted, float32.

    The multiples are the energy whose residual moveout after NMO with ``guide`` (t_ms, vrms)
    exceeds ``q_cut_ms`` at the farthest offset. Dead traces stay as they are; a gather with
    fewer than 3 live traces or a single offset is returned unchanged.
    """
    a = np.asarray(gather, dtype=np.float32)
    x = np.abs(np.asarray(offsets, dtype=float))
    t = np.asarray(times_ms, dtype=float)
    live = np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)
    if live.sum() < 3 or np.ptp(x[live]) <= 0 or len(t) < 4:
        return a.copy()
    dt = float(t[1] - t[0])
    q = np.arange(q_min_ms, q_max_ms + 0.5 * dq_ms, dq_ms)
    moved = nmo_correct(a[live], x[live], t, guide[0], guide[1], stretch_mute_pct)
    model = radon_forward(moved, x[live], dt, q, damping=damping, f_max_hz=f_max_hz)
    model[q <= q_cut_ms] = 0.0
    mult = radon_inverse(model, x[live], dt, q).astype(np.float32)
    out = a.copy()
    out[live] = a[live] - inverse_nmo(mult, x[live], t, guide[0], guide[1])
    return out
