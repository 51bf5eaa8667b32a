"""First-break picking on shot gathers with a 2D U-Net: 3-class segmentation.

Choice: segmentation rather than pick regression, because it is fully convolutional (any trace
count, tiled), handles dead traces and late arrivals without a fixed output size, and gives a
per-sample confidence. Classes per (trace, sample): 0 before the onset, 1 the first ``band``
samples from the onset on, 2 later. The pick is the likeliest onset given P(before) per sample
(:func:`onset_loglik`, refined to a fraction of a sample); from version 4 (``decode="trend"``)
re-picked within a window around the gather's refractor trend
(:mod:`geodesk.ml.tasks.fb_combine`), by offset or by channel when offsets are unknown, and
then (``classical="earlier"``, the default for every file) combined with the classical picker:
its picks, moved earlier onto the network's only where the network is sure and the data show
an energy rise (:mod:`geodesk.ml.tasks.fb_hybrid`; ``classical="none"`` keeps the network's);
version 3 kept the likeliest onset, version 1 used the change point of
:func:`change_points`. The loss
is plain cross-entropy, which keeps P(before) calibrated: weighting the thin "at" band up
(versions 1–2) moved the picks about 3 ms early.
Gathers are resampled to ``work_dt_ms`` first (band-limited) so one model serves dt from 0.25 ms
to 4 ms. Input channels: each trace scaled by its own RMS (amplitudes fall fast with offset);
optionally the energy of the last ``energy_ms`` in dB above the trace's own noise floor (a
weak first arrival under strong ground roll is a small amplitude but a clear energy step; a
trailing window rises at the onset, a centred one half a window early). Versions 1-3 also fed
the recording time (``time_channel``): the network learnt the training generator's times
instead of reading the data (on real marine shots, shifting t0 by 1 s moved its picks by up to
0.6 s), so version 4 leaves it out. Optionally the network's pick is refined on
the ORIGINAL samples by an AIC split within ``refine_ms`` of it (the network works at
``work_dt_ms``, coarser than a 0.25–0.5 ms record).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from geodesk.core.processing.firstbreaks import aic_onset, offset_trend
from geodesk.core.section import Axis, Section
from geodesk.ml.base import Prepared
from geodesk.ml.data.normalize import clean_nonfinite, resample_time
from geodesk.ml.tasks.common import UNetModel, dead_traces, section_arrays
from geodesk.ml.tasks.fb_combine import CombinedOnsets, combined_onsets, subsample_peak
from geodesk.ml.tasks.fb_hybrid import HybridPicks, classical_with_network


def gather_section(data: np.ndarray, dt_ms: float, t0_ms: float = 0.0,
                   offsets: np.ndarray | None = None) -> Section:
    """A gather Section from a bare array (traces, samples) with its sample interval."""
    d = np.asarray(data, dtype=np.float32)
    heads = {} if offsets is None else {"offset": np.asarray(offsets, dtype=float)}
    return Section(d, Axis(np.arange(d.shape[0], dtype=float), "trace"),
                   Axis(t0_ms + dt_ms * np.arange(d.shape[1]), "time", "ms"), "gather",
                   headers=heads)


def _dt_t0(x: Section) -> tuple[float, float]:
    t = np.asarray(x.axis1.values, dtype=float)
    if len(t) < 2 or not t[1] > t[0]:
        raise ValueError("a gather needs at least two increasing time samples")
    return float(t[1] - t[0]), float(t[0])


def trace_normalize(data: np.ndarray, clip: float = 8.0) -> np.ndarray:
    """Each trace divided by its RMS (dead traces stay 0), clipped to ±``clip``."""
    rms = np.sqrt(np.mean(np.square(data, dtype=np.float64), axis=1, keepdims=True))
    out = np.where(rms > 0, data / np.where(rms > 0, rms, 1.0), 0.0)
    return np.clip(out, -clip, clip).astype(np.float32)


def energy_db(data: np.ndarray, window: int, floor_pct: float = 10.0,
              scale_db: float = 10.0, top: float = 6.0, trailing: bool = True) -> np.ndarray:
    """Short-window energy of each trace in dB above its own ``floor_pct`` percentile, divided
    by ``scale_db`` and clipped to [0, ``top``]. The window is the ``window`` samples up to and
    including each sample (``trailing``: it rises AT an onset, never before it) or centred on
    it (rises half a window early). Scale-free: the same for a trace times any gain; a silent
    trace gives 0, and zero-filled stretches do not count in the floor."""
    x = np.asarray(data, dtype=np.float64)
    w = max(int(window), 1)
    pad = (w, 0) if trailing else (w // 2 + 1, w - w // 2 - 1)
    c = np.cumsum(np.pad(x * x, [(0, 0), pad], mode="edge"), axis=1)
    e = (c[:, w:] - c[:, :-w]) / w
    peak = e.max(axis=1, keepdims=True)
    db = 10.0 * np.log10(np.maximum(e, 1e-7 * peak) + np.finfo(float).tiny)
    # the floor ignores zero-filled (muted, padded) stretches: their -70 dB would lift every
    # later sample, noise included, to the top of the scale
    silent = (e <= 1e-9 * peak) & (peak > 0)  # a dead trace keeps its samples (all silent)
    floor = np.nanpercentile(np.where(silent, np.nan, db), floor_pct, axis=1, keepdims=True)
    out = np.clip((db - floor) / scale_db, 0.0, top)
    out[peak[:, 0] <= 0] = 0.0
    return out.astype(np.float32)


def refine_aic(data: np.ndarray, picks_ms: np.ndarray, dt: float, t0: float,
               half_ms: float) -> np.ndarray:
    """Each pick moved to the AIC onset of its trace within ±``half_ms`` (original samples);
    picks stay where the window holds fewer than 5 samples or the trace is silent there."""
    out = np.array(picks_ms, dtype=np.float64)
    ns = data.shape[1]
    half = round(half_ms / dt)
    width = 2 * half + 1
    ok = np.isfinite(out)
    if width < 5 or width > ns or not ok.any():
        return out.astype(np.float32)
    centre = np.round((np.where(ok, out, t0) - t0) / dt).astype(int)
    lo = np.clip(centre - half, 0, ns - width)
    rows = np.flatnonzero(ok)
    seg = data[rows[:, None], lo[rows, None] + np.arange(width)[None, :]]
    k = aic_onset(seg)
    good = k >= 0
    # the AIC split index is the first signal sample; the onset lies half a sample before it
    out[rows[good]] = t0 + (lo[rows[good]] + k[good] - 0.5) * dt
    return np.maximum(out, t0).astype(np.float32)


def change_points(prob: np.ndarray) -> np.ndarray:
    """Per row of class probabilities (3, traces, samples), the index t maximising
    ``sum_{s<t} e(s) - sum_{s>=t} e(s)`` with ``e = P0 - max(P1, P2)``: "before" wins before t,
    another class after it. Robust to isolated errors; 0 when nothing looks like "before"."""
    e = np.asarray(prob[0], dtype=np.float64) - np.maximum(prob[1], prob[2])
    prefix = np.concatenate([np.zeros((e.shape[0], 1)), np.cumsum(e, axis=1)], axis=1)
    return np.argmax(prefix, axis=1)


def onset_loglik(prob: np.ndarray, after: int = 0, neutral: float = 0.5) -> np.ndarray:
    """Log-likelihood (traces, samples + 1) of the onset at each sample k of a trace: every
    sample before k is "before" (class 0) and every one from k on is not. k = samples means
    no onset in the record.

    ``after`` > 0 scores against a ``neutral`` P(before) instead, over the ``after`` samples
    from k on only, and lets samples before k only count against k (where P(before) is below
    ``neutral``: they look like signal), never for it: noise after the arrivals looks like noise before them, so a long
    tail of it must not pull the onset to the record's end, nor a long quiet stretch before
    the arrivals push it to the record's start."""
    p0 = np.clip(np.asarray(prob[0], dtype=np.float64), 1e-6, 1.0 - 1e-6)
    zero = np.zeros((p0.shape[0], 1))
    n = p0.shape[1]
    k = np.arange(n + 1)
    if not after or after <= 0:
        before = np.concatenate([zero, np.cumsum(np.log(p0), axis=1)], axis=1)
        c_after = np.concatenate([zero, np.cumsum(np.log1p(-p0), axis=1)], axis=1)
        return before + c_after[:, n:] - c_after
    q = float(neutral)
    before = np.concatenate([zero, np.cumsum(np.minimum(np.log(p0 / q), 0.0), axis=1)], axis=1)
    c_after = np.concatenate([zero, np.cumsum(np.log((1.0 - p0) / (1.0 - q)), axis=1)], axis=1)
    end = np.minimum(k + int(after), n)
    return before + c_after[:, end] - c_after[:, k]


