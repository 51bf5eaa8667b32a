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


def _operators(k_lo: int, k_hi: int, d_omega: float, p: np.ndarray, q_s: np.ndarray,
               chunk: int):
    """Radon operators ``exp(-i w_k q p)`` (chunk, n_traces, n_q) for frequency indices ``k_lo``
    to ``k_hi - 1`` in chunks: yields ``(slice of k - k_lo, operator)``. Each chunk is its first
    frequency's operator times shared per-step factors (far fewer complex exponentials)."""
    pq = p[:, None] * q_s[None, :] * d_omega
    steps = np.exp(-1j * np.arange(chunk)[:, None, None] * pq[None]).astype(np.complex64)
    for lo in range(k_lo, k_hi, chunk):
        n = min(chunk, k_hi - lo)
        start = np.exp(-1j * lo * pq).astype(np.complex64)
        yield slice(lo - k_lo, lo - k_lo + n), start[None] * steps[:n]


def _fft_length(n_t: int, dt_ms: float, q_ms: np.ndarray) -> int:
    """FFT length: the record plus the largest moveout shift, so nothing wraps around."""
    return int(n_t + np.ceil(float(np.max(np.abs(q_ms))) / dt_ms) + 1)


def _solve(spec: np.ndarray, k_lo: int, d_omega: float, p: np.ndarray, q_s: np.ndarray,
           weight: np.ndarray, mu: float, chunk: int) -> np.ndarray:
    """``m = W L^H (L W L^H + mu I)^-1 d`` for every frequency (the dual form of the weighted
    damped least squares ``(L^H L + mu W^-1) m = L^H d``): model spectra (n_q, n_freq)."""
    model = np.zeros((q_s.size, spec.shape[1]), dtype=np.complex64)
    eye = np.eye(p.size, dtype=np.complex64)[None]
    w32 = weight.astype(np.float32)[None, None, :]
    for sl, op in _operators(k_lo, k_lo + spec.shape[1], d_omega, p, q_s, chunk):
        lw = op * w32
        gram = lw @ np.conj(np.swapaxes(op, 1, 2)) + mu * eye
        rhs = spec[:, sl].T[:, :, None].astype(np.complex64)
        m = np.conj(np.swapaxes(lw, 1, 2)) @ np.linalg.solve(gram, rhs)
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
    n_t = d.shape[1]
    x = np.abs(np.asarray(offsets, dtype=float))
    p = (x / max(float(x.max()), 1e-9)) ** 2
    q_s = np.asarray(q_ms, dtype=float) / 1000.0
    n_fft = _fft_length(n_t, dt_ms, q_ms)
    spec = np.fft.rfft(d, n=n_fft, axis=1)
    freqs = np.fft.rfftfreq(n_fft, dt_ms / 1000.0)
    n_f = freqs.size if f_max_hz is None else int(np.searchsorted(freqs, f_max_hz, "right"))
    band = slice(1, max(n_f, 2))  # the zero frequency carries no moveout: left at zero
    d_omega = 2 * np.pi * float(freqs[1])
    weight = np.ones(q_s.size)
    for _ in range(max(0, int(sparse_iters)) + 1):
        mu = damping * float(weight.sum())
        m = _solve(spec[:, band], band.start, d_omega, p, q_s, weight, mu, chunk)
        power = np.mean(np.abs(m) ** 2, axis=1)
        weight = power / max(float(power.max()), 1e-30) + 1e-3
    model = np.zeros((q_s.size, freqs.size), dtype=np.complex64)
    model[:, band] = m
    return np.fft.irfft(model, n=n_fft, axis=1)[:, :n_t]


def radon_inverse(model: np.ndarray, offsets: np.ndarray, dt_ms: float,
                  q_ms: np.ndarray) -> np.ndarray:
    """Traces (n_traces, n_samples) modelled from a parabolic Radon ``model`` (n_q, n_samples)."""
    m = np.asarray(model, dtype=np.float64)
    n_t = m.shape[1]
    x = np.abs(np.asarray(offsets, dtype=float))
    p = (x / max(float(x.max()), 1e-9)) ** 2
    n_fft = _fft_length(n_t, dt_ms, q_ms)
    spec = np.fft.rfft(m, n=n_fft, axis=1)
    freqs = np.fft.rfftfreq(n_fft, dt_ms / 1000.0)
    out = np.zeros((x.size, freqs.size), dtype=np.complex64)
    q_s = np.asarray(q_ms, dtype=float) / 1000.0
    for sl, op in _operators(0, freqs.size, 2 * np.pi * float(freqs[1]), p, q_s, 64):
        out[:, sl] = (op @ spec[:, sl].T[:, :, None].astype(np.complex64))[:, :, 0].T
    return np.fft.irfft(out, n=n_fft, axis=1)[:, :n_t]


def water_guide(times_ms: np.ndarray, v_water: float = WATER_VELOCITY
                ) -> tuple[np.ndarray, np.ndarray]:
    """A constant water-velocity guide: everything slower than it (by ``q_cut``) is a multiple."""
    t = np.asarray(times_ms, dtype=float)
    return np.array([t[0], t[-1]]), np.array([v_water, v_water])


def radon_demultiple(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
                     guide: tuple[np.ndarray, np.ndarray], *, q_cut_ms: float = 30.0,
                     q_min_ms: float = -1000.0, q_max_ms: float = 800.0, dq_ms: float = 8.0,
                     damping: float = 0.1, f_max_hz: float = 70.0,
                     stretch_mute_pct: float | None = 150.0) -> np.ndarray:
    """``gather`` (n_traces, n_samples) with the multiples subtracted, float32.

    The multiples are the energy whose residual moveout after NMO with ``guide`` (t_ms, vrms)
    exceeds ``q_cut_ms`` at the farthest offset. Dead traces and zero (muted) samples stay as
    they are; a gather with
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
    out[a == 0] = 0.0  # muted or zero-filled samples stay zero: nothing is modelled into them
    return out
