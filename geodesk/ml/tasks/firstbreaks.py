"""First-break picking on shot gathers with a 2D U-Net: 3-class segmentation.

Choice: segmentation rather than pick regression, because it is fully convolutional (any trace
count, tiled), handles dead traces and late arrivals without a fixed output size, and gives a
per-sample confidence. Classes per (trace, sample): 0 before the onset, 1 the first ``band``
samples from the onset on, 2 later. The pick is the change point where "before" ends (see
:func:`change_points`). The loss weights the classes equally (the "at" band is thin).
Gathers are resampled to ``work_dt_ms`` first (band-limited) so one model serves dt from 0.25 ms
to 4 ms; each trace is scaled by its own RMS (amplitudes fall fast with offset). A second
input channel holds the recording time, so the network knows where the record starts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.section import Axis, Section
from geodesk.ml.base import Prepared
from geodesk.ml.normalize import clean_nonfinite, resample_time
from geodesk.ml.tasks.common import UNetModel, dead_traces, section_arrays


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


def change_points(prob: np.ndarray) -> np.ndarray:
    """Per row of class probabilities (3, traces, samples), the index t maximising
    ``sum_{s<t} e(s) - sum_{s>=t} e(s)`` with ``e = P0 - max(P1, P2)``: "before" wins before t,
    another class after it. Robust to isolated errors; 0 when nothing looks like "before"."""
    e = np.asarray(prob[0], dtype=np.float64) - np.maximum(prob[1], prob[2])
    prefix = np.concatenate([np.zeros((e.shape[0], 1)), np.cumsum(e, axis=1)], axis=1)
    return np.argmax(prefix, axis=1)


class FirstBreakUNet(UNetModel):
    """First breaks: ``predict(gather_section)`` → onset time (ms) per trace, NaN unpicked."""

    task = "firstbreaks"
    name = "firstbreak-unet"
    version = 1
    out_channels = 3
    normalisation = "per-trace RMS, clipped to ±8, after resampling to work_dt_ms"

    def __init__(self, *, depth: int = 4, width: int = 16, dropout: float = 0.1,
                 work_dt_ms: float = 1.0, band: int = 4, time_channel: bool = True,
                 lr: float = 1e-3,
                 batch_size: int = 4, patch: tuple[int, int] = (64, 256), epochs: int = 10,
                 steps_per_epoch: int = 100, tile: int = 256, device: str = "auto",
                 seed: int = 0) -> None:
        self.depth, self.width, self.dropout = depth, width, dropout
        self.work_dt_ms, self.band, self.time_channel = work_dt_ms, band, time_channel
        self.lr, self.batch_size, self.patch = lr, batch_size, tuple(patch)
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.tile, self.device, self.seed = tile, device, seed

    @property
    def in_channels(self) -> int:  # type: ignore[override]
        return 2 if self.time_channel else 1

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
        meta = {"live": live, "dt": dt, "t0": t0, "n": data.shape[1]}
        return Prepared(np.stack(channels), target, mask, meta)

    def _loss(self, out, target, mask, inp):
        import torch

        logp = torch.log_softmax(out, dim=1)
        # classes are imbalanced (the "at" band is thin): weight each by its inverse frequency
        freq = (target * mask[:, None]).sum(dim=(0, 2, 3)) / mask.sum().clamp_min(1.0)
        present = freq > 0
        # every class present in the batch contributes equally to the loss
        w = torch.where(present, 1.0 / (present.sum() * freq.clamp_min(1e-6)),
                        torch.zeros_like(freq))
        ce = -(target * logp * w[None, :, None, None]).sum(dim=1)
        return (ce * mask).sum() / mask.sum().clamp_min(1.0)

    def _finish(self, raw: np.ndarray, prep: Prepared) -> np.ndarray:
        z = raw - raw.max(axis=0, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=0, keepdims=True)
        k = change_points(p).astype(float)
        wdt = float(self.work_dt_ms)
        t = prep.meta["t0"] + (k - 0.5) * wdt  # the onset lies within the sample before k
        t = np.maximum(t, prep.meta["t0"])
        t_end = prep.meta["t0"] + prep.meta["dt"] * (prep.meta["n"] - 1)
        bad = ~prep.meta["live"] | (k >= p.shape[-1]) | (t > t_end)
        return np.where(bad, np.nan, t).astype(np.float32)

    def score(self, X: list, y: list) -> dict[str, float]:
        """Fraction of picks within 2 and 5 input samples of the truth (traces with truth)."""
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