def repair_by_offset(loglik: np.ndarray, k: np.ndarray, offsets: np.ndarray, dt: float,
                     t0: float, tol_ms: float) -> np.ndarray:
    """Onsets (work samples) that stray more than ``tol_ms`` from the robust offset trend of
    all picks are re-picked at the likeliest sample within ``tol_ms`` of the trend."""
    n = loglik.shape[1] - 1
    t = np.where(k < n, t0 + k * dt, np.nan)
    trend = offset_trend(t, offsets)
    bad = np.isfinite(trend) & ~(np.abs(t - trend) <= tol_ms)
    if not bad.any():
        return k
    centre = (trend[bad] - t0) / dt
    half = tol_ms / dt
    s = np.arange(n + 1)[None, :]
    inside = np.abs(s - centre[:, None]) <= half
    cand = np.where(inside, loglik[bad], -np.inf)
    new = np.argmax(cand, axis=1)
    out = k.copy()
    ok = np.isfinite(cand.max(axis=1))
    out[np.flatnonzero(bad)[ok]] = new[ok]
    return out


class FirstBreakUNet(UNetModel):
    """First breaks: ``predict(gather_section)`` → onset time (ms) per trace, NaN unpicked."""

    task = "firstbreaks"
    name = "firstbreak-unet"
    version = 4
    out_channels = 3
    normalisation = ("per-trace RMS, clipped to ±8, and energy in dB above the trace's noise "
                     "floor, after resampling to work_dt_ms")

    def __init__(self, *, depth: int = 4, width: int = 16, dropout: float = 0.1,
                 work_dt_ms: float = 1.0, band: int = 4, time_channel: bool = False,
                 energy_ms: float = 8.0, refine_ms: float = 0.0, onset_crops: float = 0.7,
                 decode: str = "trend", trend_ms: float = 6.0, after_ms: float = 64.0,
                 flip_average: bool = True, neutral: float = 0.5,
                 class_weighting: str = "none", energy_window: str = "trailing",
                 classical: str = "earlier", lr: float = 1e-3,
                 batch_size: int = 4, patch: tuple[int, int] = (64, 256), epochs: int = 10,
                 steps_per_epoch: int = 100, tile: int = 256, device: str = "auto",
                 seed: int = 0) -> None:
        self.depth, self.width, self.dropout = depth, width, dropout
        self.work_dt_ms, self.band, self.time_channel = work_dt_ms, band, time_channel
        self.energy_ms, self.refine_ms, self.onset_crops = energy_ms, refine_ms, onset_crops
        self.decode, self.trend_ms, self.after_ms = decode, trend_ms, after_ms
        self.flip_average, self.neutral = flip_average, neutral
        self.class_weighting, self.energy_window = class_weighting, energy_window
        self.classical = classical
        self.lr, self.batch_size, self.patch = lr, batch_size, tuple(patch)
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.tile, self.device, self.seed = tile, device, seed

    @classmethod
    def _upgrade_params(cls, params: dict[str, Any], version: int) -> dict[str, Any]:
        if version < 2:  # version 1 had no energy channel and no onset-centred crops
            params.setdefault("energy_ms", 0.0)
            params.setdefault("onset_crops", 0.0)
            params.setdefault("decode", "changepoint")
        if version < 3:  # versions 1-2 weighted the classes and centred the energy window
            params.setdefault("class_weighting", "balanced")
            params.setdefault("energy_window", "centred")
        if version < 4:  # versions 1-3 fed the recording time as a third input channel and
            # decoded the likelihood alone
            params.setdefault("time_channel", True)
            params.setdefault("decode", "likelihood")
            params.setdefault("trend_ms", 0.0)
            params.setdefault("after_ms", 0.0)
            params.setdefault("flip_average", False)
        return params

    @property
    def in_channels(self) -> int:  # type: ignore[override]
        return 1 + bool(self.energy_ms) + bool(self.time_channel)

    def _prepare(self, x: Section | np.ndarray, y: Any = None) -> Prepared:
        if not isinstance(x, Section):
            raise TypeError("first-break models take a gather Section (see gather_section)")
        data, live = section_arrays(x)
        dt, t0 = _dt_t0(x)
        data = clean_nonfinite(data, what="gather")
        live = live & ~dead_traces(data)
        work = resample_time(data, dt, float(self.work_dt_ms))
        inp = trace_normalize(work)
        inp[~live] = 0.0
        n_tr, n_w = inp.shape
        channels = [inp]
        if self.energy_ms:
            en = energy_db(work, round(float(self.energy_ms) / float(self.work_dt_ms)),
                           trailing=self.energy_window == "trailing")
            en[~live] = 0.0
            channels.append(en)
        if self.time_channel:  # recording time (s): fully convolutional nets lack position
            t_s = (t0 + float(self.work_dt_ms) * np.arange(n_w, dtype=np.float32)) / 1000.0
            channels.append(np.broadcast_to(t_s[None, :], (n_tr, n_w)).astype(np.float32))
        mask = np.broadcast_to(live[:, None], (n_tr, n_w)).astype(np.float32).copy()
        target = None
        if y is not None:
            onset = (np.asarray(y, dtype=float) - t0) / float(self.work_dt_ms)  # work samples
            ok = np.isfinite(onset)
            mask[~ok] = 0.0
            k = np.ceil(np.where(ok, onset, 0.0))[:, None]
            s = np.arange(n_w)[None, :]
            cls = np.where(s < k, 0, np.where(s < k + int(self.band), 1, 2))
            target = np.stack([cls == c for c in range(3)]).astype(np.float32)
            if self.after_ms:  # no label past the onset window the decoding looks at: there
                # noise after the arrivals would teach "noise = after" (and the reverse)
                mask[s >= k + round(float(self.after_ms) / float(self.work_dt_ms))] = 0.0
        off = x.headers.get("offset")
        off = None if off is None else np.asarray(off, dtype=float)
        meta = {"live": live, "dt": dt, "t0": t0, "n": data.shape[1], "data": data,
                "offsets": off if off is not None and off.shape == live.shape else None}
        if y is not None:
            meta["onset"] = np.where(ok, onset, np.nan)
        return Prepared(np.stack(channels), target, mask, meta)

    def _crop(self, prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Training patches: a fraction ``onset_crops`` placed so the first breaks of their
        traces fall inside (the decision is made there) or, one in four, just below; the rest
        anywhere in the record."""
        onset = prep.meta.get("onset")
        ph, pw = self.patch
        h, w = prep.mask.shape
        if onset is None or self.rng_.random() >= float(self.onset_crops) or w <= pw:
            return super()._crop(prep)
        r = int(self.rng_.integers(0, max(h - ph, 0) + 1))
        seg = onset[r:r + ph]
        seg = seg[np.isfinite(seg)]
        if seg.size == 0:
            return super()._crop(prep)
        centre = float(np.median(seg))
        # one in four ends before the onsets: noise far ahead of any arrival is "before" too
        # (else the network only says so where it sees the arrival coming)
        u = self.rng_.uniform(1.05, 2.0) if self.rng_.random() < 0.25 else \
            self.rng_.uniform(0.15, 0.85)
        c = int(np.clip(centre - u * pw, 0, w - pw))
        return self._crop_at(prep, r, c)

    def _loss(self, out, target, mask, inp):
        import torch

        logp = torch.log_softmax(out, dim=1)
        if self.class_weighting == "none":
            # plain cross-entropy keeps P(before) calibrated, so the onset likelihood is not
            # biased; weighting the thin "at" band up (version 2) moved picks ~3 ms early
            ce = -(target * logp).sum(dim=1)
            return (ce * mask).sum() / mask.sum().clamp_min(1.0)
        # "balanced": each class weighted by its inverse frequency in the batch
        freq = (target * mask[:, None]).sum(dim=(0, 2, 3)) / mask.sum().clamp_min(1.0)
        present = freq > 0
        # every class present in the batch contributes equally to the loss
        w = torch.where(present, 1.0 / (present.sum() * freq.clamp_min(1e-6)),
                        torch.zeros_like(freq))
        ce = -(target * logp * w[None, :, None, None]).sum(dim=1)
        return (ce * mask).sum() / mask.sum().clamp_min(1.0)

    @staticmethod
    def probabilities(raw: np.ndarray) -> np.ndarray:
        """Class probabilities (3, traces, work samples) from the network's logits."""
        z = raw - raw.max(axis=0, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=0, keepdims=True)

    def _raw(self, inp: np.ndarray, ctx: Any) -> np.ndarray:
        """Network logits; with ``flip_average``, the log of the mean class probabilities of
        the gather and of its trace-order mirror (mirrored back): a shot looks the same with
        its channels numbered the other way, so the picks do not depend on that order."""
        raw = super()._raw(inp, ctx)
        if not self.flip_average:
            return raw
        mirrored = super()._raw(np.ascontiguousarray(inp[:, ::-1]), ctx)[:, ::-1]
        p = 0.5 * (self.probabilities(raw) + self.probabilities(mirrored))
        return np.log(np.clip(p, 1e-12, 1.0)).astype(np.float32)

    def loglik(self, p: np.ndarray) -> np.ndarray:
        """Onset log-likelihood of class probabilities ``p`` over ``after_ms`` from the onset."""
        return onset_loglik(p, round(float(self.after_ms) / float(self.work_dt_ms)),
                            float(self.neutral))

    def combined(self, p: np.ndarray, prep: Prepared) -> CombinedOnsets:
        """The onset likelihood made consistent with the gather's refractor trend (half-window
        at least ``trend_ms``, 6 ms when this model's file set none)."""
        return combined_onsets(self.loglik(p), prep.meta["live"], prep.meta["offsets"],
                               prep.meta["t0"], float(self.work_dt_ms),
                               float(self.trend_ms) or 6.0)

    def onset_times(self, k: np.ndarray, prep: Prepared, n_work: int) -> np.ndarray:
        """Onset times (ms, NaN unpicked) of fractional work-sample onsets ``k``, AIC-refined
        on the original samples when ``refine_ms`` is set."""
        k = np.asarray(k, dtype=float)
        wdt = float(self.work_dt_ms)
        t = prep.meta["t0"] + (k - 0.5) * wdt  # the onset lies within the sample before k
        t = np.maximum(t, prep.meta["t0"])
        t_end = prep.meta["t0"] + prep.meta["dt"] * (prep.meta["n"] - 1)
        bad = ~prep.meta["live"] | (k >= n_work) | (t > t_end)
        t = np.where(bad, np.nan, t)
        if self.refine_ms:
            t = refine_aic(prep.meta["data"], t, prep.meta["dt"], prep.meta["t0"],
                           float(self.refine_ms))
        return t.astype(np.float32)

    def decode_trend(self, p: np.ndarray, prep: Prepared
                     ) -> tuple[np.ndarray, CombinedOnsets, HybridPicks | None]:
        """(times ms, combined onsets, classical combination or None) of class probabilities
        ``p``: the network's onsets made consistent with the gather's refractor trend, then,
        with ``classical="earlier"``, combined with the classical picker
        (:mod:`geodesk.ml.tasks.fb_combine`, :mod:`geodesk.ml.tasks.fb_hybrid`). ``onsets.k``
        holds the final picks in work samples."""
        if self.classical not in ("earlier", "none"):
            raise ValueError(f"unknown classical {self.classical!r} (earlier or none)")
        onsets = self.combined(p, prep)
        times = self.onset_times(onsets.k, prep, p.shape[-1])
        if self.classical == "none":
            return times, onsets, None
        m, wdt = prep.meta, float(self.work_dt_ms)
        hyb = classical_with_network(m["data"], m["dt"], m["t0"], m["offsets"], times,
                                     self.loglik(p), wdt)
        times = np.where(m["live"], hyb.times_ms, np.nan).astype(np.float32)
        k = np.where(np.isfinite(times), (times - m["t0"]) / wdt + 0.5, onsets.k)
        return times, dataclasses.replace(onsets, k=k), hyb

    def _finish(self, raw: np.ndarray, prep: Prepared) -> np.ndarray:
        p = self.probabilities(raw)
        wdt = float(self.work_dt_ms)
        if self.decode == "changepoint":
            k = change_points(p)
        elif self.decode == "trend":
            return self.decode_trend(p, prep)[0]
        elif self.decode == "likelihood":
            ll = self.loglik(p)
            k = np.argmax(ll, axis=1)
            if self.trend_ms and prep.meta["offsets"] is not None:
                k = repair_by_offset(ll, k, prep.meta["offsets"], wdt, prep.meta["t0"],
                                     float(self.trend_ms))
            k = k + subsample_peak(ll[:, :-1], k)  # the last column is "no onset"
        else:
            raise ValueError(f"unknown decode {self.decode!r} (changepoint, likelihood or trend)")
        return self.onset_times(k, prep, p.shape[-1])

    def score(self, X: list, y: list) -> dict[str, float]:
        """Fraction of picks within 2 and 5 input samples of the truth (traces with truth), of
        the network's own picks (``classical="none"``): training selects the network, not the
        classical picks it is combined with."""
        own, self.classical = self.classical, "none"
        try:
            return self._score(X, y)
        finally:
            self.classical = own

    def _score(self, X: list, y: list) -> dict[str, float]:
        hit2, hit5, n = 0, 0, 0
        for x, truth in zip(X, y):
            dt, _ = _dt_t0(x)
            t = np.asarray(truth, dtype=float)
            ok = np.isfinite(t)
            err = np.abs(self.predict(x)[ok] - t[ok])
            err = np.where(np.isfinite(err), err, np.inf)
            hit2 += int((err <= 2 * dt).sum())
            hit5 += int((err <= 5 * dt).sum())
            n += int(ok.sum())
        return {"within_2_samples": hit2 / max(n, 1), "within_5_samples": hit5 / max(n, 1)}
